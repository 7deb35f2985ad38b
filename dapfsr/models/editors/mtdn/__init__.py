from .mtdn import MTDN, MTDNDiscriminator, MTDNGenerator, SimilaritySTN

__all__ = ['MTDN', 'MTDNDiscriminator', 'MTDNGenerator', 'SimilaritySTN']
