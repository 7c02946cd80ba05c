"""Shadow-test a candidate SageMaker model against the one in production, then promote it with one setting.

The endpoint keeps answering with the production model while SageMaker sends a copy of a share of its requests
to the candidate (the shadow variant) and records both. When the results look right, `pulumi config set decision
promote` and `pulumi up` stop the experiment with the candidate promoted: the endpoint then serves the candidate
model alone. `decision reject` stops it and removes the candidate instead.

    pulumi config set startTime 2026-07-01T08:00:00Z   # optional: SageMaker starts the test then, by itself
    pulumi up                                 # the experiment is created (InferenceExperiment, desired_state Running)
    pulumi config set samplingPercentage 20
    pulumi up                                 # UpdateInferenceExperiment: what a running test may change
    pulumi config set decision promote
    pulumi up                                 # StopInferenceExperiment: candidate Promote, production Remove

Promote while the test runs: at its end time SageMaker ends it on its own and puts the endpoint back as it was, and
`decision promote` then fails with what happened and what to do (deploy the candidate yourself, or test again).

The endpoint and both models are inputs, not resources of this program: a Pulumi program cannot create them in
the local emulator's moto backend, and in a real account they usually come from the deployment that serves
production. With pulumi-aws in the same program, they would be::

    production = aws.sagemaker.Model("churn-v1", execution_role_arn=role.arn, primary_container={...})
    candidate = aws.sagemaker.Model("churn-v2", execution_role_arn=role.arn, primary_container={...})
    config = aws.sagemaker.EndpointConfiguration("churn", production_variants=[{
        "variant_name": "production", "model_name": production.name,
        "instance_type": "ml.m5.large", "initial_instance_count": 1}])
    endpoint = aws.sagemaker.Endpoint("churn", endpoint_config_name=config.name)
    # ...and below: endpoint_name=endpoint.name, model names production.name and candidate.name.

Stack configuration (`pulumi config set KEY VALUE`), all optional; the defaults name the emulator demo's endpoint:

| key                  | default                                          | what it is                                   |
|----------------------|--------------------------------------------------|----------------------------------------------|
| `endpointName`       | `churn`                                          | the endpoint serving production (InService, real-time) |
| `productionModel`    | `churn-v1`                                       | the model it serves now                      |
| `candidateModel`     | `churn-v2`                                       | the model to test beside it                  |
| `instanceType`       | `ml.m5.large`                                    | instances of each variant                    |
| `instanceCount`      | `1`                                              | instances of each variant                    |
| `samplingPercentage` | `50`                                             | share of requests copied to the candidate (1-100); changes while it runs |
| `startTime`          | unset: as soon as it is created                  | when SageMaker starts the test (ISO 8601); until then it is Created and costs nothing |
| `endTime`            | unset: seven days after it starts                | when the test ends on its own (ISO 8601, at most 30 days after the start); changes while it runs |
| `captureUri`         | unset: no capture                                | `s3://bucket/prefix` for the requests and both answers |
| `roleArn`            | `arn:aws:iam::123456789012:role/sagemaker-shadow-test` | role SageMaker assumes for the experiment |
| `decision`           | `test`                                           | `test` (keep it running), `promote` or `reject` |
| `recommendInstance`  | `false`                                          | also run an Inference Recommender job on the candidate |
| `framework`          | `XGBOOST`                                        | the candidate's framework, for that job (TENSORFLOW, PYTORCH, XGBOOST, SAGEMAKER-SCIKIT-LEARN) |
| `samplePayloadUrl`   | `s3://sagemaker-shadow-test-data/payloads/churn.tar.gz` | sample requests for that job: one .tar.gz archive |
| `payloadContentType` | `text/csv`                                       | their content type |
| `tags`               | `{}`                                             | tags for every resource (an object)          |
| `timeouts`           | 1h (experiment), 6h (job)                        | deadlines for every resource, e.g. `{"create": "2h"}`: generous ones against the emulator at a high time scale |

Provider settings: `aws:region` (or AWS_REGION), `aws:profile`, and `aws-mlops:endpointUrl` (or AWS_ENDPOINT_URL) to
reach the emulator.
"""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_aws_mlops.sagemaker import (
    InferenceExperiment,
    InferenceExperimentArgs,
    InferenceRecommendationsJob,
    InferenceRecommendationsJobArgs,
)

