# Tab. 6: vanilla pseudo masks plus uniform noise ("+epsilon").
_base_ = ['./ldisn_sd15_1shot_160k_coco-ablation_256.py']
model = dict(mask_codec=dict(_delete_=True, type='PseudoMaskCodec',
                             mode='perturbed', noise=0.1))
