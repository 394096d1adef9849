# The LDIS-1 demo with the prompt encoder of this project instead of CLIP.
# Run from the repository root with the root on PYTHONPATH.
_base_ = ['../../../configs/ldis/ldis1_tiny_1shot_1500it_shapes_64.py']
custom_imports = dict(
    imports=['projects.example_project.mean_colour_encoder'],
    allow_failed_imports=False)
model = dict(
    prompt_encoder=dict(
        _delete_=True, type='MeanColourPromptEncoder', out_dim=64))
