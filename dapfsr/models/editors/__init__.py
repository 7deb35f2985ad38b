from .base_face_sr_model import BaseFaceSRModel  # noqa: F401
from .dapfsr import DAPFSR  # noqa: F401
from .stylegan2 import StyleGAN2  # noqa: F401
from .bicubic import BicubicUpsampler  # noqa: F401
from .mtdn import MTDN, MTDNDiscriminator, MTDNGenerator, SimilaritySTN  # noqa: F401
from .pulse import PULSE  # noqa: F401
from .cpgan import CPGAN  # noqa: F401
from .rain import RAIN  # noqa: F401
