"""Inputs and helpers the SageMaker resource tests share: a production endpoint in moto, and resource inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.loaders import Loader

from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.emulator import Emulator

ROLE = "arn:aws:iam::123456789012:role/sagemaker-access"
ENDPOINT = "churn"
PRODUCTION_MODEL = "churn-v1"
CANDIDATE_MODEL = "churn-v2"
INSTANCE_TYPE = "ml.m5.large"


def image_of(model_name: str) -> str:
    return f"123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:{model_name}"


def deploy_production_endpoint(sagemaker: Any = None) -> None:
    """Two models and an endpoint serving the first, in moto: what pulumi_aws would create in a real account."""
    sagemaker = sagemaker or boto3.client("sagemaker", region_name="us-east-1")
    for model_name in (PRODUCTION_MODEL, CANDIDATE_MODEL):
        sagemaker.create_model(ModelName=model_name, ExecutionRoleArn=ROLE,
                               PrimaryContainer={"Image": image_of(model_name)})
    sagemaker.create_endpoint_config(EndpointConfigName=f"{ENDPOINT}-v1", ProductionVariants=[{
        "VariantName": "production", "ModelName": PRODUCTION_MODEL, "InstanceType": INSTANCE_TYPE,
        "InitialInstanceCount": 1}])
    sagemaker.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName=f"{ENDPOINT}-v1")


def variant(variant_name: str, model_name: str, instance_count: int = 1) -> dict[str, Any]:
    return {
        "model_name": model_name,
        "variant_name": variant_name,
        "infrastructure_config": {
            "infrastructure_type": "RealTimeInference",
            "real_time_inference_config": {"instance_type": INSTANCE_TYPE, "instance_count": instance_count},
        },
    }


def experiment_inputs(seed: str = "proj/dev/churn-shadow-test", **overrides: Any) -> dict[str, Any]:
    return {
        NAME_SEED_KEY: seed,
        "role_arn": ROLE,
        "endpoint_name": ENDPOINT,
        "model_variants": [variant("production", PRODUCTION_MODEL), variant("candidate", CANDIDATE_MODEL)],
        "shadow_mode_config": {
            "source_model_variant_name": "production",
            "shadow_model_variants": [{"shadow_model_variant_name": "candidate", "sampling_percentage": 50}],
        },
        **overrides,
    }


PROMOTE = {"candidate": "Promote", "production": "Remove"}


def job_inputs(seed: str = "proj/dev/churn-sizing", **overrides: Any) -> dict[str, Any]:
    return {
        NAME_SEED_KEY: seed,
        "job_type": "Default",
        "role_arn": ROLE,
        "input_config": {"model_name": PRODUCTION_MODEL, "job_duration_in_seconds": 3600},
        **overrides,
    }


def load_test_inputs(seed: str = "proj/dev/churn-load-test", **overrides: Any) -> dict[str, Any]:
    return job_inputs(seed, **{
        "job_type": "Advanced",
        "input_config": {
            "model_name": PRODUCTION_MODEL,
            "job_duration_in_seconds": 7200,
            "traffic_pattern": {"traffic_type": "PHASES", "phases": [
                {"initial_number_of_users": 1, "spawn_rate": 1, "duration_in_seconds": 120}]},
            "resource_limit": {"max_number_of_tests": 3, "max_parallel_of_tests": 1},
            "endpoint_configurations": [{"instance_type": t} for t in ("ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge")],
        },
        "stopping_conditions": {"max_invocations": 300, "model_latency_thresholds": [
            {"percentile": "P95", "value_in_milliseconds": 100}]},
        **overrides,
    })


def imported(provider: Any, id_: str, expected_inputs: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`pulumi import`: read with nothing but the id rebuilds complete, valid inputs. Returns (inputs, outputs)."""
    result = provider.read(id_, {})
    assert result.id == id_ and result.inputs is not None
    assert expected_inputs <= set(result.inputs), sorted(expected_inputs - set(result.inputs))
    assert provider.check(result.inputs, result.inputs).failures == []
    return dict(result.inputs), dict(result.outs)


def sagemaker_mutations(emulator: Any) -> list[str]:
    """The SageMaker calls that changed something, in order (describes and lists left out)."""
    return [op for op in emulator.operations("sagemaker") if not op.startswith(("Describe", "List"))]


# botocore data parsed once per test run. Every test makes new boto3 sessions (the client cache is
# cleared between tests), and parsing SageMaker's service model and the endpoint rules again costs
# each new session 0.1-0.3 s.
_LOADED: dict[tuple[Any, ...], Any] = {}


def _loaded_once(load: Callable[..., Any]) -> Callable[..., Any]:
    def cached(loader: Loader, *args: Any, **kwargs: Any) -> Any:
        key = (load.__name__, *args, *sorted(kwargs.items()))
        if key not in _LOADED:
            _LOADED[key] = load(loader, *args, **kwargs)
        return _LOADED[key]

    return cached


@pytest.fixture
def endpoint(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The production endpoint serving the production model; the call log starts empty."""
    monkeypatch.setattr(Loader, "load_service_model", _loaded_once(Loader.load_service_model))
    monkeypatch.setattr(Loader, "load_data", _loaded_once(Loader.load_data))
    monkeypatch.setattr(Loader, "load_data_with_path", _loaded_once(Loader.load_data_with_path))
    deploy_production_endpoint()
    emulator.calls.clear()
    yield ENDPOINT
