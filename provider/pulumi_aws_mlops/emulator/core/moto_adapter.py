"""Everything the emulator needs from moto beyond `mock_aws`, in one place.

moto owns S3, IAM, STS and SageMaker's models, model packages, endpoint configs and endpoints; the
emulator reads and changes some of that state. moto has no public API for it, so this module touches
moto's internals -- its backends, `FakeEndpoint._process_production_variants`, the `_models` dict,
an attribute it sets on moto's objects -- and nothing else in the emulator does. It is written for
the moto minor release pinned in pyproject.toml's `emulator` extra; a moto upgrade starts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.core.models import botocore_stubber
from moto.s3.exceptions import S3ClientError
from moto.s3.models import FakeKey, s3_backends
from moto.sagemaker.models import FakeEndpoint, FakeEndpointConfig, SageMakerModelBackend, sagemaker_backends
from moto.utilities.utils import get_partition

# moto's endpoints and endpoint configs have no shadow variants of their own, but moto's Describe
# responses are built from every attribute, so setting this one adds `ShadowProductionVariants`.
_SHADOW_VARIANTS = "shadow_production_variants"

__all__ = ["EndpointView", "MotoSageMaker", "botocore_stubber", "principal", "read_s3_objects", "reset", "server_app",
           "write_s3_object"]


# -- the two ways of running ------------------------------------------------------------------------
def server_app() -> Any:
    """moto's own WSGI application, which the emulator's server hands every request it does not answer."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def reset() -> None:
    """Forget every resource moto holds (the server's `/_emulator/reset`)."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


# -- IAM and STS: who signed a request, and its identity-based policies ------------------------------
def principal(account_id: str, partition: str, access_key_id: str) -> tuple[str, list[str]] | None:
    """The principal an access key belongs to in moto's IAM (a user) or STS (an assumed role), and the JSON
    documents of its identity-based policies (inline and attached, and its groups'); None for an unknown key."""
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    iam = iam_backends[account_id][partition]
    user = iam.get_user_from_access_key_id(access_key_id)
    if user is not None:
        documents = [iam.get_user_policy(user.name, name)["policy_document"] for name in iam.list_user_policies(user.name)]
        documents += [_document(policy) for policy in iam.list_attached_user_policies(user.name)[0]]
        for group in iam.get_groups_for_user(user.name):
            documents += [iam.get_group_policy(group.name, name)["policy_document"]
                          for name in iam.list_group_policies(group.name)]
            documents += [_document(policy) for policy in iam.list_attached_group_policies(group.name)[0]]
        return user.arn, documents
    for session in sts_backends[account_id][partition].assumed_roles:
        if session.access_key_id == access_key_id:
            role = session.role_arn.split("/")[-1]
            documents = [iam.get_role_policy(role, name)[1] for name in iam.list_role_policies(role)]
            documents += [_document(policy) for policy in iam.list_attached_role_policies(role)[0]]
            return str(session.arn), documents
    return None


def _document(policy: Any) -> str:
    """The default version's document of a moto managed policy."""
    [version] = [version for version in policy.versions if version.version_id == policy.default_version_id]
    return str(version.document)


# -- S3 ---------------------------------------------------------------------------------------------
def read_s3_objects(account_id: str, region: str, bucket: str, prefix: str) -> list[tuple[str, bytes]] | None:
    """(key, body) of every object under `prefix`, in key order; None when the bucket does not exist."""
    backend = s3_backends[account_id][get_partition(region)]
    try:
        fake_bucket = backend.get_bucket(bucket)
    except S3ClientError:
        return None
    return [
        (key, stored.value)
        for key, stored in sorted(fake_bucket.keys.items())
        if key.startswith(prefix) and not key.endswith("/") and isinstance(stored, FakeKey)
    ]


def write_s3_object(account_id: str, region: str, bucket: str, key: str, body: bytes,
                    kms_key_id: str | None = None) -> bool:
    """Put an object, encrypted with SSE-KMS under `kms_key_id` when given (else as the bucket's default
    encryption says); False when the bucket does not exist."""
    backend = s3_backends[account_id][get_partition(region)]
    try:
        backend.put_object(bucket, key, body, encryption="aws:kms" if kms_key_id else None, kms_key_id=kms_key_id)
    except S3ClientError:
        return False
    return True


# -- SageMaker --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EndpointView:
    """What the emulated SageMaker operations read of one of moto's endpoints."""

    name: str
    status: str
    config_name: str
    failure_reason: str | None
    asynchronous: bool
    serverless: bool
    # The instance type of the first production variant of the endpoint's config.
    instance_type: str | None
    production_variants: list[dict[str, Any]]
    shadow_variants: list[dict[str, Any]]


class MotoSageMaker:
    """moto's SageMaker backend for one account and region."""

    def __init__(self, account_id: str, region_name: str) -> None:
        self.account_id = account_id
        self.region_name = region_name

    @property
    def _backend(self) -> SageMakerModelBackend:
        # Looked up on every use: moto replaces its backends whenever `mock_aws` starts or resets.
        return sagemaker_backends[self.account_id][self.region_name]

    def has_model(self, model_name: str) -> bool:
        return model_name in self._backend._models

    def has_model_package(self, model_package_arn: str) -> bool:
        return model_package_arn in self._backend.model_packages

    def endpoint(self, endpoint_name: str) -> EndpointView | None:
        endpoint = self._backend.endpoints.get(endpoint_name)
        if endpoint is None:
            return None
        config = self._backend.endpoint_configs.get(endpoint.endpoint_config_name)
        config_variants = config.production_variants if config is not None else []
        return EndpointView(
            name=endpoint_name,
            status=endpoint.endpoint_status,
            config_name=endpoint.endpoint_config_name,
            failure_reason=endpoint.failure_reason,
            asynchronous=bool(config is not None and config.async_inference_config),
            serverless=any("CurrentServerlessConfig" in variant for variant in endpoint.production_variants),
            instance_type=next((v["InstanceType"] for v in config_variants if v.get("InstanceType")), None),
            production_variants=[dict(variant) for variant in endpoint.production_variants],
            shadow_variants=[dict(variant) for variant in getattr(endpoint, _SHADOW_VARIANTS, [])],
        )

    def deploy(self, endpoint_name: str, config_name: str, production_variants: list[dict[str, Any]],
               shadow_variants: list[dict[str, Any]], at: datetime) -> None:
        """Create an endpoint config with these (ProductionVariant-shaped) variants and move the endpoint onto it."""
        endpoint = self._backend.endpoints.get(endpoint_name)
        if endpoint is None:
            return  # Deleted behind the emulated resource's back: there is nothing left to change.
        self._register_config(config_name, production_variants, shadow_variants)
        endpoint.endpoint_config_name = config_name
        endpoint.production_variants = self._summaries(endpoint, production_variants, at)
        self._set_shadow_variants(endpoint, self._summaries(endpoint, shadow_variants, at))
        endpoint.last_modified_time = at.replace(tzinfo=None)

    def restore(self, endpoint_name: str, view: EndpointView, unless_moved_from: str, at: datetime) -> None:
        """Put the endpoint back as `view` saw it, unless someone moved it off `unless_moved_from` since."""
        endpoint = self._backend.endpoints.get(endpoint_name)
        if endpoint is None or endpoint.endpoint_config_name != unless_moved_from:
            return
        endpoint.endpoint_config_name = view.config_name
        endpoint.production_variants = [dict(variant) for variant in view.production_variants]
        self._set_shadow_variants(endpoint, [dict(variant) for variant in view.shadow_variants])
        endpoint.last_modified_time = at.replace(tzinfo=None)

    @staticmethod
    def _set_shadow_variants(endpoint: FakeEndpoint, variants: list[dict[str, Any]]) -> None:
        if variants:
            setattr(endpoint, _SHADOW_VARIANTS, variants)
        elif hasattr(endpoint, _SHADOW_VARIANTS):
            delattr(endpoint, _SHADOW_VARIANTS)

    def _register_config(self, name: str, production_variants: list[dict[str, Any]],
                         shadow_variants: list[dict[str, Any]]) -> None:
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
            setattr(config, _SHADOW_VARIANTS, shadow_variants)
        self._backend.endpoint_configs[name] = config

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
        model = self._backend._models.get(model_name)
        if model is None:
            return None
        containers = [model.primary_container, *model.containers] if model.primary_container else model.containers
        images = [str(container["Image"]) for container in containers if container.get("Image")]
        return images[0] if images else None
