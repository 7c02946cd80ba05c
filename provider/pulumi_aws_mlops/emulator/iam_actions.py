"""What each emulated operation asks IAM for: the action, the resources it acts on, the role it passes, tag-on-create.

Data for `iam_policy.authorize`, read from the Service Authorization Reference ("Actions, resources, and condition
keys for Amazon Lookout for Equipment" and "... for Amazon SageMaker"):

- the resource types an action acts on (its "Resource types" column) and how the request names each one;
- the ARN format of each resource type (its "Resource types" table);
- the other actions an operation authorizes: `iam:PassRole` for the role a request hands over (with
  `iam:PassedToService`), and the tagging action when a create carries tags (L4E lists `TagResource` beside each
  `Create*`; SageMaker lists `AddTags` as a dependent action, with `sagemaker:TaggingAction` set).

Every operation of botocore's `lookoutequipment` model is here, and the SageMaker operations the emulator answers
(tests/emulator/test_iam_policy.py checks both against the service models, and the resource types against the
reference as parliament ships it).
"""

from __future__ import annotations

from dataclasses import dataclass

# `{id}` is the service's own suffix (a UUID for L4E); a resource the request creates has none yet.
ARN_FORMATS: dict[tuple[str, str], str] = {
    ("lookoutequipment", "dataset"): "arn:{partition}:lookoutequipment:{region}:{account}:dataset/{name}/{id}",
    ("lookoutequipment", "model"): "arn:{partition}:lookoutequipment:{region}:{account}:model/{name}/{id}",
    ("lookoutequipment", "model-version"): (
        "arn:{partition}:lookoutequipment:{region}:{account}:model/{name}/{id}/model-version/{version}"
    ),
    ("lookoutequipment", "inference-scheduler"): (
        "arn:{partition}:lookoutequipment:{region}:{account}:inference-scheduler/{name}/{id}"
    ),
    ("lookoutequipment", "label-group"): "arn:{partition}:lookoutequipment:{region}:{account}:label-group/{name}/{id}",
    ("sagemaker", "inference-experiment"): "arn:{partition}:sagemaker:{region}:{account}:inference-experiment/{name}",
    ("sagemaker", "inference-recommendations-job"): (
        "arn:{partition}:sagemaker:{region}:{account}:inference-recommendations-job/{name}"
    ),
}


@dataclass(frozen=True)
class Target:
    """One resource an operation acts on, and where the request names it.

    `name` (or `arn`) is a dotted path into the request parameters. `version` names the model version of a
    `model-version`. `fallback_arn` is where the name comes from when `name` is absent (an imported dataset keeps
    its source's name). A target the request does not name is `*` when `required`, and skipped otherwise.
    """

    resource_type: str
    name: str | None = None
    arn: str | None = None
    version: str | None = None
    fallback_arn: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Operation:
    """What IAM checks for one API operation. No targets: the action takes no resource type (`Resource: *`)."""

    targets: tuple[Target, ...] = ()
    # The first target is the resource the request creates: it has no tags yet, and the request's tags go on it.
    creates: bool = False
    # Request member holding a role the service will assume (checked as iam:PassRole).
    passes_role: str | None = None
    # Request member holding the tags of a create (checked as the service's tagging action on the new resource).
    tags: str | None = None
    # Request member holding the tag keys of an untag call (aws:TagKeys).
    tag_keys: str | None = None


def _on(resource_type: str, name: str, *, required: bool = True, fallback_arn: str | None = None) -> Target:
    return Target(resource_type, name=name, required=required, fallback_arn=fallback_arn)


def _by_arn(path: str = "ResourceArn") -> Target:
    return Target("*", arn=path)


_DATASET = _on("dataset", "DatasetName")
_MODEL = _on("model", "ModelName")
_SCHEDULER = _on("inference-scheduler", "InferenceSchedulerName")
_LABEL_GROUP = _on("label-group", "LabelGroupName")
_LABELS_GROUP = _on("label-group", "LabelsInputConfiguration.LabelGroupName", required=False)
_MODEL_VERSION = Target("model-version", name="ModelName", version="ModelVersion")

