"""Every resource's whole lifecycle through its provider, in this process: what the IAM tests run under a policy.

Create, update in place, read and delete of each resource, against whatever AWS boto3 reaches (the in-process
emulator), with the roles of examples/iam: the calls the providers make over a resource's life, once each kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pulumi_aws_mlops._internal.errors import WaitTimeoutError
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import (
    DatasetProvider,
    InferenceSchedulerProvider,
    LabelGroupProvider,
    ModelProvider,
    ResourcePolicyProvider,
    RetrainingSchedulerProvider,
)
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider

from .lifecycle import checked, create, update
from .lookoutequipment import (
    LABELS,
    dataset_inputs,
    import_policy,
    label_group_inputs,
    model_inputs,
    policy_inputs,
    retraining_inputs,
    scheduler_inputs,
)
from .sagemaker import experiment_inputs, job_inputs

L4E_ROLE = "arn:aws:iam::123456789012:role/lookout-equipment-access"
SAGEMAKER_ROLE = "arn:aws:iam::123456789012:role/sagemaker-shadow-test"
# Where the examples' sample data is (tests/programs' `pump_in_s3`).
BUCKET = "lookout-equipment-demo"


def lookout_equipment_lifecycles(emulator: Emulator) -> None:
    """Every Lookout for Equipment resource: create, update in place (tags, labels, settings), read, delete; the
    version a retraining makes (the day it is created) pinned by the model's input; a dataset and a model imported,
    a dataset's resource policy put and changed.

    The dataset holds the last weeks of the pump's readings before `emulator`'s now (`pump-recent/`, which
    tests/programs' `pump_in_s3` uploads), so that the retraining's lookback window reaches them on any day."""
    s3_data = {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump-recent/"}}
    labels = {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump-labels/"}}
    datasets, models, schedulers = DatasetProvider(), ModelProvider(), InferenceSchedulerProvider()

    dataset_news = dataset_inputs(ingestion_input_configuration=s3_data, role_arn=L4E_ROLE, tags={"stage": "dev"})
    dataset, dataset_outs = create(datasets, dataset_news)
    _, dataset_outs = update(datasets, dataset, dataset_outs, {**dataset_news, "tags": {"team": "reliability"}})

    windows = ("training_data_start_time", "training_data_end_time", "evaluation_data_start_time",
               "evaluation_data_end_time")
    model_news = {key: value for key, value in model_inputs(dataset, role_arn=L4E_ROLE).items() if key not in windows}
    model, model_outs = create(models, model_news)
    _, model_outs = update(models, model, model_outs, {**model_news, "labels_input_configuration": labels,
                                                       "tags": {"team": "reliability"}})

    scheduler_news = scheduler_inputs(model, role_arn=L4E_ROLE)
    scheduler, scheduler_outs = create(schedulers, scheduler_news)
    _, scheduler_outs = update(schedulers, scheduler, scheduler_outs,
                               {**scheduler_news, "data_upload_frequency": "PT15M"})

    # Retraining in MANUAL mode from today: it retrains at once; the model's input pins the new version once trained.
    retrainings, groups, policies = RetrainingSchedulerProvider(), LabelGroupProvider(), ResourcePolicyProvider()
    retraining_news = retraining_inputs(model, promote_mode="MANUAL",
                                        retraining_start_date=f"{emulator.clock.now():%Y-%m-%dT00:00:00Z}")
    retraining, retraining_outs = create(retrainings, retraining_news)
    _, retraining_outs = update(retrainings, retraining, retraining_outs, {**retraining_news, "lookback_window": "P540D"})
    _, model_outs = update(models, model, model_outs, {**model_news, "labels_input_configuration": labels,
                                                       "tags": {"team": "reliability"}, "active_model_version": 2,
                                                       "timeouts": {"update": "2h"}})
    assert model_outs["active_model_version"] == 2

    group_news = label_group_inputs(tags={"stage": "dev"})
    group, group_outs = create(groups, group_news)
    _, group_outs = update(groups, group, group_outs, {**group_news, "labels": LABELS[1:], "tags": {"team": "ml"},
                                                       "fault_codes": ["BEARING_WEAR", "SEAL_LEAK", "CAVITATION"]})

    # Shared with another account, and imported (here within the account, where no policy is needed).
    dataset_policy_news = policy_inputs(dataset_outs["arn"])
    dataset_policy, dataset_policy_outs = create(policies, dataset_policy_news)
    shared = import_policy(dataset_outs["arn"], "lookoutequipment:ImportDataset", "222222222222")
    _, dataset_policy_outs = update(policies, dataset_policy, dataset_policy_outs,
                                    {**dataset_policy_news, "resource_policy": shared})
    copy, copy_outs = create(datasets, {"__name_seed": "proj/dev/copy", "source_dataset_arn": dataset_outs["arn"]})
    imported_news = {"__name_seed": "proj/dev/copy-model", "dataset_name": copy, "role_arn": L4E_ROLE,
                     "source_model_version_arn": model_outs["active_model_version_arn"]}
    imported, imported_outs = create(models, imported_news)

    for provider, id_, outs in ((policies, dataset_policy, dataset_policy_outs), (models, imported, imported_outs),
                                (datasets, copy, copy_outs), (retrainings, retraining, retraining_outs),
                                (schedulers, scheduler, scheduler_outs), (models, model, model_outs),
                                (groups, group, group_outs), (datasets, dataset, dataset_outs)):
        assert provider.read(id_, outs).id == id_
        provider.delete(id_, outs)
    assert policies.read(dataset_policy, {}).id is None


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
