"""Python API: adapt a trained model to a target domain from exemplar files."""
from dapfsr.adaptation import adapt as adapt_to_exemplars


def adapt(model, exemplar_hr, exemplar_lr=None, adaptation=None, seed=0):
    """Adapt ``model`` in place by its config's one-shot adaptation (e.g. DAMMA, Algorithm 1)
    from K HR/LR exemplar files.

    Args:
        model: A DAP-FSR model, e.g. from :func:`init_model` with an adaptation config.
        exemplar_hr (str | Sequence[str]): HR exemplar file(s) at the decoder's size.
        exemplar_lr (str | Sequence[str], optional): LR files paired with them by
            order; without them the LR faces are made by the adaptation's degradation.
        adaptation (dict, optional): The adaptation config (``DAMMA``, ``OneShotAdaptation``); default: that of the
            config the model was built from (``model.cfg.adaptation``).
        seed (int | None): Seeds python, numpy and torch first (same seed, same result).

    Returns:
        list[dict]: The loop's record of every inner iteration (losses, alpha).
    """
    if adaptation is None:
        adaptation = getattr(model, 'cfg', {}).get('adaptation')
        if adaptation is None:
            raise ValueError('no adaptation settings: pass adaptation=dict(type="DAMMA", ...) or '
                             'build the model from a config with an "adaptation" key')
    return adapt_to_exemplars(model, dict(hr=exemplar_hr, lr=exemplar_lr), adaptation, seed).history
