"""torchvision's ImageNet input normalisation, for networks that take dapfsr's [-1, 1] images."""

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def imagenet_normalize(img):
    """(N, 3, H, W) in [-1, 1] -> torchvision's ImageNet input normalisation."""
    mean = img.new_tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = img.new_tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return ((img + 1) / 2 - mean) / std
