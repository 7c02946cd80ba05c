"""Label groups and the labels in them: the anomalies users mark for training."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.paginator import Page
from ..core.tokens import idempotent
from .base import LookoutEquipmentBase, Tags
from .exceptions import ConflictException, ValidationException, not_found


@dataclass(eq=False)
class Label:
    label_id: str
    group: LabelGroup
    start: datetime
    end: datetime
    rating: str
    fault_code: str | None
    notes: str | None
    equipment: str | None
    created_at: datetime

    def summary(self) -> dict[str, Any]:
        summary = {
            "LabelGroupName": self.group.name,
            "LabelId": self.label_id,
            "LabelGroupArn": self.group.arn,
            "StartTime": self.start,
            "EndTime": self.end,
            "Rating": self.rating,
            "FaultCode": self.fault_code,
            "Equipment": self.equipment,
            "CreatedAt": self.created_at,
        }
        return {k: v for k, v in summary.items() if v is not None}

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), **({"Notes": self.notes} if self.notes else {})}


@dataclass(eq=False)
class LabelGroup:
    name: str
    arn: str
    fault_codes: list[str]
    created_at: datetime
    updated_at: datetime
    labels: dict[str, Label] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"LabelGroupName": self.name, "LabelGroupArn": self.arn, "CreatedAt": self.created_at,
                "UpdatedAt": self.updated_at}

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "FaultCodes": list(self.fault_codes)}


class LabelOperations(LookoutEquipmentBase):
    """The label group and label operations."""

    @idempotent(lambda backend, group: backend.label_groups.get(group.name) is group)
    def create_label_group(self, *, label_group_name: str, client_token: str | None = None,
                           fault_codes: list[str] | None = None, tags: Tags | None = None) -> LabelGroup:
        self._name_free(self.label_groups, label_group_name, "Label group")
        self._check_quota("label_groups", self.label_groups, "label groups")
        now = self.now
        group = LabelGroup(label_group_name, self._arn("label-group", label_group_name), list(fault_codes or []),
                           now, now)
        return self._add(self.label_groups, label_group_name, group, group.arn, tags)

    def describe_label_group(self, *, label_group_name: str) -> LabelGroup:
        return self.label_group(label_group_name)

    def update_label_group(self, *, label_group_name: str, fault_codes: list[str] | None = None) -> None:
        group = self.label_group(label_group_name)
        if fault_codes is not None:
            group.fault_codes = list(fault_codes)
        group.updated_at = self.now

    def list_label_groups(self, *, label_group_name_begins_with: str | None = None, next_token: str | None = None,
                          max_results: int | None = None) -> Page[LabelGroup]:
        found = [g for g in self.label_groups.values() if g.name.startswith(label_group_name_begins_with or "")]
        return self._page("ListLabelGroups", found, lambda g: g.name, next_token, max_results)

    def delete_label_group(self, *, label_group_name: str) -> None:
        self.label_group(label_group_name)
        users = sorted(m.name for m in self.models.values() if m.label_group_name == label_group_name)
        if users:
            raise ConflictException(f"Label group {label_group_name} is used by models {', '.join(users)}")
        self._forget(self.label_groups, label_group_name)

    @idempotent(lambda backend, label: label.group.labels.get(label.label_id) is label
                and backend.label_groups.get(label.group.name) is label.group)
    def create_label(self, *, label_group_name: str, start_time: datetime, end_time: datetime, rating: str,
                     client_token: str | None = None, fault_code: str | None = None, notes: str | None = None,
                     equipment: str | None = None) -> Label:
        group = self.label_group(label_group_name)
        if start_time >= end_time:
            raise ValidationException("StartTime must be earlier than EndTime")
        if fault_code and group.fault_codes and fault_code not in group.fault_codes:
            raise ValidationException(f"FaultCode {fault_code} is not one of label group {group.name}'s "
                                      f"fault codes: {', '.join(group.fault_codes)}")
        label = Label(uuid.uuid4().hex, group, start_time, end_time, rating, fault_code, notes, equipment, self.now)
        group.labels[label.label_id] = label
        return label

    def describe_label(self, *, label_group_name: str, label_id: str) -> Label:
        label = self.label_group(label_group_name).labels.get(label_id)
        if label is None:
            raise not_found(f"Label of label group {label_group_name}", label_id)
        return label

    def delete_label(self, *, label_group_name: str, label_id: str) -> None:
        label = self.describe_label(label_group_name=label_group_name, label_id=label_id)
        del label.group.labels[label.label_id]

    def list_labels(self, *, label_group_name: str, interval_start_time: datetime | None = None,
                    interval_end_time: datetime | None = None, fault_code: str | None = None,
                    equipment: str | None = None, next_token: str | None = None,
                    max_results: int | None = None) -> Page[Label]:
        group = self.label_group(label_group_name)
        found = [
            label for label in group.labels.values()
            if (interval_start_time is None or label.end >= interval_start_time)
            and (interval_end_time is None or label.start < interval_end_time)
            and (not fault_code or label.fault_code == fault_code) and (not equipment or label.equipment == equipment)
        ]
        return self._page("ListLabels", found, lambda label: (label.start.timestamp(), label.label_id), next_token,
                          max_results)
