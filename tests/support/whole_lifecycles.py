"""Every resource's whole lifecycle through its provider, in this process: what the IAM tests run under a policy.

Create, update in place, read and delete of each resource, against whatever AWS boto3 reaches (the in-process
emulator), with the roles of examples/iam: the calls the providers make over a resource's life, once each kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pulumi_aws_mlops._internal.errors import WaitTimeoutError
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider

from .lifecycle import checked, create, update
from .lookoutequipment import dataset_inputs, model_inputs, scheduler_inputs
from .sagemaker import experiment_inputs, job_inputs

L4E_ROLE = "arn:aws:iam::123456789012:role/lookout-equipment-access"
SAGEMAKER_ROLE = "arn:aws:iam::123456789012:role/sagemaker-shadow-test"
# Where the examples' sample data is (tests/programs' `pump_in_s3`).
BUCKET = "lookout-equipment-demo"


def lookout_equipment_lifecycles() -> None:
    """Dataset, model and scheduler: create, update in place (tags, labels, settings), read, delete."""
    s3_data = {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}}
    labels = {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump-labels/"}}
    datasets, models, schedulers = DatasetProvider(), ModelProvider(), InferenceSchedulerProvider()

    dataset_news = dataset_inputs(ingestion_input_configuration=s3_data, role_arn=L4E_ROLE, tags={"stage": "dev"})
    dataset, dataset_outs = create(datasets, dataset_news)
    _, dataset_outs = update(datasets, dataset, dataset_outs, {**dataset_news, "tags": {"team": "reliability"}})

    model_news = model_inputs(dataset, role_arn=L4E_ROLE)
    model, model_outs = create(models, model_news)
    _, model_outs = update(models, model, model_outs, {**model_news, "labels_input_configuration": labels,
                                                       "tags": {"team": "reliability"}})

    scheduler_news = scheduler_inputs(model, role_arn=L4E_ROLE)
    scheduler, scheduler_outs = create(schedulers, scheduler_news)
    _, scheduler_outs = update(schedulers, scheduler, scheduler_outs,
                               {**scheduler_news, "data_upload_frequency": "PT15M"})

    for provider, id_, outs in ((schedulers, scheduler, scheduler_outs), (models, model, model_outs),
                                (datasets, dataset, dataset_outs)):
        assert provider.read(id_, outs).id == id_
        provider.delete(id_, outs)


def sagemaker_lifecycles() -> None:
    """Shadow test: create (scheduled: Created), update in place that starts it early, read, delete (stops it).
    Recommendations job: create (waits for it), tag it, read, delete; and a job whose create timed out, which delete
    stops."""
    experiments, jobs = InferenceExperimentProvider(), InferenceRecommendationsJobProvider()

    # Scheduled to start tomorrow, it waits Created; without its start time it starts at once
    # (StartInferenceExperiment, SageMaker's "start a shadow test early").
    tomorrow, later = (datetime.now(timezone.utc) + timedelta(days=days) for days in (1, 3))
    schedule = {"start_time": f"{tomorrow:%Y-%m-%dT%H:%M:%SZ}", "end_time": f"{later:%Y-%m-%dT%H:%M:%SZ}"}
    experiment_news = experiment_inputs(role_arn=SAGEMAKER_ROLE, tags={"team": "ml"}, schedule=schedule)
    experiment, experiment_outs = create(experiments, experiment_news)
    _, experiment_outs = update(experiments, experiment, experiment_outs,
                                {**experiment_news, "description": "sample less", "tags": {"stage": "shadow"},
                                 "schedule": {"end_time": schedule["end_time"]}})
    assert experiment_outs["status"] == "Running"
    assert experiments.read(experiment, experiment_outs).id == experiment
    experiments.delete(experiment, experiment_outs)

    job_news = job_inputs(role_arn=SAGEMAKER_ROLE)
    job, job_outs = create(jobs, job_news)
    _, job_outs = update(jobs, job, job_outs, {**job_news, "tags": {"team": "ml"}})
    _, job_outs = update(jobs, job, job_outs, {**job_news, "tags": {"stage": "sizing"}})
    assert jobs.read(job, job_outs).id == job
    jobs.delete(job, job_outs)

    interrupted = checked(jobs, job_inputs("proj/dev/interrupted", role_arn=SAGEMAKER_ROLE, timeouts={"create": "1m"}))
    with pytest.raises(WaitTimeoutError):
        jobs.create(interrupted)
    jobs.delete(interrupted["job_name"], interrupted)
