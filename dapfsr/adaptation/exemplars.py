"""The one-shot exemplar(s) of a target domain: K HR/LR pairs in the model's range."""
import itertools
import os.path as osp
from dataclasses import dataclass

import torch
from mmengine.logging import print_log

from dapfsr.datasets.transforms import image_to_tensor, read_image
from dapfsr.datasets.transforms.processing import CropAndResize
from dapfsr.registry import ADAPTATIONS
from dapfsr.utils.matlab_resize import matlab_imresize


@dataclass(frozen=True)
class Exemplars:
    """K target-domain pairs, the D_t of sec. 3.

    Attributes:
        hr (Tensor): (K, C, H, W) HR faces in [-1, 1].
        lr (Tensor): (K, C, h, w) LR faces in [-1, 1].
    """
    hr: torch.Tensor
    lr: torch.Tensor

    def __len__(self):
        return self.hr.shape[0]

    def to(self, device):
        return Exemplars(self.hr.to(device), self.lr.to(device))

    def for_batch(self, num):
        """The exemplar each of ``num`` generated faces follows: sample i takes i mod K.

        Returns:
            tuple[Tensor, Tensor]: HR (num, C, H, W) and LR (num, C, h, w).
        """
        index = torch.arange(num, device=self.hr.device) % len(self)
        return self.hr[index], self.lr[index]


def model_device(model):
    """Where the model's tensors are: its first parameter's or buffer's device, the CPU for a
    model with none (bicubic)."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return torch.device('cpu')


def to_model_range(model, img):
    """(N, C, H, W) in [0, 1] -> [-1, 1] with the model's channel count (gray replicated)."""
    return model.data_preprocessor.to_model_range(img.to(model_device(model)))


def describe_crop(crop):
    """``'whole frame -> 128 px'`` of a ``CropAndResize`` argument dict."""
    box = crop.get('crop_box')
    return f'{"whole frame" if box is None else f"box {tuple(box)}"} -> {crop.get("size", 128)} px'


def config_face_sizes(cfg):
    """How the config's test pipeline makes HR faces: its ``CropAndResize`` arguments
    for ``gt`` (``crop_box``, ``size``; None without one) and the side of the HR faces."""
    dataset = (cfg.get('test_dataloader') or {}).get('dataset') or {}
    pipeline = dataset.get('pipeline') or cfg.get('test_pipeline') or []
    crop = size = None
    for transform in pipeline:
        keys = transform.get('keys', ['gt'] if transform.get('type') == 'CropAndResize' else [])
        if 'gt' in ([keys] if isinstance(keys, str) else keys) and transform.get('size') is not None:
            if transform.get('type') == 'CropAndResize' and crop is None:
                crop = dict(crop_box=transform.get('crop_box'), size=transform['size'])
            size = transform['size']
    return crop, size


def read_exemplar_image(path, size, role, crop=None, resized=None):
    """Read one exemplar face file as a (C, size, size) tensor in [0, 1].

    Args:
        crop (dict, optional): The ``CropAndResize`` arguments of the test pipeline
            (``crop_box``, ``size``): a file of another size is then made as the test
            faces are, an HR face cut to the box (default the whole frame) and resized
            to ``crop['size']`` then to ``size`` (MATLAB bicubic), an LR face resized
            to ``size``; without it such a file is refused.
        resized (list, optional): Gets ``'HR name (WxH)'`` for a file so made.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: not an image, or not ``size`` x ``size`` (without ``crop``); the
            message names the file.
    """
    img = read_image(path)  # names the path on missing, empty or corrupt files
    if img.shape[:2] != (size, size):
        if crop is None:
            raise ValueError(f'exemplar {role} {path} is {img.shape[1]}x{img.shape[0]} pixels; the model '
                             f'needs {size}x{size} {role} faces (crop and resize it like the test data)')
        if resized is not None:
            resized.append(f'{role} {osp.basename(path)} ({img.shape[1]}x{img.shape[0]})')
        if role == 'HR':
            img = CropAndResize(keys=['gt'], **crop).transform(dict(gt=img, img_path=path))['gt']
        if img.shape[:2] != (size, size):
            img = matlab_imresize(img, size=(size, size))
    return image_to_tensor(img)


def read_exemplar_batch(model, paths, size, role, crop=None, resized=None):
    """Face files -> (K, C, size, size) in [-1, 1] on the model's device, gray replicated."""
    return torch.cat([to_model_range(model, read_exemplar_image(p, size, role, crop, resized)[None])
                      for p in paths])


