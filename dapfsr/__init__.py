"""dapfsr: cross-domain face super-resolution with one-shot domain adaptation (DAP-FSR)."""
from .utils.checkpoint import allow_mmengine_checkpoint_types
from .version import __version__

# mmengine's own torch.load calls run with weights_only=True on torch >= 2.6.
allow_mmengine_checkpoint_types()

__all__ = ['__version__']