PRODUCTION, CANDIDATE = "production", "candidate"
# What each decision means for the experiment: its desired state and what happens to each variant when it stops.
DECISIONS: dict[str, tuple[str, dict[str, str] | None]] = {
    "test": ("Running", None),
    "promote": ("Completed", {CANDIDATE: "Promote", PRODUCTION: "Remove"}),
    "reject": ("Cancelled", {CANDIDATE: "Remove", PRODUCTION: "Retain"}),
}
# Deploying the shadow variant (and, on promotion, moving the endpoint to the candidate) takes minutes.
EXPERIMENT_TIMEOUTS = {"create": "1h", "update": "1h", "delete": "1h"}
# A Default recommendations job typically takes 45 minutes; the longest job SageMaker runs lasts 5 hours.
RECOMMENDATIONS_TIMEOUTS = {"create": "6h", "delete": "30m"}

config = pulumi.Config()
decision = config.get("decision") or "test"
if decision not in DECISIONS:
    raise ValueError(f"config `decision` is {decision!r}; use one of {', '.join(DECISIONS)}")
desired_state, variant_actions = DECISIONS[decision]
role_arn = config.get("roleArn") or "arn:aws:iam::123456789012:role/sagemaker-shadow-test"
instance_type = config.get("instanceType") or "ml.m5.large"
instance_count = config.get_int("instanceCount") or 1
production_model = config.get("productionModel") or "churn-v1"
candidate_model = config.get("candidateModel") or "churn-v2"
tags: dict[str, str] = config.get_object("tags") or {}
# Against the emulator at 3600x an hour passes in a second, and a busy machine can spend one answering a call:
# `timeouts` then gives every resource deadlines that such a second cannot run out.
deadlines: dict[str, str] = config.get_object("timeouts") or {}
EXPERIMENT_TIMEOUTS = {**EXPERIMENT_TIMEOUTS, **deadlines}
RECOMMENDATIONS_TIMEOUTS = {**RECOMMENDATIONS_TIMEOUTS, **deadlines}


def model_variant(variant_name: str, model_name: str) -> dict[str, Any]:
    return {
        "model_name": model_name,
        "variant_name": variant_name,
        "infrastructure_config": {
            "infrastructure_type": "RealTimeInference",
            "real_time_inference_config": {"instance_type": instance_type, "instance_count": instance_count},
        },
    }


capture_uri = config.get("captureUri")
schedule = {key: value for key, value in (("start_time", config.get("startTime")), ("end_time", config.get("endTime")))
            if value}
experiment = InferenceExperiment(
    "shadow-test",
    InferenceExperimentArgs(
        endpoint_name=config.get("endpointName") or "churn",
        role_arn=role_arn,
        description=f"{candidate_model} in the shadow of {production_model}",
        model_variants=[model_variant(PRODUCTION, production_model), model_variant(CANDIDATE, candidate_model)],
        shadow_mode_config={
            "source_model_variant_name": PRODUCTION,
            "shadow_model_variants": [{
                "shadow_model_variant_name": CANDIDATE,
                "sampling_percentage": config.get_int("samplingPercentage") or 50,
            }],
        },
        schedule=schedule or None,
        data_storage_config={"destination": capture_uri} if capture_uri else None,
        desired_state=desired_state,
        model_variant_actions=variant_actions,
        tags=tags or None,
        timeouts=EXPERIMENT_TIMEOUTS,
    ),
)

pulumi.export("experimentName", experiment.name)
pulumi.export("experimentArn", experiment.arn)
pulumi.export("experimentStatus", experiment.status)
pulumi.export("desiredState", experiment.desired_state)
pulumi.export("endpointName", experiment.endpoint_name)
pulumi.export("variantStatuses", experiment.model_variant_statuses)
pulumi.export("runningSchedule", experiment.running_schedule)

if config.get_bool("recommendInstance"):
    # Which instance type serves the candidate most cheaply: benchmarked by SageMaker Inference Recommender.
    sizing = InferenceRecommendationsJob(
        "candidate-sizing",
        InferenceRecommendationsJobArgs(
            job_type="Default",
            role_arn=role_arn,
            input_config={
                "model_name": candidate_model,
                # A model (unlike a model package) does not say what it is: SageMaker needs its container described.
                "container_config": {
                    "domain": "MACHINE_LEARNING",
                    "task": "CLASSIFICATION",
                    "framework": config.get("framework") or "XGBOOST",
                    "payload_config": {
                        "sample_payload_url": config.get("samplePayloadUrl")
                        or "s3://sagemaker-shadow-test-data/payloads/churn.tar.gz",
                        "supported_content_types": [config.get("payloadContentType") or "text/csv"],
                    },
                },
            },
            job_description=f"instance types for {candidate_model}",
            tags=tags or None,
            timeouts=RECOMMENDATIONS_TIMEOUTS,
        ),
    )
    pulumi.export("recommendations", sizing.recommendations)
    pulumi.export("bestConfiguration", sizing.best_configuration)
