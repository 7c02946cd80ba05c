"""Lookout for Equipment label group: the fault codes technicians use and, optionally, their labels.

Labels are declared as a list on the group rather than as resources of their own: a label is a few immutable
fields with no name (the service gives it an ID), there is no UpdateLabel, and a maintenance log holds tens to
hundreds of them, which users keep as one list (often read from a file) and review as one diff. So `labels`
is the group's content: when given, the group holds exactly those labels (a changed label is deleted and
created again, labels added out of band are deleted); when left out, the stack leaves the group's labels alone,
for teams that label in the console.

A label is known by its content (times, rating, fault code, equipment, notes): the labels an interrupted `up`
created are found again and not created twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import BeforeValidator, model_validator

from .._internal.aws_values import error_code, iso
from .._internal.errors import MlopsError
from .._internal.fields import IMMUTABLE, UPDATABLE, AdoptInput, Input, ResourceInputs
from .._internal.inputs import AwsShape, InputRuleError, aws
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.times import Timestamp, canonical_timestamp, parse_timestamp
from .service import LOOKOUT_EQUIPMENT
from .shapes import SERVICE, Tags

FaultCode = Annotated[str, aws(SERVICE, "CreateLabelRequest", "FaultCode")]


class LabelInput(AwsShape):
    """One label, as CreateLabel takes it: a period of the equipment's data and what it was."""

    start_time: Timestamp
    end_time: Timestamp
    rating: Annotated[str, aws(SERVICE, "CreateLabelRequest", "Rating")]
    fault_code: FaultCode | None = None
    equipment: Annotated[str, aws(SERVICE, "CreateLabelRequest", "Equipment")] | None = None
    notes: Annotated[str, aws(SERVICE, "CreateLabelRequest", "Notes")] | None = None

    @model_validator(mode="after")
    def _start_before_end(self) -> LabelInput:
        if parse_timestamp(self.start_time) >= parse_timestamp(self.end_time):
            raise InputRuleError("start_time", f"({self.start_time}) must be before end_time ({self.end_time})")
        return self

    def key(self) -> tuple[str, ...]:
        return (self.start_time, self.end_time, self.rating, self.fault_code or "", self.equipment or "",
                self.notes or "")


def _label_key(label: Mapping[str, Any]) -> tuple[str, ...]:
    return (str(label.get("start_time")), str(label.get("end_time")), str(label.get("rating")),
            str(label.get("fault_code") or ""), str(label.get("equipment") or ""), str(label.get("notes") or ""))


def labels_form(labels: Any) -> list[Any]:
    """Labels in time order: the order a list is written in is no change."""
    return sorted(labels, key=lambda label: _label_key(label) if isinstance(label, Mapping) else ("",))


class LabelGroupInputs(ResourceInputs):
    """The validated inputs of a LabelGroup (what `pulumi preview` checks), each declaring what it is to AWS."""

    label_group_name: Annotated[Annotated[str, aws(SERVICE, "CreateLabelGroupRequest", "LabelGroupName")],
                                IMMUTABLE]
    # No fault codes and an empty list are the same (the service reports the latter).
    fault_codes: Annotated[Annotated[list[FaultCode], aws(SERVICE, "CreateLabelGroupRequest", "FaultCodes")] | None,
                           BeforeValidator(lambda codes: codes or None), UPDATABLE] = None
    tags: Tags | None = None
    # Not a member of CreateLabelGroup: each is a CreateLabel call. Left out, the group's labels are not managed.
    labels: Annotated[list[LabelInput] | None, Input(diff_form=labels_form, unmanaged_when_unset=True)] = None
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _labels_fit_the_group(self) -> LabelGroupInputs:
        seen: set[tuple[str, ...]] = set()
        for index, label in enumerate(self.labels or []):
            if label.key() in seen:
                raise InputRuleError(f"labels[{index}]", "repeats another label: list each label once",
                                     ("labels",))
            seen.add(label.key())
            if label.fault_code and self.fault_codes and label.fault_code not in self.fault_codes:
                raise InputRuleError(f"labels[{index}].fault_code",
                                     f"{label.fault_code!r} is not one of fault_codes {self.fault_codes}",
                                     ("labels", "fault_codes"))
        return self


