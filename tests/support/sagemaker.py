"""Inputs of the SageMaker resources, the production endpoint they test against (in moto), and call-log helpers."""

from __future__ import annotations

from typing import Any

import boto3

from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY

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
# What a job that benchmarks a model by name (not a model package) tells SageMaker about its container.
CONTAINER = {
    "domain": "MACHINE_LEARNING",
    "task": "CLASSIFICATION",
    "framework": "XGBOOST",
    "payload_config": {"sample_payload_url": "s3://sagemaker-shadow-test-data/payloads/churn.tar.gz",
                       "supported_content_types": ["text/csv"]},
}


def job_inputs(seed: str = "proj/dev/churn-sizing", **overrides: Any) -> dict[str, Any]:
    return {
        NAME_SEED_KEY: seed,
        "job_type": "Default",
        "role_arn": ROLE,
        "input_config": {"model_name": PRODUCTION_MODEL, "job_duration_in_seconds": 3600,
                         "container_config": CONTAINER},
        **overrides,
    }


def load_test_inputs(seed: str = "proj/dev/churn-load-test", **overrides: Any) -> dict[str, Any]:
    return job_inputs(seed, **{
        "job_type": "Advanced",
        "input_config": {
            "model_name": PRODUCTION_MODEL,
            "container_config": CONTAINER,
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
