"""Per-channel statistics of feature maps, shared by AdaIN-style losses and attention."""


def feature_statistics(feat, eps=1e-5, unbiased=False):
    """Per-channel mean and standard deviation over the spatial positions.

    Args:
        feat (Tensor): (N, C, H, W) feature map.
        eps (float): Added to the variance (as AdaIN does) so that sigma has a
            finite gradient on constant maps.
        unbiased (bool): The unbiased variance (CPGAN's code) instead of the
            population one (AdaIN's).

    Returns:
        tuple[Tensor, Tensor]: mu, sigma, (N, C) each.
    """
    flat = feat.flatten(2)
    return flat.mean(2), (flat.var(2, unbiased=unbiased) + eps).sqrt()
