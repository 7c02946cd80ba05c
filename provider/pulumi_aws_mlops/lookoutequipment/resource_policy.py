"""Lookout for Equipment resource policy: which other accounts may import a dataset, a model or a model version.

Put on the resource by its ARN (in the account that owns it); another account then imports with a Dataset or
Model whose `source_dataset_arn` / `source_model_version_arn` names it. As the user guide says, a policy grants
only `lookoutequipment:ImportDataset` on a dataset or `lookoutequipment:ImportModelVersion` on a model (all its
versions) or one version; `pulumi preview` refuses anything else. A change is a PutResourcePolicy with the
revision it replaces, so a policy changed out of band in between is not overwritten blindly.

A policy has no tags: what an interrupted `up` left is recognised by its document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import PlainSerializer, PlainValidator, model_validator

from .._internal.aws_values import iso
from .._internal.errors import OwnershipError
from .._internal.fields import IMMUTABLE, AdoptInput, Input, ResourceInputs
from .._internal.inputs import InputRuleError, aws, json_document
from .._internal.named_resource import Created, NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from ..service_model import member_constraints
from .service import LOOKOUT_EQUIPMENT
from .shapes import SERVICE

# The service's rules for the policy text: its length and characters.
_POLICY_TEXT = member_constraints(SERVICE, "PutResourcePolicyRequest", "ResourcePolicy")
IMPORT_ACTIONS = {"dataset": "lookoutequipment:ImportDataset", "model": "lookoutequipment:ImportModelVersion"}


def policy_text(document: Any) -> str:
    """The JSON text PutResourcePolicy takes."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _policy_document(value: Any) -> dict[str, Any]:
    document = json_document(value)
    if not isinstance(document, dict):
        raise ValueError("must be a policy document (a JSON object)")
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements or not all(isinstance(s, dict) for s in statements):
        raise ValueError("needs a Statement: a statement or a non-empty list of them")
    for index, statement in enumerate(statements):
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise ValueError(f"Statement[{index}].Effect must be Allow or Deny")
        if "Principal" not in statement:
            raise ValueError(f"Statement[{index}] needs a Principal (the accounts allowed or denied)")
        if "Action" not in statement:
            raise ValueError(f"Statement[{index}] needs an Action")
    reasons = _POLICY_TEXT.violations(policy_text(document))
    if reasons:
        raise ValueError(f"as JSON text: {'; '.join(reasons)}")
    return document


PolicyDocument = Annotated[dict[str, Any], PlainValidator(_policy_document), PlainSerializer(lambda d: d)]


def resource_kind(arn: str) -> str | None:
    """dataset or model (a model version is the model's kind) for a Lookout for Equipment ARN, else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    path = parts[5].split("/")
    if path[0] == "dataset" and len(path) == 3:
        return "dataset"
    if path[0] == "model" and (len(path) == 3 or (len(path) == 5 and path[3] == "model-version")):
        return "model"
    return None


class ResourcePolicyInputs(ResourceInputs):
    """The validated inputs of a ResourcePolicy (what `pulumi preview` checks), each declaring what it is to AWS."""

    resource_arn: Annotated[Annotated[str, aws(SERVICE, "PutResourcePolicyRequest", "ResourceArn")], IMMUTABLE]
    # A dict or a JSON string; sent as JSON text, compared as a document.
    resource_policy: Annotated[PolicyDocument, Input(create=True, to_request=policy_text)]
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _grants_only_the_import(self) -> ResourcePolicyInputs:
        kind = resource_kind(self.resource_arn)
        if kind is None:
            raise InputRuleError("resource_arn", "must be the ARN of a dataset, a model or a model version: only "
                                 "they take resource policies")
        allowed = IMPORT_ACTIONS[kind]
        statements = self.resource_policy["Statement"]
        for index, statement in enumerate(_values(statements)):
            for action in _values(statement["Action"]):
                if str(action).lower() != allowed.lower():
                    raise InputRuleError(f"resource_policy.Statement[{index}].Action",
                                         f"{action!r} cannot be granted: a policy on a {kind} grants only {allowed}",
                                         ("resource_policy", "resource_arn"))
        return self


class ResourcePolicyProvider(NamedResourceProvider):
    service = LOOKOUT_EQUIPMENT
    kind = "Lookout for Equipment resource policy"
    args_model = ResourcePolicyInputs
    name_field = "resource_arn"
    generates_name = False
    tagged = False
    create_operation = "PutResourcePolicy"
    describe_operation = "DescribeResourcePolicy"
    arn_key = "ResourceArn"
    name_max_length = 2048

    def subject(self, name: str) -> str:
        return f"{self.kind} of {name}"

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: ResourcePolicyInputs = self.parse(props)
        created = self.create_or_adopt(self.request(args, "create"), props)
        return self.created(args.resource_arn, props, created)

    def find(self, name: str) -> dict[str, Any] | None:
        found = super().find(name)
        return None if found is None else {**found, "ResourceArn": name}

    def adopt(self, found: dict[str, Any], props: Mapping[str, Any]) -> Created:
        """No tag says who put it: its document does. The one declared is what an interrupted run put."""
        name = found["ResourceArn"]
        if json.loads(found["ResourcePolicy"]) == json_document(props.get("resource_policy")):
            progress(f"{self.subject(name)}: found the declared policy (from an interrupted run); keeping it")
            return Created(found, adopted=True)
        if props.get("adopt_existing"):
            return self.take_over(found, props)
        raise OwnershipError(f"{self.subject(name)} already exists with another document. Set "
                             "`adopt_existing=True` to manage it from this stack (the next `up` replaces its document)")

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: ResourcePolicyInputs = self.parse(news)
        if "resource_policy" in self.changed_keys(olds, news):
            current = self.require(id_)
            # The revision it replaces: a policy changed since it was last read is a conflict, not overwritten.
            self.call("PutResourcePolicy", ResourceArn=id_, PolicyRevisionId=current["PolicyRevisionId"],
                      **self.request(args, "create", only={"resource_policy"}))
            progress(f"{self.subject(id_)}: updated")
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.call_unless_gone("DeleteResourcePolicy", ResourceArn=id_)

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        return {
            "resource_arn": name,
            "resource_policy": json.loads(found["ResourcePolicy"]),
            "policy_revision_id": found.get("PolicyRevisionId"),
            "creation_time": iso(found.get("CreationTime")),
            "last_modified_time": iso(found.get("LastModifiedTime")),
        }


@dataclass
class ResourcePolicyArgs:
    """Inputs of a ResourcePolicy: the resource's ARN and the policy document (a dict or JSON text)."""

    resource_arn: pulumi.Input[str] | None = None
    resource_policy: pulumi.Input[Mapping[str, Any] | str] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class ResourcePolicy(pulumi.dynamic.Resource, module="lookoutequipment", name="ResourcePolicy"):
    """The resource policy of a Lookout for Equipment dataset, model or model version: who may import it."""

    resource_arn: pulumi.Output[str]
    resource_policy: pulumi.Output[dict[str, Any]]
    adopt_existing: pulumi.Output[bool | None]
    policy_revision_id: pulumi.Output[str]
    creation_time: pulumi.Output[str]
    last_modified_time: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: ResourcePolicyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = resource_props(ResourcePolicy, resource_name, args, kwargs)
        super().__init__(ResourcePolicyProvider(), resource_name, props, opts)
