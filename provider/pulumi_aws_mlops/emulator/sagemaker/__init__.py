"""SageMaker inference experiments and inference recommendations jobs, emulated beside moto's SageMaker."""

from ..core import Service
from .models import SageMakerInferenceBackend, answers
from .responses import SageMakerInferenceResponse

SERVICE = Service(
    name="sagemaker",
    target_prefix="SageMaker",
    backend_factory=SageMakerInferenceBackend,
    responses_factory=SageMakerInferenceResponse,
    handles=answers,
)
