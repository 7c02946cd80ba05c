"""SageMaker as the inference-testing resources see it: names, tags, "not found" per operation, waiters.

SageMaker takes no ClientToken for inference experiments or recommendations jobs, so a create that
was interrupted is recognised by the owner tag this stack resource puts on what it creates: the
next run's Create answers that the name is in use, and the provider adopts what it finds under the name only
when the tag matches.

SageMaker is eventually consistent. Its CloudFormation handlers for feature groups, domains, apps and
spaces keep polling when Describe answers ResourceNotFound right after a Create, and
terraform-provider-aws gives SageMaker changes two minutes to propagate (`propagationTimeout`), retrying
CreateModel while it answers ValidationException. So a new experiment or job is described until it
answers, its tags listed until they show, and a Create that cannot find the endpoint or a model it
names (made moments before, e.g. by pulumi_aws in the same `up`) is tried again, for two minutes.
"""

from __future__ import annotations

from .._internal.service import NotFound, Service, TagApi
from .shapes import SERVICE
from .waiters import WAITERS

NOT_FOUND = "ResourceNotFound"
# terraform-provider-aws's `propagationTimeout` for SageMaker (internal/service/sagemaker/consts.go).
PROPAGATION_SECONDS = 120.0
# SageMaker answers a missing model or endpoint with its generic ValidationException, worded "Could not find
# model ..." / "Could not find endpoint ..." (terraform-provider-aws's findModel and findEndpoint match these).
# A Create of an experiment or job that names one the service cannot find yet answers the same way.
REFERENCE_NOT_FOUND = NotFound("ValidationException", ("Could not find endpoint", "Could not find model"))

SAGEMAKER = Service(
    name=SERVICE,
    tags=TagApi("ListTags", "AddTags", "DeleteTags"),
    not_found={
        **{
            operation: NotFound(NOT_FOUND)
            for operation in ("DescribeInferenceExperiment", "DeleteInferenceExperiment",
                              "DescribeInferenceRecommendationsJob")
        },
        "CreateInferenceExperiment": REFERENCE_NOT_FOUND,
        "CreateInferenceRecommendationsJob": REFERENCE_NOT_FOUND,
    },
    # What SageMaker answers when a name is taken.
    name_taken=frozenset({"ResourceInUse", "ConflictException"}),
    waiters=WAITERS,
    # SageMaker names: letters, digits and hyphens, starting and ending with a letter or digit.
    name_invalid_chars=r"[^0-9A-Za-z-]",
    propagation_seconds=PROPAGATION_SECONDS,
)
