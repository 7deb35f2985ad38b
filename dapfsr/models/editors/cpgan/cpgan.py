"""CPGAN (Zhang et al., CVPR 2020), the Copy-and-Paste GAN of Table 1 (docs/baselines.md#cpgan)."""
import numpy as np
import torch
import torch.nn.functional as F

from dapfsr.datasets.transforms import read_face_tensor
from dapfsr.registry import MODELS
from dapfsr.utils.matlab_resize import imresize
from dapfsr.models.archs import feature_statistics
from dapfsr.models.base_models import BaseFaceSRModel


def landmark_heatmaps(points, image_size, heatmap_size, sigma=1.0):
    """Gaussian heatmaps of landmarks: points (N, K, 2) (x, y) in the pixels of an
    ``image_size`` (H, W) face -> (N, K, h, w) with ``exp(-d^2 / (2 sigma^2))``, d the
    distance in heatmap pixels to the point mapped to the ``heatmap_size`` (h, w) grid
    (pixel centres: x' = (x + 0.5) w / W - 0.5), so each map peaks (1) at its point."""
    (height, width), (h, w) = image_size, heatmap_size
    x = (points[..., 0] + 0.5) * (w / width) - 0.5
    y = (points[..., 1] + 0.5) * (h / height) - 0.5
    grid_y = torch.arange(h, dtype=points.dtype, device=points.device)
    grid_x = torch.arange(w, dtype=points.dtype, device=points.device)
    dist2 = (grid_y.view(1, 1, h, 1) - y[..., None, None]).square() \
        + (grid_x.view(1, 1, 1, w) - x[..., None, None]).square()
    return torch.exp(-dist2 / (2 * sigma ** 2))


def style_loss(img, reference):
    """CPGAN's illumination ("style") loss: MSE of the per-channel RGB means plus MSE
    of the stds of ``img`` against ``reference`` (AdaIN's statistics of the images, with
    the source's unbiased variance)."""
    (mean, std), (ref_mean, ref_std) = (feature_statistics(x, unbiased=True) for x in (img, reference))
    return F.mse_loss(mean, ref_mean) + F.mse_loss(std, ref_std)


