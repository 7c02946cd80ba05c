"""Resource policies: which other accounts may import a dataset, a model, or one version of a model.

As the user guide ("Importing a model") documents: only the account that owns a resource puts, reads or
deletes its policy; a policy grants only `lookoutequipment:ImportDataset` (on a dataset) or
`lookoutequipment:ImportModelVersion` (on a model, for all its versions, or on one version); an import from
another account is allowed only when a policy exists on the model or the version and every policy that exists
allows it (the more restrictive of the two applies); an import within the account needs no policy. The
condition key `lookoutequipment:IsImportingData` says whether an ImportModelVersion brings inference data.

The emulator knows callers by account only (a 12-digit access key selects one), so a policy's principal matches
when it is `*`, the caller's account, or any IAM principal of that account.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...service_model import service_model
from ..core.iam_matching import ContextValue, PolicyError, action_matches, condition_holds, resource_matches
from ..core.tokens import idempotent
from .base import LookoutEquipmentBase
from .exceptions import AccessDeniedException, ConflictException, ValidationException, not_found

IMPORT_ACTIONS = {"dataset": "lookoutequipment:ImportDataset", "model": "lookoutequipment:ImportModelVersion",
                  "model-version": "lookoutequipment:ImportModelVersion"}


@dataclass(eq=False)
class ResourcePolicy:
    resource_arn: str
    document: str
    revision_id: str
    created_at: datetime
    updated_at: datetime

    def describe(self) -> dict[str, Any]:
        return {"PolicyRevisionId": self.revision_id, "ResourcePolicy": self.document,
                "CreationTime": self.created_at, "LastModifiedTime": self.updated_at}


@dataclass(frozen=True)
class ArnParts:
    account: str
    region: str
    kind: str  # dataset, model or model-version
    name: str
    version: int | None = None

    @classmethod
    def parse(cls, arn: str) -> ArnParts | None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "lookoutequipment":
            return None
        path = parts[5].split("/")
        if path[0] == "dataset" and len(path) >= 3:
            return cls(parts[4], parts[3], "dataset", path[1])
        if path[0] == "model" and len(path) == 3:
            return cls(parts[4], parts[3], "model", path[1])
        if path[0] == "model" and len(path) == 5 and path[3] == "model-version" and path[4].isdigit():
            return cls(parts[4], parts[3], "model-version", path[1], int(path[4]))
        return None


def statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or "Statement" not in document:
        raise PolicyError("the policy needs a Statement")
    found = document["Statement"]
    found = [found] if isinstance(found, dict) else found
    if not isinstance(found, list) or not found or not all(isinstance(s, dict) for s in found):
        raise PolicyError("Statement must be a statement or a non-empty list of statements")
    return found


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def principal_matches(principal: Any, account: str) -> bool:
    """Whether a resource policy's Principal names the calling account (or any principal in it)."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for value in _values(principal.get("AWS", [])):
        text = str(value)
        if text in ("*", account):
            return True
        parts = text.split(":", 5)
        if len(parts) == 6 and parts[2] in ("iam", "sts") and parts[4] == account:
            return True
    return False


def check_policy(text: str, kind: str, arn: str) -> None:
    """Refuse a policy the service would: not JSON, badly formed, or granting more than importing this resource."""
    try:
        document = json.loads(text)
        found = statements(document)
    except (ValueError, PolicyError) as exc:
        raise ValidationException(f"ResourcePolicy is not a valid policy document: {exc}") from None
    allowed = IMPORT_ACTIONS[kind]
    others = [f"lookoutequipment:{name}" for name in service_model("lookoutequipment").operation_names
              if f"lookoutequipment:{name}" != allowed]
    for index, statement in enumerate(found):
        where = f"Statement {statement.get('Sid', index)}"
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise ValidationException(f"ResourcePolicy {where}: Effect must be Allow or Deny")
        if "Principal" not in statement:
            raise ValidationException(f"ResourcePolicy {where}: a resource policy statement needs a Principal")
        for pattern in _values(statement.get("Action", [])):
            if not action_matches(str(pattern), allowed) or any(action_matches(str(pattern), o) for o in others):
                raise ValidationException(f"ResourcePolicy {where}: action {pattern!r} is not allowed; a policy on "
                                          f"a {kind} can only grant {allowed}")
        if "Action" not in statement:
            raise ValidationException(f"ResourcePolicy {where}: a statement needs an Action")
        probe = arn if kind != "model" else f"{arn}/model-version/1"
        for pattern in _values(statement.get("Resource", [])):
            if not (resource_matches(str(pattern), arn, {}, False) or resource_matches(str(pattern), probe, {}, False)):
                raise ValidationException(f"ResourcePolicy {where}: resource {pattern!r} is not {arn}, the resource "
                                          "the policy is attached to")
        try:
            _conditions_hold(statement, {})
        except PolicyError as exc:
            raise ValidationException(f"ResourcePolicy {where}: {exc}") from None


