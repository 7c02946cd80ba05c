"""Amazon Lookout for Equipment, emulated (moto layout: models, responses, exceptions, urls)."""

from ..core import Service
from .models import LookoutEquipmentBackend
from .responses import LookoutEquipmentResponse

SERVICE = Service(
    name="lookoutequipment",
    target_prefix="AWSLookoutEquipmentFrontendService",
    backend_factory=LookoutEquipmentBackend,
    responses_factory=LookoutEquipmentResponse,
    handles=lambda operation, params: True,
)