@MODELS.register_module()
class CPGAN(BaseFaceSRModel):
    """Super-resolve an LR face with the help of a guide face, by CPGAN's generator.

    Training (docs/baselines.md#cpgan-losses-and-training; one G step, then one D step, as the
    source): the generator sees each LR face with a guide, the LR copy (MATLAB
    bicubic) of another training face: the HR face of the next sample in the
    shuffled batch (batches of >= 2). The face stream's loss is
    ``pixel * MSE(SR, HR) + style * style_loss(SR, ref) + adversarial * L_G^LS(D(SR))
    + perceptual * L1(F(SR), F(HR)) + heatmap * MSE(H(SR), H*(HR))``, the guide
    stream's the same without the style and adversarial terms, against the guide's
    HR face. ``H*`` are Gaussian heatmaps (:func:`landmark_heatmaps`) at the 68
    landmarks the pipeline puts in each sample (``LoadFaceLandmarks``); faces whose
    landmarks were not detected (``gt_landmarks_detected`` False) are left out of
    the heatmap terms. D: ``0.5 (mean (D(HR) - 1)^2 + mean D(SR)^2)``.

    The style term compares the SR face's per-channel RGB statistics with ``ref``:
    ``style_reference='gt'`` its own HR face (the default of our configs: the source
    domain has no shading pairs, so the face's normally-lit version is the HR face
    itself), ``'guide'`` the guide's HR face as the source code does (on Multi-PIE
    the guide and the ground truth share the lab's normal light).

    Testing: the guide is the fixed face ``test_guide`` (an image file, cropped by
    ``test_guide_crop_box``, resized to the HR size and then to the LR size as the
    training guides are), one for every input.

    Args:
        generator (dict): CPGANGenerator config.
        discriminator (dict): CPGANDiscriminator config.
        perceptual (dict): Frozen feature extractor F (VGG19Features at relu3_1 in the
            paper profile, EfficientNetLite0Features in the small one).
        gan_loss (dict): LeastSquaresGANLoss config.
        test_guide (str, optional): Image file of the test-time guide face; without
            it the model trains but cannot super-resolve.
        test_guide_crop_box (Sequence[int], optional): (top, left, height, width) of
            the face in that file (e.g. CelebA's MTDN box); None: the whole image.
        pixel_loss_weight, style_loss_weight, adversarial_loss_weight,
        perceptual_loss_weight, heatmap_loss_weight (float): The weights above
            (the source's 1, 1e-2, 1e-1, 1e-2, 10 / 68).
        perceptual_layer_weights (Sequence[float], optional): Per-layer weights of the
            L1 feature loss; None: 1 each.
        guide_loss (bool): Train on the guide stream's terms too (the source does).
        style_reference (str): ``'gt'`` or ``'guide'``, see above.
        heatmap_sigma (float): Std of the target Gaussians in heatmap pixels.
        data_preprocessor (dict): FaceSRDataPreprocessor config.
        refiner (dict, optional): See :class:`BaseFaceSRModel`.
    """

    self_loading_modules = ('perceptual', )

    def __init__(self, generator, discriminator, perceptual, gan_loss=dict(type='LeastSquaresGANLoss'),
                 test_guide=None, test_guide_crop_box=None, pixel_loss_weight=1.0,
                 style_loss_weight=1e-2, adversarial_loss_weight=1e-1, perceptual_loss_weight=1e-2,
                 heatmap_loss_weight=10 / 68, perceptual_layer_weights=None, guide_loss=True,
                 style_reference='gt', heatmap_sigma=1.0,
                 data_preprocessor=dict(type='FaceSRDataPreprocessor'), refiner=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, refiner=refiner, init_cfg=init_cfg)
        if style_reference not in ('gt', 'guide'):
            raise ValueError(f'style_reference must be "gt" or "guide", got {style_reference!r}')
        self.generator = MODELS.build(generator)
        self.discriminator = MODELS.build(discriminator)
        self.perceptual = MODELS.build(perceptual)
        self.gan_loss = MODELS.build(gan_loss)
        self.perceptual_layer_weights = self.perceptual.layer_weights(perceptual_layer_weights)
        self.pixel_loss_weight = pixel_loss_weight
        self.style_loss_weight = style_loss_weight
        self.adversarial_loss_weight = adversarial_loss_weight
        self.perceptual_loss_weight = perceptual_loss_weight
        self.heatmap_loss_weight = heatmap_loss_weight
        self.guide_loss, self.style_reference, self.heatmap_sigma = guide_loss, style_reference, heatmap_sigma
        # not in the state dict: the config names the test guide, a checkpoint does not fix it
        self.register_buffer('test_guide', self.read_guide(test_guide, test_guide_crop_box), persistent=False)

    @staticmethod
    def read_guide(path, crop_box=None):
        """The guide face file as a (1, 3, H, W) tensor in [-1, 1] (None without a path)."""
        return None if path is None else read_face_tensor(path, crop_box)[None]

    def guide_lr(self, guide_hr, lr_size):
        """LR copies (MATLAB bicubic) of guide faces, at the LR inputs' size."""
        return imresize(guide_hr, size=tuple(lr_size)).clamp(-1, 1)

    def test_guide_lr(self, lr):
        """The test guide at the HR size of ``lr`` (N, 3, h, w), then at its LR size."""
        if self.test_guide is None:
            raise ValueError('CPGAN needs a test-time guide face to super-resolve: set the model\'s '
                             'test_guide (an image file)')
        hr_size = tuple(s * self.generator.upscale_factor for s in lr.shape[-2:])
        guide = self.test_guide if tuple(self.test_guide.shape[-2:]) == hr_size else \
            imresize(self.test_guide, size=hr_size)
        return self.guide_lr(guide, lr.shape[-2:])

    def forward(self, inputs, data_samples=None, mode='tensor'):
        if mode == 'loss':
            if not data_samples:
                raise ValueError('CPGAN loss mode needs data_samples with gt_img (HR faces)')
            return self.loss(inputs, data_samples)[0]
        if mode not in ('predict', 'tensor'):
            raise ValueError(f'mode must be "loss", "predict" or "tensor", got {mode!r}')
        sr = self.generator(inputs, self.test_guide_lr(inputs), guide_output=False)['sr']
        return self.sr_output(sr, inputs, data_samples, mode)

    def perceptual_loss(self, img, target):
        """Weighted L1 between F's features of ``img`` and of ``target`` (no gradient to target)."""
        with torch.no_grad():
            target_feats = self.perceptual(target)
        return sum(weight * F.l1_loss(feat, ref) for weight, feat, ref
                   in zip(self.perceptual_layer_weights, self.perceptual(img), target_feats))

    def heatmap_loss(self, heatmaps, landmarks, detected, image_size):
        """MSE of predicted heatmaps against Gaussians at ``landmarks``, over the faces with
        detected landmarks (0 when there is none)."""
        if not detected.any():
            return heatmaps.sum() * 0
        target = landmark_heatmaps(landmarks, image_size, heatmaps.shape[-2:], self.heatmap_sigma)
        return F.mse_loss(heatmaps[detected], target[detected])

    def landmarks_of(self, data_samples, device):
        """(N, 68, 2) landmarks and (N,) detected flags of the samples (``LoadFaceLandmarks``)."""
        missing = [s.metainfo.get('img_path', i) for i, s in enumerate(data_samples)
                   if 'gt_landmarks' not in s.metainfo]
        if missing:
            raise KeyError(f'no gt_landmarks for {missing[:3]}: add LoadFaceLandmarks to the train '
                           'pipeline and gt_landmarks, gt_landmarks_detected to PackFaceInputs\' meta_keys, '
                           'or set heatmap_loss_weight=0')
        points = torch.as_tensor(np.stack([s.gt_landmarks for s in data_samples]), device=device)
        detected = torch.as_tensor([bool(s.metainfo.get('gt_landmarks_detected', True))
                                    for s in data_samples], device=device)
        return points.float(), detected

    def content_losses(self, sr, gt, style_reference):
        """The face stream's pixel, style and perceptual terms."""
        return dict(loss_pixel=self.pixel_loss_weight * F.mse_loss(sr, gt),
                    loss_style=self.style_loss_weight * style_loss(sr, style_reference),
                    loss_perceptual=self.perceptual_loss_weight * self.perceptual_loss(sr, gt))

    @property
    def hr_size(self):
        return self.discriminator.in_size

    def adaptation_parameter_groups(self):
        return self.generator_parameter_groups()

    def adaptation_loss(self, sr, hr):
        """The face stream's content terms against the HR face (style reference: the HR face
        itself); no adversarial term (D knows only the source domain) and no heatmap term
        (adaptation pairs have no landmarks)."""
        return self.content_losses(sr, hr, hr)

    def loss(self, lr, data_samples):
        """The generator's losses on a batch (LR faces in [-1, 1], samples with HR faces
        and, for the heatmap terms, landmarks). Returns (losses, SR faces)."""
        if lr.shape[0] < 2:
            raise ValueError('CPGAN trains with batches of at least 2 faces: each face\'s guide is '
                             'another face of the batch')
        gt = self.data_preprocessor.stack_gt(data_samples)
        guide_hr = gt.roll(1, 0)
        out = self.generator(lr, self.guide_lr(guide_hr, lr.shape[-2:]), guide_output=self.guide_loss)
        sr = out['sr']
        if sr.shape[-2:] != gt.shape[-2:]:
            raise ValueError(f'HR faces are {tuple(gt.shape[-2:])} but the generator makes '
                             f'{tuple(sr.shape[-2:])} from {tuple(lr.shape[-2:])} px LR faces')
        losses = self.content_losses(sr, gt, gt if self.style_reference == 'gt' else guide_hr)
        losses['loss_adversarial'] = (self.adversarial_loss_weight
                                      * self.gan_loss.generator_loss(self.discriminator(sr)))
        if self.guide_loss:
            losses.update(loss_guide_pixel=self.pixel_loss_weight * F.mse_loss(out['guide_sr'], guide_hr),
                          loss_guide_perceptual=self.perceptual_loss_weight
                          * self.perceptual_loss(out['guide_sr'], guide_hr))
        if self.heatmap_loss_weight:
            points, detected = self.landmarks_of(data_samples, lr.device)
            size = gt.shape[-2:]
            losses['loss_heatmap'] = self.heatmap_loss_weight * self.heatmap_loss(
                out['heatmaps'], points, detected, size)
            if self.guide_loss:
                losses['loss_guide_heatmap'] = self.heatmap_loss_weight * self.heatmap_loss(
                    out['guide_heatmaps'], points.roll(1, 0), detected.roll(1, 0), size)
        return losses, sr

    def train_step(self, data, optim_wrapper):
        """One generator step, then one discriminator step on the same SR faces."""
        data = self.data_preprocessor(data, True)
        gen_wrapper, disc_wrapper = optim_wrapper['generator'], optim_wrapper['discriminator']
        self.discriminator.requires_grad_(False)
        with gen_wrapper.optim_context(self.generator):
            losses, sr = self.loss(data['inputs'], data['data_samples'])
            loss, log_vars = self.parse_losses(losses)
            gen_wrapper.update_params(loss)
        self.discriminator.requires_grad_(True)
        gt = self.data_preprocessor.stack_gt(data['data_samples'])
        with disc_wrapper.optim_context(self.discriminator):
            real, fake = self.discriminator(gt), self.discriminator(sr.detach())
            loss_disc = self.gan_loss.discriminator_loss(real, fake)
            disc_wrapper.update_params(loss_disc)
        log_vars.update(loss_disc=loss_disc.detach(), real_score=real.detach().mean(),
                        fake_score=fake.detach().mean())
        return log_vars