def as_path_list(paths):
    """One path or a sequence of them (or None) -> a list."""
    return [paths] if isinstance(paths, str) else list(paths or [])


def load_exemplar_files(model, degradation, hr_paths, lr_paths=None, crop=None):
    """Exemplars from image files; missing LR faces are made by ``degradation``.

    Args:
        model: The face-SR model (its ``hr_size`` is the HR size).
        degradation (PipelineDegradation): Makes LR faces of the training
            data's kind; also fixes the expected LR size.
        hr_paths (str | Sequence[str]): K HR face files (H = W = the model's HR size).
        lr_paths (str | Sequence[str], optional): K LR face files, paired by order.
        crop (dict, optional): The test pipeline's ``CropAndResize`` arguments: files
            of another size are made as the test faces are (:func:`read_exemplar_image`),
            said in one logged line; without it they are refused.

    Returns:
        Exemplars: On the model's device.
    """
    hr_paths, lr_paths = as_path_list(hr_paths), as_path_list(lr_paths)
    if not hr_paths:
        raise ValueError('no exemplar given: pass at least one HR exemplar file')
    if lr_paths and len(lr_paths) != len(hr_paths):
        raise ValueError(f'{len(hr_paths)} HR exemplars but {len(lr_paths)} LR exemplars; '
                         'give one LR file per HR file, in the same order, or none')
    resized = []
    hr = read_exemplar_batch(model, hr_paths, model.hr_size, 'HR', crop, resized)
    degraded = degradation(hr)
    lr = read_exemplar_batch(model, lr_paths, degraded.shape[-1], 'LR', crop, resized) if lr_paths else degraded
    if resized:
        how = [f'HR {describe_crop(crop)} -> {model.hr_size} px' * any(r.startswith('HR') for r in resized),
               f'LR -> {degraded.shape[-1]} px' * any(r.startswith('LR') for r in resized)]
        print_log(f'exemplars not at the model\'s size made as the test faces are ({", ".join(filter(None, how))}, '
                  f'MATLAB bicubic): {", ".join(resized)}', logger='current')
    return Exemplars(hr, lr)


def exemplars_from_samples(model, samples):
    """Exemplars from packed dataset samples (``dict(inputs=LR, data_samples=...)``)."""
    if not samples:
        raise ValueError('no exemplar samples given')
    missing = [s['data_samples'].metainfo.get('img_path', i) for i, s in enumerate(samples)
               if 'gt_img' not in s['data_samples']]
    if missing:
        raise ValueError(f'exemplars need HR ground truth; none for {missing}')
    hr = torch.cat([to_model_range(model, s['data_samples'].gt_img[None]) for s in samples])
    lr = torch.cat([to_model_range(model, s['inputs'][None]) for s in samples])
    return Exemplars(hr, lr)


def one_shot_task(dataset, split, seed=0, num_exemplars=1):
    """The one-shot protocol's task for one split and exemplar seed.

    Args:
        dataset (dict): Target dataset config (e.g. the test set of a config composed
            with ``configs/_base_/targets/yaleb.py``).
        split (str): Condition of the target dataset.
        seed (int): Exemplar seed.
        num_exemplars (int): K.

    Returns:
        tuple[OneShotProtocol, OneShotTask]: The protocol, whose dataset
        holds only ``split``, and the task (exemplar and test indices into it).
    """
    protocol = ADAPTATIONS.build(dict(type='OneShotProtocol', dataset=dict(dataset), splits=[split],
                                   num_exemplars=num_exemplars, exemplar_seeds=[seed]))
    return protocol, protocol.task(split, seed)


def protocol_exemplars(dataset, split, seed=0, num_exemplars=1):
    """The exemplars the one-shot protocol draws for (split, seed), and their record.

    Returns:
        tuple[list, dict, OneShotTask]: The packed exemplar samples (for :func:`adapt`),
        what an adapted-parameter file records of them, and the task.
    """
    protocol, task = one_shot_task(dataset, split, seed, num_exemplars)
    record = dict(dataset=dataset.get('type'), split=task.split, exemplar_seed=task.seed,
                  exemplars=list(task.exemplar_subjects))
    return protocol.exemplars(task), record, task


def file_exemplars(hr_paths, lr_paths=None, crop=None):
    """Exemplar files in the form :func:`adapt` takes, and their record; ``crop``: see
    :func:`load_exemplar_files`."""
    return dict(hr=hr_paths, lr=lr_paths, crop=crop), dict(exemplar_hr=list(as_path_list(hr_paths)),
                                                exemplar_lr=list(as_path_list(lr_paths)))