class LabelGroupProvider(NamedResourceProvider):
    service = LOOKOUT_EQUIPMENT
    kind = "Lookout for Equipment label group"
    args_model = LabelGroupInputs
    name_field = "label_group_name"
    create_operation = "CreateLabelGroup"
    describe_operation = "DescribeLabelGroup"
    arn_key = "LabelGroupArn"

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: LabelGroupInputs = self.parse(props)
        created = self.create_or_adopt(self.request(args, "create"), props)
        if not created.took_over and args.labels is not None:
            self.sync_labels(args.label_group_name, args.labels)
        return self.created(args.label_group_name, props, created)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: LabelGroupInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        if "fault_codes" in changed:
            # Before the labels: a new label may use a new fault code.
            self.call("UpdateLabelGroup", LabelGroupName=id_, FaultCodes=args.fault_codes or [])
            progress(f"{self.subject(id_)}: fault codes set to {args.fault_codes or []}")
        if "labels" in changed and args.labels is not None:
            self.sync_labels(id_, args.labels)
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.call_unless_gone("DeleteLabelGroup", LabelGroupName=id_)
        except ClientError as exc:
            if error_code(exc) == "ConflictException":
                raise MlopsError(f"deleting {self.subject(id_)}: {exc.response['Error'].get('Message')}. Point the "
                                 "models at other labels first, or keep the group with the `retain_on_delete` "
                                 "resource option") from exc
            raise

    # -- labels ---------------------------------------------------------------------------------------
    def existing_labels(self, name: str) -> list[dict[str, Any]]:
        """Every label of the group with its ID and notes (ListLabels leaves the notes out: DescribeLabel each)."""
        found = []
        token: dict[str, str] = {}
        while True:
            page = self.call("ListLabels", LabelGroupName=name, **token)
            for summary in page.get("LabelSummaries", []):
                described = self.call_unless_gone("DescribeLabel", LabelGroupName=name, LabelId=summary["LabelId"])
                if described is not None:
                    found.append(described)
            if not page.get("NextToken"):
                return found
            token = {"NextToken": page["NextToken"]}

    def sync_labels(self, name: str, wanted: list[LabelInput]) -> None:
        """Delete the labels that are not wanted, create the wanted ones that are missing."""
        existing = self.existing_labels(name)
        missing = Counter(label.key() for label in wanted)
        removed = []
        for label in existing:
            key = _label_key(_label_output(label))
            if missing[key] > 0:
                missing[key] -= 1
            else:
                removed.append(label)
        for old in removed:
            self.call_unless_gone("DeleteLabel", LabelGroupName=name, LabelId=old["LabelId"])
        created = 0
        for new in wanted:
            if missing[new.key()] > 0:
                missing[new.key()] -= 1
                times = {"StartTime": parse_timestamp(new.start_time), "EndTime": parse_timestamp(new.end_time)}
                self.call("CreateLabel", LabelGroupName=name, **{**new.request(), **times})
                created += 1
        if created or removed:
            progress(f"{self.subject(name)}: {created} label(s) created, {len(removed)} deleted")

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        # Labels are read only when the stack manages them (one DescribeLabel each).
        labels = ([_label_output(label) for label in self.existing_labels(name)]
                  if props.get("labels") is not None else None)
        return {
            "label_group_name": found["LabelGroupName"],
            "fault_codes": found.get("FaultCodes") or None,
            "tags": self.observed_tags(found["LabelGroupArn"]),
            "labels": labels_form(labels) if labels is not None else None,
            "arn": found["LabelGroupArn"],
            "created_at": iso(found.get("CreatedAt")),
            "updated_at": iso(found.get("UpdatedAt")),
        }


def _label_output(described: Mapping[str, Any]) -> dict[str, Any]:
    label = {
        "start_time": canonical_timestamp(described["StartTime"].isoformat()),
        "end_time": canonical_timestamp(described["EndTime"].isoformat()),
        "rating": described["Rating"],
        "fault_code": described.get("FaultCode"),
        "equipment": described.get("Equipment"),
        "notes": described.get("Notes"),
    }
    return {key: value for key, value in label.items() if value is not None}


@dataclass
class LabelGroupArgs:
    """Inputs of a LabelGroup; each label is a dict with snake_case keys and ISO 8601 times."""

    label_group_name: pulumi.Input[str] | None = None
    fault_codes: pulumi.Input[list[pulumi.Input[str]]] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    labels: pulumi.Input[list[pulumi.Input[Mapping[str, Any]]]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class LabelGroup(pulumi.dynamic.Resource, module="lookoutequipment", name="LabelGroup"):
    """A Lookout for Equipment label group with its fault codes and (when declared) its labels."""

    label_group_name: pulumi.Output[str]
    fault_codes: pulumi.Output[list[str] | None]
    tags: pulumi.Output[dict[str, str] | None]
    labels: pulumi.Output[list[dict[str, Any]] | None]
    adopt_existing: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: LabelGroupArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(LabelGroupProvider(), resource_name, resource_props(LabelGroup, resource_name, args, kwargs),
                         opts)
