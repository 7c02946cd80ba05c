"""Each resource's fields are declared once, on its input model (`_internal/fields.py`).

Checked against that declaration here: the `XArgs` dataclass, the Resource class's typed outputs, the
Create and Update requests (against botocore's service models too) and what each provider reads back;
and, against the service models, each service's "not found" codes per operation (the waiters have their own
lint: test_waiters.py).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pulumi_aws_mlops._internal.named_resource import NamedResourceProvider
from pulumi_aws_mlops._internal.resource import output_names
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import (
    Dataset,
    DatasetArgs,
    DatasetProvider,
    InferenceScheduler,
    InferenceSchedulerArgs,
    InferenceSchedulerProvider,
    LabelGroup,
    LabelGroupArgs,
    LabelGroupProvider,
    Model,
    ModelArgs,
    ModelProvider,
    ResourcePolicy,
    ResourcePolicyArgs,
    ResourcePolicyProvider,
    RetrainingScheduler,
    RetrainingSchedulerArgs,
    RetrainingSchedulerProvider,
)
from pulumi_aws_mlops.lookoutequipment.service import LOOKOUT_EQUIPMENT
from pulumi_aws_mlops.sagemaker import (
    InferenceExperiment,
    InferenceExperimentArgs,
    InferenceExperimentProvider,
    InferenceRecommendationsJob,
    InferenceRecommendationsJobArgs,
    InferenceRecommendationsJobProvider,
)
from pulumi_aws_mlops.sagemaker.service import SAGEMAKER
from pulumi_aws_mlops.service_model import service_model
from tests.support.lifecycle import create
from tests.support.lookoutequipment import (
    dataset_inputs,
    label_group_inputs,
    model_inputs,
    policy_inputs,
    retraining_inputs,
    scheduler_inputs,
)
from tests.support.sagemaker import experiment_inputs, job_inputs

RESOURCES = [
    pytest.param(Dataset, DatasetArgs, DatasetProvider, id="Dataset"),
    pytest.param(Model, ModelArgs, ModelProvider, id="Model"),
    pytest.param(InferenceScheduler, InferenceSchedulerArgs, InferenceSchedulerProvider, id="InferenceScheduler"),
    pytest.param(RetrainingScheduler, RetrainingSchedulerArgs, RetrainingSchedulerProvider, id="RetrainingScheduler"),
    pytest.param(LabelGroup, LabelGroupArgs, LabelGroupProvider, id="LabelGroup"),
    pytest.param(ResourcePolicy, ResourcePolicyArgs, ResourcePolicyProvider, id="ResourcePolicy"),
    pytest.param(InferenceExperiment, InferenceExperimentArgs, InferenceExperimentProvider, id="InferenceExperiment"),
    pytest.param(InferenceRecommendationsJob, InferenceRecommendationsJobArgs, InferenceRecommendationsJobProvider,
                 id="InferenceRecommendationsJob"),
]
PROVIDERS = [pytest.param(param.values[2], id=param.id) for param in RESOURCES]
# Members of a Create operation that a create never sends: a policy's change is a Put naming the revision it replaces.
NOT_ON_CREATE = {ResourcePolicyProvider: {"PolicyRevisionId"}}
# The operation each provider changes a resource in place with, and the one it deletes it with (where there is one).
UPDATES = {ModelProvider: "UpdateModel", InferenceSchedulerProvider: "UpdateInferenceScheduler",
           RetrainingSchedulerProvider: "UpdateRetrainingScheduler", LabelGroupProvider: "UpdateLabelGroup",
           InferenceExperimentProvider: "UpdateInferenceExperiment"}
DELETES = {DatasetProvider: "DeleteDataset", ModelProvider: "DeleteModel",
           InferenceSchedulerProvider: "DeleteInferenceScheduler", RetrainingSchedulerProvider: "DeleteRetrainingScheduler",
           LabelGroupProvider: "DeleteLabelGroup", ResourcePolicyProvider: "DeleteResourcePolicy",
           InferenceExperimentProvider: "DeleteInferenceExperiment"}


# -- the Resource classes and their args ------------------------------------------------------------
@pytest.mark.parametrize(("resource", "args", "provider"), RESOURCES)
def test_the_args_dataclass_has_exactly_the_declared_inputs(resource: type, args: type, provider: type) -> None:
    fields = dataclasses.fields(args)
    assert {field.name for field in fields} == set(provider.args_model.model_fields)
    assert all(field.default is None for field in fields), "every argument may be left out (or given as a keyword)"


@pytest.mark.parametrize(("resource", "args", "provider"), RESOURCES)
def test_the_resource_outputs_every_declared_input(resource: type, args: type, provider: type) -> None:
    outputs = output_names(resource)
    assert len(outputs) == len(set(outputs))
    assert set(provider.args_model.model_fields) <= set(outputs)


def read_back(resource: type, provider: NamedResourceProvider) -> set[str]:
    """What the provider must report from AWS: every output but the inputs the service does not report."""
    fields = provider.fields
    return set(output_names(resource)) - (fields.names - fields.read_back)


def assert_reads_back_what_it_declares(resource: type, provider: NamedResourceProvider, id_: str,
                                       outs: dict[str, Any]) -> None:
    observed = provider.observe(id_, outs)
    assert observed is not None
    assert set(observed) == read_back(resource, provider)


@pytest.mark.usefixtures("pump_data")
def test_the_lookout_equipment_resources_read_back_what_they_declare(emulator: Emulator) -> None:
    dataset, outs = create(DatasetProvider(), dataset_inputs())
    outs_of_dataset = outs
    assert_reads_back_what_it_declares(Dataset, DatasetProvider(), dataset, outs)
    model, outs = create(ModelProvider(), model_inputs(dataset))
    assert_reads_back_what_it_declares(Model, ModelProvider(), model, outs)
    scheduler, outs = create(InferenceSchedulerProvider(), scheduler_inputs(model))
    assert_reads_back_what_it_declares(InferenceScheduler, InferenceSchedulerProvider(), scheduler, outs)
    retraining, outs = create(RetrainingSchedulerProvider(), retraining_inputs(model))
    assert_reads_back_what_it_declares(RetrainingScheduler, RetrainingSchedulerProvider(), retraining, outs)
    group, outs = create(LabelGroupProvider(), label_group_inputs())
    assert_reads_back_what_it_declares(LabelGroup, LabelGroupProvider(), group, outs)
    policy, outs = create(ResourcePolicyProvider(), policy_inputs(outs_of_dataset["arn"]))
    assert_reads_back_what_it_declares(ResourcePolicy, ResourcePolicyProvider(), policy, outs)


@pytest.mark.usefixtures("endpoint")
def test_the_sagemaker_resources_read_back_what_they_declare(emulator: Emulator) -> None:
    experiment, outs = create(InferenceExperimentProvider(), experiment_inputs())
    assert_reads_back_what_it_declares(InferenceExperiment, InferenceExperimentProvider(), experiment, outs)
    job, outs = create(InferenceRecommendationsJobProvider(), job_inputs())
    assert_reads_back_what_it_declares(InferenceRecommendationsJob, InferenceRecommendationsJobProvider(), job, outs)


# -- the requests against the service models ---------------------------------------------------------
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_create_request_carries_every_member(provider: type[NamedResourceProvider]) -> None:
    """The declared members, the owner and user tags, and the idempotency token botocore fills in: all of them."""
    operation = service_model(provider.service.name).operation_model(provider.create_operation)
    tags = {"Tags"} if provider.tagged else set()
    declared = set(provider().fields.create_members.values()) | tags | set(operation.idempotent_members)
    declared |= NOT_ON_CREATE.get(provider, set())
    assert declared == set(operation.input_shape.members)
    assert provider().name_key in declared


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_update_request_carries_every_member(provider: type[NamedResourceProvider]) -> None:
    members = provider().fields.update_members
    if provider not in UPDATES:
        assert members == {}, "an input is changed in place only by an Update call"
        return
    request = service_model(provider.service.name).operation_model(UPDATES[provider]).input_shape
    assert {provider().name_key, *members.values()} == set(request.members)


# -- "not found", per operation ------------------------------------------------------------------------
NOT_FOUND = [
    pytest.param(service, operation, id=f"{service.name}-{operation}")
    for service in (LOOKOUT_EQUIPMENT, SAGEMAKER) for operation in service.not_found
]


@pytest.mark.parametrize(("service", "operation"), NOT_FOUND)
def test_not_found_is_an_error_the_operation_declares(service: Any, operation: str) -> None:
    """Each rule is an error the operation models, or the generic ValidationException narrowed by its wording."""
    rule = service.not_found_rule(operation)
    errors = {error.name for error in service_model(service.name).operation_model(operation).error_shapes}
    if rule.code == "ValidationException":
        assert rule.message_prefixes, "a ValidationException means many things: the rule must say which words"
    else:
        assert rule.code in errors


@pytest.mark.parametrize("provider", PROVIDERS)
def test_what_a_provider_finds_or_deletes_says_not_found_its_own_way(provider: type[NamedResourceProvider]) -> None:
    assert provider.describe_operation in provider.service.not_found
    if provider in DELETES:
        assert DELETES[provider] in provider.service.not_found
