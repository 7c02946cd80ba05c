"""IAM as an account enforces it: each request to an emulated service is authorized as the principal that
signed it, by that principal's identity-based policies, before it is served (`Emulator(enforce_iam=True)`,
`--enforce-iam`).

Principals and policies are moto's IAM and STS: an IAM user's access key, or the temporary key of an assumed
role, with the policies attached to them through the ordinary IAM API. A key moto does not know is refused, as
AWS refuses it. The decision is the evaluator's (`iam_policy.authorize`), with the ARNs and tags of the
resources a request names read from the emulator's own backends and the time from its clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .core.arns import partition
from .core.exceptions import AccessDeniedException, AwsError
from .core.moto_adapter import principal
from .iam_policy import RequestContext, authorize

if TYPE_CHECKING:
    from .engine import Emulator

# Lookout for Equipment ARNs end with an ID the request does not carry: found by name in the backend.
_L4E_REGISTRIES = {"dataset": "datasets", "model": "models", "inference-scheduler": "inference_schedulers",
                   "label-group": "label_groups", "retraining-scheduler": "retraining_schedulers"}


class UnrecognizedClientException(AwsError):
    code = "UnrecognizedClientException"
    status = 403

    def __init__(self) -> None:
        super().__init__("The security token included in the request is invalid.")


def enforce(emulator: Emulator, service: str, operation: str, params: Mapping[str, Any], *, account: str,
            region: str, access_key: str | None) -> None:
    """Raise the service's error unless the request's signer may make it."""
    found = principal(account, partition(region), access_key) if access_key else None
    if found is None:
        raise UnrecognizedClientException()
    principal_arn, documents = found

    def arn_of(arn_service: str, resource_type: str, name: str) -> str | None:
        registry = _L4E_REGISTRIES.get(resource_type) if arn_service == "lookoutequipment" else None
        resource = getattr(emulator.backend(arn_service, account, region), registry, {}).get(name) if registry else None
        return getattr(resource, "arn", None)

    def tags_of(arn: str) -> Mapping[str, str] | None:
        try:
            tags: Mapping[str, str] = emulator.backend(arn.split(":")[2], account, region).tags.list(arn)
        except (AwsError, KeyError):
            return None
        return tags

    context = RequestContext(account, region, principal_arn, arn_of=arn_of, tags_of=tags_of,
                             keys={"aws:CurrentTime": emulator.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")})
    decision = authorize(documents, service, operation, params, context)
    emulator.iam_decisions.append(decision)
    if not decision.allowed:
        raise AccessDeniedException(decision.message)
