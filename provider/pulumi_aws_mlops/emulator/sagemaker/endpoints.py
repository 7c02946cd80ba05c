"""The bridge to moto's SageMaker state: models, model packages, endpoint configs and endpoints.

Inference experiments and recommendation jobs refer to resources that moto owns, so references
are checked against moto's backend, and an experiment changes the endpoint the way SageMaker
does: by deploying a new endpoint configuration. A later `DescribeEndpoint` or
`DescribeEndpointConfig` answered by moto shows the variants the experiment deployed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.sagemaker.models import FakeEndpoint, FakeEndpointConfig, SageMakerModelBackend, sagemaker_backends

from .exceptions import ValidationException

# moto's endpoints and endpoint configs have no shadow variants of their own, but moto's Describe
# responses are built from every attribute, so setting this one adds `ShadowProductionVariants`.
SHADOW_VARIANTS = "shadow_production_variants"


def arn(account_id: str, region_name: str, resource: str, name: str) -> str:
    partition = "aws-cn" if region_name.startswith("cn-") else "aws"
    return f"arn:{partition}:sagemaker:{region_name}:{account_id}:{resource}/{name}"


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


@dataclass(frozen=True)
class EndpointSnapshot:
    """What an endpoint ran before an experiment changed it, so the experiment can put it back."""

    endpoint_config_name: str
    production_variants: list[dict[str, Any]]
    shadow_variants: list[dict[str, Any]]


class MotoSageMaker:
    """moto's SageMaker backend for one account and region, seen from the emulated operations."""

    def __init__(self, account_id: str, region_name: str) -> None:
        self.account_id = account_id
        self.region_name = region_name

    @property
    def backend(self) -> SageMakerModelBackend:
        # Looked up on every use: moto replaces its backends whenever `mock_aws` starts or resets.
        return sagemaker_backends[self.account_id][self.region_name]

    # -- references -----------------------------------------------------------------------------
    def require_model(self, model_name: str) -> None:
        if model_name not in self.backend._models:
            model_arn = arn(self.account_id, self.region_name, "model", model_name)
            raise ValidationException(f"Could not find model '{model_arn}'.")

    def require_model_package(self, model_package_arn: str) -> None:
        if model_package_arn not in self.backend.model_packages:
            raise ValidationException(f"Could not find model package '{model_package_arn}'.")

    def endpoint(self, endpoint_name: str) -> FakeEndpoint | None:
        return self.backend.endpoints.get(endpoint_name)

    def require_endpoint(self, endpoint_name: str) -> FakeEndpoint:
        endpoint = self.endpoint(endpoint_name)
        if endpoint is None:
            raise ValidationException(
                f"Could not find endpoint '{arn(self.account_id, self.region_name, 'endpoint', endpoint_name)}'."
            )
        return endpoint

    def instance_type_of(self, endpoint_name: str) -> str | None:
        """The instance type an existing endpoint serves on (its first production variant's)."""
        endpoint = self.require_endpoint(endpoint_name)
        config = self.backend.endpoint_configs.get(endpoint.endpoint_config_name)
        variants = config.production_variants if config is not None else []
        return next((variant["InstanceType"] for variant in variants if variant.get("InstanceType")), None)

    def require_shadow_capable_endpoint(self, endpoint_name: str) -> FakeEndpoint:
        """An InService real-time endpoint: shadow tests refuse serverless and asynchronous endpoints."""
        endpoint = self.require_endpoint(endpoint_name)
        if endpoint.endpoint_status != "InService":
            raise ValidationException(
                f"Endpoint '{endpoint_name}' is in status {endpoint.endpoint_status}; "
                "an inference experiment needs an InService endpoint."
            )
        config = self.backend.endpoint_configs.get(endpoint.endpoint_config_name)
        if config is not None and config.async_inference_config:
            raise ValidationException(
                f"Endpoint '{endpoint_name}' uses asynchronous inference, which shadow tests do not support."
            )
        if any("CurrentServerlessConfig" in variant for variant in endpoint.production_variants):
            raise ValidationException(f"Endpoint '{endpoint_name}' is serverless, which shadow tests do not support.")
        return endpoint

    # -- deployments ----------------------------------------------------------------------------
    def snapshot(self, endpoint: FakeEndpoint) -> EndpointSnapshot:
        return EndpointSnapshot(
            endpoint.endpoint_config_name,
            [dict(variant) for variant in endpoint.production_variants],
            [dict(variant) for variant in getattr(endpoint, SHADOW_VARIANTS, [])],
        )

    def deploy(
        self,
        endpoint_name: str,
        endpoint_config_name: str,
        production: list[Variant],
        shadow: list[tuple[Variant, int]],
        at: datetime,
    ) -> None:
        """Create an endpoint config with these variants and move the endpoint onto it.

        `shadow` pairs a variant with its sampling percentage: SageMaker derives the share of
        traffic a shadow receives from its weight relative to the production variant's.
        """
        endpoint = self.endpoint(endpoint_name)
        if endpoint is None:
            return  # Deleted behind the experiment's back: there is nothing left to change.
        production_weight = 1.0
        production_variants = [variant.production_variant(production_weight) for variant in production]
        shadow_variants = [
            variant.production_variant(production_weight * percentage / 100) for variant, percentage in shadow
        ]
        self._register_config(endpoint_config_name, production_variants, shadow_variants)
        endpoint.endpoint_config_name = endpoint_config_name
        endpoint.production_variants = self._summaries(endpoint, production_variants, at)
        shadow_summaries = self._summaries(endpoint, shadow_variants, at)
        if shadow_summaries:
            setattr(endpoint, SHADOW_VARIANTS, shadow_summaries)
        elif hasattr(endpoint, SHADOW_VARIANTS):
            delattr(endpoint, SHADOW_VARIANTS)
        endpoint.last_modified_time = at.replace(tzinfo=None)

    def restore(self, endpoint_name: str, snapshot: EndpointSnapshot, deployed_config_name: str, at: datetime) -> None:
        """Put the endpoint back as it was, unless someone has moved it to another config since."""
        endpoint = self.endpoint(endpoint_name)
        if endpoint is None or endpoint.endpoint_config_name != deployed_config_name:
            return
        endpoint.endpoint_config_name = snapshot.endpoint_config_name
        endpoint.production_variants = [dict(variant) for variant in snapshot.production_variants]
        if snapshot.shadow_variants:
            setattr(endpoint, SHADOW_VARIANTS, [dict(variant) for variant in snapshot.shadow_variants])
        elif hasattr(endpoint, SHADOW_VARIANTS):
            delattr(endpoint, SHADOW_VARIANTS)
        endpoint.last_modified_time = at.replace(tzinfo=None)

    def _register_config(
        self, name: str, production_variants: list[dict[str, Any]], shadow_variants: list[dict[str, Any]]
    ) -> None:
        # Built empty and filled afterwards: moto's constructor checks instance types against an
        # older list than the service model's, which would refuse types SageMaker accepts.
        config = FakeEndpointConfig(  # type: ignore[abstract]  # moto's CloudFormation hooks are unused here.
            account_id=self.account_id,
            region_name=self.region_name,
            endpoint_config_name=name,
            production_variants=[],
            async_inference_config={},
            data_capture_config={},
            tags=[],
            kms_key_id=None,  # type: ignore[arg-type]
        )
        config.production_variants = production_variants
        if shadow_variants:
            setattr(config, SHADOW_VARIANTS, shadow_variants)
        self.backend.endpoint_configs[name] = config

    def _summaries(self, endpoint: FakeEndpoint, variants: list[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
        """moto's variant summaries plus the deployed image, which is how DescribeEndpoint shows the model."""
        summaries = endpoint._process_production_variants(variants)
        for summary, variant in zip(summaries, variants, strict=True):
            image = self._image_of(variant["ModelName"])
            if image:
                summary["DeployedImages"] = [
                    {"SpecifiedImage": image, "ResolvedImage": image, "ResolutionTime": at.replace(tzinfo=None)}
                ]
        return summaries

    def _image_of(self, model_name: str) -> str | None:
        model = self.backend._models.get(model_name)
        if model is None:
            return None
        containers = [model.primary_container, *model.containers] if model.primary_container else model.containers
        images = [str(container["Image"]) for container in containers if container.get("Image")]
        return images[0] if images else None