def _conditions_hold(statement: Mapping[str, Any], keys: Mapping[str, ContextValue]) -> bool:
    return all(condition_holds(operator, key, _values(values), keys, True)
               for operator, block in (statement.get("Condition") or {}).items() for key, values in block.items())


def decide(text: str, account: str, action: str, resource: str, keys: Mapping[str, ContextValue]) -> str:
    """"Allow", "Deny" (explicitly) or "None" (no statement applies) for one request against one policy."""
    lowered = {key.lower(): value for key, value in keys.items()}
    allowed = False
    for statement in statements(json.loads(text)):
        if not principal_matches(statement.get("Principal"), account):
            continue
        if not any(action_matches(str(pattern), action) for pattern in _values(statement.get("Action", []))):
            continue
        if "Resource" in statement and not any(resource_matches(str(pattern), resource, lowered, True)
                                               for pattern in _values(statement["Resource"])):
            continue
        if not _conditions_hold(statement, lowered):
            continue
        if statement["Effect"] == "Deny":
            return "Deny"
        allowed = True
    return "Allow" if allowed else "None"


class PolicyOperations(LookoutEquipmentBase):
    """PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy, and the check every import makes."""

    def resource_at(self, arn: str) -> tuple[str, Any]:
        """(kind, resource) of a dataset, model or model version of this account and region, by its ARN."""
        parts = ArnParts.parse(arn)
        if parts is None:
            raise ValidationException(f"{arn} is not the ARN of a dataset, a model or a model version: only they "
                                      "take resource policies")
        if parts.account != self.account_id:
            raise AccessDeniedException(f"{arn} belongs to account {parts.account}: only the account that owns a "
                                        "resource can put, read or delete its resource policy")
        if parts.region != self.region_name:
            raise not_found("Resource", arn)
        if parts.kind == "dataset":
            dataset = self.datasets.get(parts.name)
            if dataset is None or dataset.arn != arn:
                raise not_found("Dataset", arn)
            return "dataset", dataset
        model = self.models.get(parts.name)
        model_arn = arn if parts.version is None else arn.rsplit("/model-version/", 1)[0]
        if model is None or model.arn != model_arn:
            raise not_found("Model", arn)
        if parts.version is None:
            return "model", model
        version = next((v for v in model.versions if v.number == parts.version), None)
        if version is None:
            raise not_found("Model version", arn)
        return "model-version", version

    @idempotent(lambda backend, policy: backend.policies.get(policy.resource_arn) is policy)
    def put_resource_policy(self, *, resource_arn: str, resource_policy: str, client_token: str,
                            policy_revision_id: str | None = None) -> ResourcePolicy:
        kind, _ = self.resource_at(resource_arn)
        current = self.policies.get(resource_arn)
        if policy_revision_id is not None and (current is None or current.revision_id != policy_revision_id):
            raise ConflictException(f"PolicyRevisionId {policy_revision_id} is not the revision of the policy of "
                                    f"{resource_arn} ({current.revision_id if current else 'it has none'}); "
                                    "describe it again and retry")
        check_policy(resource_policy, kind, resource_arn)
        now = self.now
        policy = ResourcePolicy(resource_arn, resource_policy, uuid.uuid4().hex, current.created_at if current else now,
                                now)
        self.policies[resource_arn] = policy
        return policy

    def describe_resource_policy(self, *, resource_arn: str) -> ResourcePolicy:
        self.resource_at(resource_arn)
        policy = self.policies.get(resource_arn)
        if policy is None:
            raise not_found("Resource policy of", resource_arn)
        return policy

    def delete_resource_policy(self, *, resource_arn: str) -> None:
        self.describe_resource_policy(resource_arn=resource_arn)
        del self.policies[resource_arn]

    def authorize_import(self, caller: str, action: str, targets: list[str],
                         keys: Mapping[str, ContextValue]) -> None:
        """Let account `caller` import from this account only as the policies on `targets` (the dataset, or the
        model and the version) allow. Every policy that exists must allow it, and one at least must exist."""
        if caller == self.account_id:
            return
        found = [(arn, self.policies[arn]) for arn in targets if arn in self.policies]
        context: dict[str, ContextValue] = {"aws:PrincipalAccount": caller, "aws:ResourceAccount": self.account_id,
                                            **keys}
        refused = f"Account {caller} is not authorized to perform: {action} on resource: {targets[-1]}"
        if not found:
            raise AccessDeniedException(f"{refused}: no resource policy of account {self.account_id} allows it")
        for arn, policy in found:
            decision = decide(policy.document, caller, action, arn, context)
            if decision != "Allow":
                why = "an explicit deny in" if decision == "Deny" else "no statement allowing it in"
                raise AccessDeniedException(f"{refused}, with {why} the resource policy of {arn}")
