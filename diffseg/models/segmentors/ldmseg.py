"""LDMSeg: panoptic segmentation and mask inpainting by latent diffusion
over a shallow mask autoencoder (arXiv 2401.10227)."""
from typing import Optional, Sequence, Union

import torch

from diffseg.models.base_model import (IMAGE_DATA_PREPROCESSOR,
                                       BaseDiffSegModel)
from diffseg.models.denoisers import TaskEmbeddings, remove_cross_attention
from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.models.utils.diffusion_math import (
    add_training_noise, alpha_bar_at, check_same_prediction_type,
    min_snr_weight, predict_x0, prediction_target)
from diffseg.registry import (AUTOENCODERS, DENOISERS, ID_CODECS,
                              IMAGE_ENCODERS, MODELS, SAMPLERS, TASKS)


@MODELS.register_module()
class LDMSeg(BaseDiffSegModel):
    """Denoise a task's latent conditioned on an image latent.

    The denoiser sees ``cat([z_t, z_img, x0_sc])`` (its ``conv_in`` must
    take 3C channels; 2C without self-conditioning) and predicts the noise
    (or what the training scheduler's ``prediction_type`` says); the loss
    is the squared error times the Min-SNR-gamma weight, averaged over every
    latent element with void cells at 0. With ``self_condition``, a sample
    is trained with probability ``self_condition_prob`` on the stop-gradient
    clean estimate of a first denoiser pass, otherwise on zeros (Analog Bits;
    the reference code always conditions: 1.0). Inference runs ``sampler``
    (any sampler without an unconditional branch, e.g. a DiffusionSampler
    with ConditionalOnly guidance and any scheduler) with the same
    self-conditioning and keeps the clean estimate of the last step. Each
    task (TASKS) gives the target latent of its annotations and decodes its
    predictions; a task that can inpaint fixes the latents of known parts.

    Args:
        image_encoder: IMAGE_ENCODERS config (frozen SD VAE or a ViT).
        mask_autoencoder: a (pretrained, frozen) ShallowMaskAutoencoder.
        denoiser: a DiffusersUNet config.
        noise_scheduler: the training scheduler config.
        sampler: a SAMPLERS config (DiffusionSampler with ConditionalOnly
            guidance).
        mask_codec: the ID_CODECS config (BitCodec) the autoencoder was
            trained with.
        tasks: TASKS names ('panoptic', 'semantic', 'depth') or configs
            (``dict(type='depth', quantiles=...)``); each training sample
            draws one of the tasks its annotations allow.
        test_tasks: names of the tasks predicted at inference (default:
            ``tasks``).
        task_embeddings: None removes the UNet's cross-attention (the
            reference code; a single task only); a dict (``num_tokens``)
            feeds learnable tokens per task through it (the paper's
            multi-task model).
        num_classes: classes of the semantic task (default: every id).
        self_condition: give the denoiser the clean-latent estimate of the
            previous pass as a third input.
        self_condition_prob: probability of a self-conditioned training
            sample.
        snr_gamma: Min-SNR gamma (reference: 2.0); None: no weighting.
        postprocess: kwargs of ``panoptic_postprocess`` (panoptic task;
            None: its defaults).
        inpaint_cell_threshold: known fraction of a latent cell's pixels
            that fixes it in mask inpainting (panoptic task).
    """

    def __init__(self,
                 image_encoder: dict,
                 mask_autoencoder: dict,
                 denoiser: dict,
                 noise_scheduler: dict,
                 sampler: dict,
                 mask_codec: dict = dict(type='BitCodec', num_bits=7),
                 tasks: Sequence[Union[str, dict]] = ('panoptic', ),
                 test_tasks: Optional[Sequence[str]] = None,
                 task_embeddings: Optional[dict] = None,
                 num_classes: Optional[int] = None,
                 self_condition: bool = True,
                 self_condition_prob: float = 0.5,
                 snr_gamma: Optional[float] = 2.0,
                 postprocess: Optional[dict] = None,
                 inpaint_cell_threshold: float = 0.5,
                 data_preprocessor: dict = IMAGE_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.image_encoder = IMAGE_ENCODERS.build(image_encoder)
        self.mask_autoencoder = AUTOENCODERS.build(
            dict(mask_autoencoder, freeze=True))
        self.mask_codec = ID_CODECS.build(mask_codec)
        self.denoiser = DENOISERS.build(denoiser)
        self.noise_scheduler = build_noise_scheduler(noise_scheduler)
        self.sampler = SAMPLERS.build(sampler)
        self.latent_channels = self.mask_autoencoder.latent_channels
        self.self_condition = self_condition
        self.self_condition_prob = self_condition_prob
        self.snr_gamma = snr_gamma
        task_options = dict(
            panoptic=dict(postprocess=postprocess,
                          cell_threshold=inpaint_cell_threshold),
            semantic=dict(num_classes=num_classes))
        self.tasks = self.build_tasks(tasks, task_options)
        self.task_names = tuple(self.tasks)
        self.test_tasks = tuple(test_tasks or self.task_names)
        if not set(self.test_tasks) <= set(self.task_names):
            raise ValueError(f'test_tasks {self.test_tasks}: choose among '
                             f'the trained tasks {self.task_names}')
        self._check_components()
        width = self.denoiser.cross_attention_dim
        if task_embeddings is None:
            if len(self.tasks) > 1:
                raise ValueError('several tasks need task_embeddings (the '
                                 'tokens that select the task)')
            remove_cross_attention(self.denoiser.network)
            self.task_embeddings = None
            # never read: the UNet has no cross-attention left
            self.register_buffer('blank_tokens', torch.zeros(1, 1, width),
                                 persistent=False)
        else:
            self.task_embeddings = TaskEmbeddings(self.task_names, width,
                                                  **task_embeddings)

    def build_tasks(self, tasks, task_options: dict) -> dict:
        """Task names or configs -> {name: task} built with the mask
        autoencoder and codec; ``task_options[name]`` gives defaults."""
        if not tasks:
            raise ValueError('tasks is empty; choose among '
                             f'{sorted(TASKS.module_dict)}')
        built = {}
        for cfg in tasks:
            cfg = dict(type=cfg) if isinstance(cfg, str) else dict(cfg)
            name = cfg['type']
            if TASKS.get(name) is None:
                raise ValueError(f'task {name!r} is unknown: choose among '
                                 f'{sorted(TASKS.module_dict)}')
            built[name] = TASKS.build(
                {**task_options.get(name, {}), **cfg},
                default_args=dict(autoencoder=self.mask_autoencoder,
                                  codec=self.mask_codec))
        return built

    def _check_components(self) -> None:
        c = self.latent_channels
        expected = (3 if self.self_condition else 2) * c
        if self.denoiser.in_channels != expected:
            raise ValueError(
                f'the denoiser takes {self.denoiser.in_channels} input '
                f'channels; LDMSeg needs {expected} (noisy mask latent, image '
                'latent' + (', self-conditioning' if self.self_condition else
                            '') + '): set denoiser.in_channels')
        if self.image_encoder.out_channels != c:
            raise ValueError(f'the image encoder gives '
                             f'{self.image_encoder.out_channels} channels; '
                             f'the mask latent has {c}: set its out_channels')
        self.mask_codec.check_fits(self.mask_autoencoder)
        if self.sampler.needs_null_tokens:
            raise ValueError('LDMSeg has no null condition: sample with a '
                             "DiffusionSampler whose guidance is "
                             "dict(type='ConditionalOnly')")
        check_same_prediction_type(self.noise_scheduler, self.sampler)

    # conditioning -----------------------------------------------------------
    def image_latent(self, img: torch.Tensor) -> torch.Tensor:
        """img (B, 3, H, W) in [-1, 1] -> z_img (B, C, H/f, W/f)."""
        z_img = self.image_encoder(img)
        f = self.mask_autoencoder.downsample_factor
        size = (img.shape[-2] // f, img.shape[-1] // f)
        if tuple(z_img.shape[-2:]) != size:
            raise ValueError(
                f'the image encoder maps {tuple(img.shape[-2:])} images to '
                f'{tuple(z_img.shape[-2:])} latents; the mask latents are '
                f'{size} (downsampling {f}): match their downsampling')
        return z_img

    def task_tokens(self, task_ids: torch.Tensor) -> torch.Tensor:
        """task_ids (B,) -> cross-attention tokens (B, L, D)."""
        if self.task_embeddings is None:
            return self.blank_tokens.expand(len(task_ids), -1, -1)
        return self.task_embeddings(task_ids)

    def draw_tasks(self, data_samples) -> torch.Tensor:
        """-> one task index per sample among the tasks it is annotated for."""
        ids = []
        for i, sample in enumerate(data_samples):
            able = [k for k, task in enumerate(self.tasks.values())
                    if task.annotated(sample)]
            if not able:
                fields = [task.gt_field for task in self.tasks.values()]
                raise ValueError(f'data sample {i} has none of {fields}')
            ids.append(able[int(torch.randint(len(able), ()))])
        return torch.tensor(ids)

    # training ---------------------------------------------------------------
    def targets(self, task_ids: torch.Tensor, data_samples, size):
        """-> z_0 (B, C, h, w) and the loss mask (B, C, h, w)."""
        z_0, valid = [None] * len(data_samples), [None] * len(data_samples)
        for k in task_ids.unique().tolist():
            rows = (task_ids == k).nonzero()[:, 0].tolist()
            task = self.tasks[self.task_names[k]]
            z, v = task.encode([data_samples[i] for i in rows], size)
            for j, i in enumerate(rows):
                z_0[i], valid[i] = z[j], v[j].expand_as(z[j])
        return torch.stack(z_0), torch.stack(valid)

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        task_ids = self.draw_tasks(data_samples).to(inputs.device)
        # frozen encoders keep their own weights out of the graph; a ViT
        # encoder's projection trains
        z_img = self.image_latent(inputs)
        with torch.no_grad():
            z_0, valid = self.targets(task_ids, data_samples,
                                      inputs.shape[-2:])
        tokens = self.task_tokens(task_ids)
        z_t, noise, t = add_training_noise(self.noise_scheduler, z_0)
        alpha_bar = alpha_bar_at(self.noise_scheduler.alphas_cumprod, t, z_0)
        kind = self.noise_scheduler.config.prediction_type
        sample = torch.cat([z_t, z_img], 1)
        if self.self_condition:
            cond = torch.zeros_like(z_t)
            use = torch.rand(len(z_t), device=z_t.device) < \
                self.self_condition_prob
            if use.any():
                with torch.no_grad():
                    first = self.denoiser(torch.cat([sample, cond], 1), t,
                                          tokens)
                    estimate = predict_x0(first, z_t, alpha_bar, kind)
                cond = torch.where(use[:, None, None, None], estimate, cond)
            sample = torch.cat([sample, cond], 1)
        pred = self.denoiser(sample, t, tokens)
        target = prediction_target(self.noise_scheduler, z_0, noise, t)
        weight = min_snr_weight(alpha_bar, self.snr_gamma, kind)
        error = (pred.float() - target.float())**2
        return dict(loss_diffusion=(weight * valid * error).mean())

    # inference --------------------------------------------------------------
    def sample_latent(self, z_img: torch.Tensor, task: str,
                      known: Optional[torch.Tensor] = None,
                      known_mask: Optional[torch.Tensor] = None
                      ) -> torch.Tensor:
        """Generate ``task``'s clean latent (B, C, h, w) given image
        latents ``z_img`` (B, C, h, w); with ``known`` (B, C, h, w) latents
        fixed where ``known_mask`` (B, 1, h, w) is 1 (inpainting)."""
        task_ids = torch.full((len(z_img), ), self.task_names.index(task),
                              dtype=torch.long, device=z_img.device)
        return self.sampler(self.denoiser, z_img, self.task_tokens(task_ids),
                            self_condition=self.self_condition, known=known,
                            known_mask=known_mask, return_x0=True)

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        return self.sample_latent(self.image_latent(inputs),
                                  self.test_tasks[0])

    def predict(self, inputs: torch.Tensor, data_samples):
        """Each test task's prediction on ``data_samples``; a task that can
        inpaint (panoptic: ``known_panoptic_seg`` on the samples) keeps the
        known parts."""
        z_img = self.image_latent(inputs)
        for name in self.test_tasks:
            task = self.tasks[name]
            known = task.encode_known(data_samples, inputs.shape[-2:])
            z = self.sample_latent(
                z_img, name, *((known.latent, known.mask) if known else ()))
            task.decode(z, data_samples, known)
        return data_samples
