"""Models, model packages and endpoints as the emulated operations see them: moto's, through the adapter.

Inference experiments and recommendation jobs refer to resources that moto owns, so references are
checked against moto's state, and an experiment changes the endpoint the way SageMaker does: by
deploying a new endpoint configuration. A later `DescribeEndpoint` or `DescribeEndpointConfig`
answered by moto shows the variants the experiment deployed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.arns import arn
from ..core.moto_adapter import EndpointView, MotoSageMaker
from .exceptions import ValidationException


def sagemaker_arn(account_id: str, region_name: str, resource: str, name: str) -> str:
    return arn("sagemaker", region_name, account_id, f"{resource}/{name}")


def derived_name(owner: str, *parts: object) -> str:
    """A deterministic name for something SageMaker creates on the owner's behalf (63 characters at most)."""
    digest = hashlib.sha256("/".join(str(part) for part in (owner, *parts)).encode()).hexdigest()[:12]
    return f"{owner[:40].rstrip('-')}-{digest}"


@dataclass(frozen=True)
class Variant:
    """One model variant as an experiment describes it (a `ModelVariantConfig`)."""

    variant_name: str
    model_name: str
    instance_type: str
    instance_count: int

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Variant:
        real_time = config["InfrastructureConfig"]["RealTimeInferenceConfig"]
        return cls(config["VariantName"], config["ModelName"], real_time["InstanceType"], real_time["InstanceCount"])

    def to_config(self) -> dict[str, Any]:
        return {
            "ModelName": self.model_name,
            "VariantName": self.variant_name,
            "InfrastructureConfig": {
                "InfrastructureType": "RealTimeInference",
                "RealTimeInferenceConfig": {"InstanceType": self.instance_type, "InstanceCount": self.instance_count},
            },
        }

    def production_variant(self, weight: float) -> dict[str, Any]:
        return {
            "VariantName": self.variant_name,
            "ModelName": self.model_name,
            "InstanceType": self.instance_type,
            "InitialInstanceCount": self.instance_count,
            "InitialVariantWeight": weight,
        }


class Endpoints:
    """moto's SageMaker state for one account and region, with SageMaker's rules and errors about it."""

    def __init__(self, account_id: str, region_name: str) -> None:
        self.account_id = account_id
        self.region_name = region_name
        self.moto = MotoSageMaker(account_id, region_name)

    # -- references -----------------------------------------------------------------------------
    def require_model(self, model_name: str) -> None:
        if not self.moto.has_model(model_name):
            model_arn = sagemaker_arn(self.account_id, self.region_name, "model", model_name)
            raise ValidationException(f"Could not find model '{model_arn}'.")

    def require_model_package(self, model_package_arn: str) -> None:
        if not self.moto.has_model_package(model_package_arn):
            raise ValidationException(f"Could not find model package '{model_package_arn}'.")

    def endpoint(self, endpoint_name: str) -> EndpointView | None:
        return self.moto.endpoint(endpoint_name)

    def require_endpoint(self, endpoint_name: str) -> EndpointView:
        endpoint = self.endpoint(endpoint_name)
        if endpoint is None:
            endpoint_arn = sagemaker_arn(self.account_id, self.region_name, "endpoint", endpoint_name)
            raise ValidationException(f"Could not find endpoint '{endpoint_arn}'.")
        return endpoint

    def instance_type_of(self, endpoint_name: str) -> str | None:
        """The instance type an existing endpoint serves on (its first production variant's)."""
        return self.require_endpoint(endpoint_name).instance_type

    def require_shadow_capable_endpoint(self, endpoint_name: str) -> EndpointView:
        """An InService real-time endpoint: shadow tests refuse serverless and asynchronous endpoints."""
        endpoint = self.require_endpoint(endpoint_name)
        if endpoint.status != "InService":
            raise ValidationException(
                f"Endpoint '{endpoint_name}' is in status {endpoint.status}; "
                "an inference experiment needs an InService endpoint."
            )
        if endpoint.asynchronous:
            raise ValidationException(
                f"Endpoint '{endpoint_name}' uses asynchronous inference, which shadow tests do not support."
            )
        if endpoint.serverless:
            raise ValidationException(f"Endpoint '{endpoint_name}' is serverless, which shadow tests do not support.")
        return endpoint

    # -- deployments ----------------------------------------------------------------------------
    def deploy(self, endpoint_name: str, endpoint_config_name: str, production: list[Variant],
               shadow: list[tuple[Variant, int]], at: datetime) -> None:
        """Create an endpoint config with these variants and move the endpoint onto it.

        `shadow` pairs a variant with its sampling percentage: SageMaker derives the share of
        traffic a shadow receives from its weight relative to the production variant's.
        """
        production_weight = 1.0
        self.moto.deploy(
            endpoint_name,
            endpoint_config_name,
            [variant.production_variant(production_weight) for variant in production],
            [variant.production_variant(production_weight * percentage / 100) for variant, percentage in shadow],
            at,
        )

    def restore(self, endpoint_name: str, snapshot: EndpointView, deployed_config_name: str, at: datetime) -> None:
        """Put the endpoint back as it was, unless someone has moved it to another config since."""
        self.moto.restore(endpoint_name, snapshot, deployed_config_name, at)
