import warnings

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from diffseg.apis import inference_incontext, init_model
from diffseg.structures import InContextDataSample
from _helpers.tiny_models import tiny_ldis1_cfg


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return init_model(Config(dict(model=tiny_ldis1_cfg(),
                                  default_scope='diffseg')))


def random_image(h, w, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3),
                                                dtype=np.uint8)


def square_mask(h, w, value=1):
    mask = np.zeros((h, w), np.uint8)
    mask[h // 4:h // 2, w // 4:w // 2] = value
    return mask


def write_png(path, img):
    assert cv2.imwrite(str(path), img)
    return str(path)


def test_init_model_loads_checkpoint_and_meta(tmp_path, model):
    state = {k: torch.randn_like(v) for k, v in model.state_dict().items()}
    meta = dict(dataset_meta=dict(classes=('a', 'b')))
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(state_dict=state, meta=meta), path)
    cfg = Config(dict(model=tiny_ldis1_cfg(), default_scope='diffseg'))
    loaded = init_model(cfg, str(path),
                        cfg_options={'model.loss_space': 'pixel'})
    assert not loaded.training
    assert loaded.cfg is cfg and loaded.loss_space == 'pixel'
    assert loaded.dataset_meta == meta['dataset_meta']
    for key, value in loaded.state_dict().items():
        torch.testing.assert_close(value, state[key])


def test_init_model_rejects_other_config_types():
    with pytest.raises(TypeError, match='file path or a Config'):
        init_model(dict(model=tiny_ldis1_cfg()))


def test_inference_from_arrays_keeps_query_size(model):
    query = random_image(40, 36)
    prompts = [(random_image(32, 32, 1), square_mask(32, 32, value=7)),
               (random_image(24, 20, 2), square_mask(24, 20))]
    # prompts of two sizes need a test pipeline bringing them to one
    with pytest.raises(ValueError, match='must share one size'):
        inference_incontext(model, query, prompts)
    resizing = init_model(Config(dict(
        model=tiny_ldis1_cfg(), default_scope='diffseg',
        test_dataloader=dict(dataset=dict(pipeline=[
            dict(type='ResizeEpisode', scale=(32, 32), keep_ratio=False,
                 resize_gt=False),
            dict(type='PackInContextInputs')])))))
    sample = inference_incontext(resizing, query, prompts)
    assert isinstance(sample, InContextDataSample)
    assert sample.pred_sem_seg.shape == (40, 36)
    assert sample.seg_logits.shape == (40, 36)
    assert set(sample.pred_sem_seg.data.unique().tolist()) <= {0, 1}
    # the test pipeline resized the query and the prompts
    assert tuple(sample.img_shape) == (32, 32)
    assert tuple(sample.prompt_imgs.shape) == (2, 3, 32, 32)
    assert tuple(sample.prompt_masks.shape) == (2, 32, 32)
    # nonzero mask values are foreground
    assert set(sample.prompt_masks.unique().tolist()) == {0, 1}


def test_inference_from_files_matches_arrays(tmp_path, model):
    query, p_img = random_image(32, 32), random_image(32, 32, 1)
    mask = square_mask(32, 32, value=255)
    mask[:4, :4] = 1
    q_path = write_png(tmp_path / 'q.png', query[..., ::-1])  # cv2 is BGR
    i_path = write_png(tmp_path / 'p.png', p_img[..., ::-1])
    m_path = write_png(tmp_path / 'm.png', mask)
    from_files = inference_incontext(model, q_path, [(i_path, m_path)])
    from_arrays = inference_incontext(model, query, [(p_img, mask)])
    torch.testing.assert_close(from_files.seg_logits.data,
                               from_arrays.seg_logits.data)
    assert from_files.img_path == q_path
    assert torch.equal(from_files.prompt_imgs[0],
                       torch.from_numpy(p_img).permute(2, 0, 1))
    # 0/255 masks work: every nonzero pixel is foreground
    assert torch.equal(from_files.prompt_masks[0],
                       torch.from_numpy((mask != 0).astype(np.uint8)))


