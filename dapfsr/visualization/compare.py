"""The comparison picture of a super-resolved photo: per face, input pixels / bicubic / ours."""
import cv2
import numpy as np

from .grid import put_text


def _label(tile, text):
    """``tile`` (H, W, 3) uint8 with ``text`` on a bar above it."""
    bar = np.full((18, tile.shape[1], 3), 255, np.uint8)
    put_text(bar, text, (3, 13), 0.42)
    return np.concatenate([bar, tile], 0)


def compare_panel(photo, result, margin=0.35, tile=160):
    """Side by side, per face: the photo's pixels (nearest neighbour), bicubic, ours.

    Each row shows the region of one face (its crop, widened by ``margin`` on each
    side) at the output's resolution, each tile resized to ``tile`` px high under an
    18 px label.

    Args:
        photo (np.ndarray): (h, w[, C]) uint8, the photo given to ``super_resolve_photo``.
        result (PhotoResult): What :func:`dapfsr.apis.super_resolve_photo` made of it.

    Returns:
        np.ndarray | None: (H, W, 3) uint8; None for a photo with no face replaced.
    """
    # here, not at the top: dapfsr.apis (tools/infer.py's folder run) imports this module
    from dapfsr.apis.face_alignment import TEMPLATE_SIDE, invert_affine
    from dapfsr.apis.photo import to_channels
    if not result.faces:
        return None
    photo = to_channels(photo, result.image.shape[2] == 1 if result.image.ndim == 3 else True)
    scale = result.scale
    size = (result.image.shape[1], result.image.shape[0])
    nearest = cv2.resize(photo, size, interpolation=cv2.INTER_NEAREST)
    bicubic = cv2.resize(photo, size, interpolation=cv2.INTER_CUBIC)
    views = [(nearest, 'input'), (bicubic, 'bicubic'), (result.image, 'ours')]
    rows = []
    for pf in result.faces:
        back = invert_affine(pf.matrix)  # crop -> photo
        corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float64) * TEMPLATE_SIDE
        corners = corners @ back[:, :2].T + back[:, 2]
        centre, half = corners.mean(0), (corners.max(0) - corners.min(0)).max() / 2 * (1 + margin)
        x0, y0 = ((centre - half) * scale).astype(int)
        x1, y1 = ((centre + half) * scale).astype(int)
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(size[0], max(x1, x0 + 1)), min(size[1], max(y1, y0 + 1))
        tiles = []
        for view, name in views:
            region = view[y0:y1, x0:x1]
            region = region if region.ndim == 3 else region[..., None]
            width = max(1, int(round(tile * region.shape[1] / region.shape[0])))
            region = cv2.resize(region, (width, tile), interpolation=cv2.INTER_NEAREST
                                if region.shape[0] < tile else cv2.INTER_AREA)
            region = region if region.ndim == 3 else region[..., None]
            tiles.append(_label(to_channels(region, False), name))
            tiles.append(np.full((tiles[-1].shape[0], 4, 3), 255, np.uint8))
        rows.append(np.concatenate(tiles[:-1], 1))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 4), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows]
    return np.concatenate(rows, 0)[:-4]