LOOKOUT_EQUIPMENT: dict[str, Operation] = {
    "CreateDataset": Operation((_DATASET,), creates=True, tags="Tags"),
    "CreateInferenceScheduler": Operation((_SCHEDULER, _MODEL), creates=True, passes_role="RoleArn", tags="Tags"),
    "CreateLabel": Operation((_LABEL_GROUP,)),
    "CreateLabelGroup": Operation((_LABEL_GROUP,), creates=True, tags="Tags"),
    "CreateModel": Operation((_MODEL, _DATASET, _LABELS_GROUP), creates=True, passes_role="RoleArn", tags="Tags"),
    "CreateRetrainingScheduler": Operation((_MODEL,)),
    "DeleteDataset": Operation((_DATASET,)),
    "DeleteInferenceScheduler": Operation((_SCHEDULER,)),
    "DeleteLabel": Operation((_LABEL_GROUP,)),
    "DeleteLabelGroup": Operation((_LABEL_GROUP,)),
    "DeleteModel": Operation((_MODEL,)),
    "DeleteResourcePolicy": Operation((_by_arn(),)),
    "DeleteRetrainingScheduler": Operation((_MODEL,)),
    "DescribeDataIngestionJob": Operation(),
    "DescribeDataset": Operation((_DATASET,)),
    "DescribeInferenceScheduler": Operation((_SCHEDULER,)),
    "DescribeLabel": Operation((_LABEL_GROUP,)),
    "DescribeLabelGroup": Operation((_LABEL_GROUP,)),
    "DescribeModel": Operation((_MODEL,)),
    "DescribeModelVersion": Operation((_MODEL_VERSION,)),
    "DescribeResourcePolicy": Operation((_by_arn(),)),
    "DescribeRetrainingScheduler": Operation((_MODEL,)),
    # The source is authorized by its own resource policy (PutResourcePolicy in its account); the caller's
    # policies are asked about what the import creates in the caller's account.
    "ImportDataset": Operation((_on("dataset", "DatasetName", fallback_arn="SourceDatasetArn"),), creates=True,
                               tags="Tags"),
    "ImportModelVersion": Operation(
        (_on("model", "ModelName"), _DATASET, _LABELS_GROUP), creates=True, passes_role="RoleArn", tags="Tags"
    ),
    "ListDataIngestionJobs": Operation((_DATASET,)),
    "ListDatasets": Operation(),
    "ListInferenceEvents": Operation((_SCHEDULER,)),
    "ListInferenceExecutions": Operation((_SCHEDULER,)),
    "ListInferenceSchedulers": Operation(),
    # The reference asks for a label group, but the request names none: only `Resource: *` allows it.
    "ListLabelGroups": Operation((Target("label-group"),)),
    "ListLabels": Operation((_LABEL_GROUP,)),
    "ListModelVersions": Operation((_MODEL,)),
    "ListModels": Operation(),
    "ListRetrainingSchedulers": Operation(),
    "ListSensorStatistics": Operation((_DATASET,)),
    "ListTagsForResource": Operation((_by_arn(),)),
    "PutResourcePolicy": Operation((_by_arn(),)),
    "StartDataIngestionJob": Operation((_DATASET,), passes_role="RoleArn"),
    "StartInferenceScheduler": Operation((_SCHEDULER,)),
    "StartRetrainingScheduler": Operation((_MODEL,)),
    "StopInferenceScheduler": Operation((_SCHEDULER,)),
    "StopRetrainingScheduler": Operation((_MODEL,)),
    "TagResource": Operation((_by_arn(),), tags="Tags"),
    "UntagResource": Operation((_by_arn(),), tag_keys="TagKeys"),
    "UpdateActiveModelVersion": Operation((_MODEL, _MODEL_VERSION)),
    "UpdateInferenceScheduler": Operation((_SCHEDULER,), passes_role="RoleArn"),
    "UpdateLabelGroup": Operation((_LABEL_GROUP,)),
    "UpdateModel": Operation((_MODEL,), passes_role="RoleArn"),
    "UpdateRetrainingScheduler": Operation((_MODEL,)),
}

_EXPERIMENT = _on("inference-experiment", "Name")
_JOB = _on("inference-recommendations-job", "JobName")

SAGEMAKER: dict[str, Operation] = {
    "CreateInferenceExperiment": Operation((_EXPERIMENT,), creates=True, passes_role="RoleArn", tags="Tags"),
    "DescribeInferenceExperiment": Operation((_EXPERIMENT,)),
    "UpdateInferenceExperiment": Operation((_EXPERIMENT,)),
    "StartInferenceExperiment": Operation((_EXPERIMENT,)),
    "StopInferenceExperiment": Operation((_EXPERIMENT,)),
    "DeleteInferenceExperiment": Operation((_EXPERIMENT,)),
    "ListInferenceExperiments": Operation(),
    "CreateInferenceRecommendationsJob": Operation((_JOB,), creates=True, passes_role="RoleArn", tags="Tags"),
    "DescribeInferenceRecommendationsJob": Operation((_JOB,)),
    "StopInferenceRecommendationsJob": Operation((_JOB,)),
    "ListInferenceRecommendationsJobs": Operation(),
    "ListInferenceRecommendationsJobSteps": Operation(),
    "AddTags": Operation((_by_arn(),), tags="Tags"),
    "DeleteTags": Operation((_by_arn(),), tag_keys="TagKeys"),
    "ListTags": Operation((_by_arn(),)),
}

OPERATIONS: dict[str, dict[str, Operation]] = {"lookoutequipment": LOOKOUT_EQUIPMENT, "sagemaker": SAGEMAKER}
# The action that puts a create's tags on the new resource.
TAGGING_ACTIONS = {"lookoutequipment": "TagResource", "sagemaker": "AddTags"}
