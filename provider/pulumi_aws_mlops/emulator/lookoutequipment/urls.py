"""How requests reach Lookout for Equipment, in moto's layout: the engine routes with this declaration.

The service speaks the AWS JSON protocol: every request goes to one path at
`lookoutequipment.<region>.amazonaws.com` (or the emulator's loopback endpoint), and its `X-Amz-Target`
header, `AWSLookoutEquipmentFrontendService.<Operation>`, names the operation. The emulator answers
every operation of the service.
"""

from ..core.service import Service
from .backend import LookoutEquipmentBackend
from .base import QUOTAS
from .responses import LookoutEquipmentResponse

SERVICE = Service(
    name="lookoutequipment",
    target_prefix="AWSLookoutEquipmentFrontendService",
    backend=LookoutEquipmentBackend,
    responses=LookoutEquipmentResponse,
    quotas=QUOTAS,
)