def test_missing_file(tmp_path, model):
    p_img, mask = random_image(32, 32), square_mask(32, 32)
    missing = str(tmp_path / 'nope.png')
    with pytest.raises(FileNotFoundError, match='nope.png'):
        inference_incontext(model, missing, [(p_img, mask)])
    with pytest.raises(FileNotFoundError, match='prompt mask 0.*nope.png'):
        inference_incontext(model, p_img, [(p_img, missing)])


def test_rgba_and_grayscale_images_are_rejected(tmp_path, model):
    p_img, mask = random_image(32, 32), square_mask(32, 32)
    rgba = write_png(tmp_path / 'rgba.png',
                     np.dstack([p_img, np.full((32, 32), 255, np.uint8)]))
    with pytest.raises(ValueError, match=r'rgba\.png.*\(32, 32, 4\)'):
        inference_incontext(model, rgba, [(p_img, mask)])
    gray = write_png(tmp_path / 'gray.png', p_img[..., 0])
    with pytest.raises(ValueError, match=r'prompt image 0.*gray\.png.*'
                       r'\(32, 32\)'):
        inference_incontext(model, p_img, [(gray, mask)])
    with pytest.raises(ValueError, match='query image has shape'):
        inference_incontext(model, p_img[..., 0], [(p_img, mask)])


def test_corrupt_png(tmp_path, model):
    p_img, mask = random_image(32, 32), square_mask(32, 32)
    corrupt = tmp_path / 'corrupt.png'
    corrupt.write_bytes(np.random.default_rng(0).bytes(256))
    with pytest.raises(ValueError, match='corrupt.png.*could not be decoded'):
        inference_incontext(model, str(corrupt), [(p_img, mask)])


def test_empty_prompt_mask_names_the_prompt(tmp_path, model):
    p_img, mask = random_image(32, 32), square_mask(32, 32)
    empty = np.zeros((32, 32), np.uint8)
    with pytest.raises(ValueError, match='prompt mask 1 is empty'):
        inference_incontext(model, p_img, [(p_img, mask), (p_img, empty)])
    empty_png = write_png(tmp_path / 'empty.png', empty)
    with pytest.raises(ValueError, match=r'prompt mask 0 .*empty\.png.* is '
                       'empty'):
        inference_incontext(model, p_img, [(p_img, empty_png)])


def test_bad_prompts(model):
    p_img = random_image(32, 32)
    with pytest.raises(ValueError, match='at least one'):
        inference_incontext(model, p_img, [])
    with pytest.raises(ValueError, match=r'prompt mask 0 has shape \(16, 16\) '
                       r'but prompt image 0 is \(32, 32\)'):
        inference_incontext(model, p_img, [(p_img, square_mask(16, 16))])
    with pytest.raises(ValueError, match='prompt mask 0 has shape'):
        inference_incontext(model, p_img, [(p_img, p_img)])


def test_checkpoint_of_another_model_is_a_clear_error(tmp_path, model):
    from diffseg.apis.inference import load_weights
    path = tmp_path / 'other.pth'
    torch.save(dict(state_dict={'head.weight': torch.zeros(2)}, meta={}),
               path)
    with pytest.raises(ValueError, match=r"other\.pth.*head\.weight"):
        load_weights(model, str(path))
    partial = tmp_path / 'partial.pth'
    first = next(iter(model.state_dict()))
    torch.save(dict(state_dict={first: model.state_dict()[first]}, meta={}),
               partial)
    with pytest.warns(UserWarning, match='lacks'):
        load_weights(model, str(partial))
    torch.save(dict(state_dict={first: model.state_dict()[first]},
                    meta=dict(trainable_only=True)), partial)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        load_weights(model, str(partial))
