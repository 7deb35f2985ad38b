from .cpgan import CPGAN
from .cpgan_networks import CPGANDiscriminator, CPGANGenerator

__all__ = ['CPGAN', 'CPGANDiscriminator', 'CPGANGenerator']
