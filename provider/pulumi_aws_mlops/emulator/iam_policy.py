"""IAM for the emulator: may this principal make this request, by its identity-based policies?

    decision = authorize(policies, "lookoutequipment", "CreateModel", params, RequestContext(account, region))
    if not decision.allowed:
        raise AccessDeniedException(decision.message)

`authorize` turns the request into the checks AWS makes (`checks_for`: the action on each resource it acts on,
`iam:PassRole` for the role it hands over, the tagging action for the tags of a create, with their condition
keys), then evaluates each against the policies as IAM documents ("Policy evaluation logic", identity-based
policies only): an explicit Deny wins, then any Allow, else the request is implicitly denied. What each operation
acts on is data, in `iam_actions`.

Supported: Action/NotAction, Resource/NotResource (`*` and `?` wildcards over the whole ARN, as IAM and moto match
them; `Arn*` conditions compare the six ARN segments one by one, as IAM documents),
policy variables (`${aws:PrincipalAccount}`, `${aws:username}`, tags, `${*}`, defaults), and every condition
operator (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*, Null, `...IfExists`, `ForAllValues:`
and `ForAnyValue:`) with the documented rules for absent keys. Not modelled: resource-based policies, permissions
boundaries, session policies and SCPs.

moto's evaluator (moto/iam/access_control.py) was read and not reused: an Allow whose condition fails becomes an
explicit deny, operators other than StringEquals are ignored (always true), an absent key satisfies any condition,
and patterns are regular expressions without escaping. Those rules decide exactly the owner-tag conditions the
shipped policy relies on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from .core.arns import partition
from .core.iam_matching import ContextValue, PolicyError, action_matches, condition_holds, resource_matches
from .iam_actions import ARN_FORMATS, OPERATIONS, TAGGING_ACTIONS, Operation, Target

Effect = Literal["Allow", "ExplicitDeny", "ImplicitDeny"]
# The ID segment of an ARN the request is about to create (the service has not chosen it yet).
PENDING_ID = "00000000-0000-0000-0000-000000000000"
ACCESS_DENIED = "AccessDeniedException"


class UnknownOperation(KeyError):
    """An operation `iam_actions` has no entry for."""


@dataclass(frozen=True)
class RequestContext:
    """Who asks, where, and what the emulator knows about the resources the request names.

    `arn_of(service, resource_type, name)` returns the ARN of an existing resource (L4E ARNs end with an ID the
    request does not carry); `tags_of(arn)` its tags. Without them, ARNs end in `PENDING_ID` and resources have no
    tags. `keys` adds or overrides condition keys (e.g. `aws:SourceIp`, `aws:CurrentTime`).
    """

    account: str = "123456789012"
    region: str = "us-east-1"
    principal_arn: str | None = None
    arn_of: Callable[[str, str, str], str | None] | None = None
    tags_of: Callable[[str], Mapping[str, str] | None] | None = None
    keys: Mapping[str, ContextValue] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        return partition(self.region)

    @property
    def principal(self) -> str:
        return self.principal_arn or f"arn:{self.partition}:iam::{self.account}:user/emulator"


@dataclass(frozen=True)
class Check:
    """One question IAM answers for a request: this action on this resource, with these condition keys."""

    action: str
    resource: str
    context: Mapping[str, ContextValue]


@dataclass(frozen=True)
class CheckResult:
    check: Check
    effect: Effect
    # Sid (or index) of the statement that decided it: the deny, else the first allow.
    statement: str | None = None


@dataclass(frozen=True)
class Decision:
    principal: str
    results: tuple[CheckResult, ...]

    @property
    def allowed(self) -> bool:
        return all(result.effect == "Allow" for result in self.results)

    @property
    def denied(self) -> CheckResult | None:
        """The first check that was not allowed (AWS reports one)."""
        return next((result for result in self.results if result.effect != "Allow"), None)

    @property
    def code(self) -> str:
        return ACCESS_DENIED

    @property
    def message(self) -> str:
        """AWS's AccessDeniedException message for the first denied check ("" when allowed)."""
        denied = self.denied
        if denied is None:
            return ""
        action, resource = denied.check.action, denied.check.resource
        where = "" if resource == "*" else f" on resource: {resource}"
        if denied.effect == "ExplicitDeny":
            why = "with an explicit deny in an identity-based policy"
        else:
            why = f"because no identity-based policy allows the {action} action"
        return f"User: {self.principal} is not authorized to perform: {action}{where} {why}"


# -- the request as checks -------------------------------------------------------------------------------------
def operation_of(service: str, operation: str) -> Operation:
    try:
        return OPERATIONS[service][operation]
    except KeyError:
        raise UnknownOperation(f"{service} {operation} has no IAM entry in iam_actions") from None


def checks_for(service: str, operation: str, params: Mapping[str, Any], context: RequestContext) -> list[Check]:
    """The checks AWS makes for a request: the action on each resource, the tagging action, iam:PassRole."""
    spec = operation_of(service, operation)
    action = f"{service}:{operation}"
    base = _global_keys(context)
    request_tags = _tags(_get(params, spec.tags)) if spec.tags else None
    tag_keys = _get(params, spec.tag_keys) if spec.tag_keys else None
    request_keys: dict[str, ContextValue] = {}
    if request_tags is not None:
        request_keys.update({f"aws:RequestTag/{key}": value for key, value in request_tags.items()})
        request_keys["aws:TagKeys"] = list(request_tags)
    if isinstance(tag_keys, list):
        request_keys["aws:TagKeys"] = [str(key) for key in tag_keys]
    if operation == "ImportModelVersion":
        strategy = params.get("InferenceDataImportStrategy")
        request_keys["lookoutequipment:IsImportingData"] = str(bool(strategy) and strategy != "NO_IMPORT").lower()

    targets = [(target, arn) for target in spec.targets if (arn := _target_arn(service, target, params, context))]
    if not spec.targets:
        targets = [(Target("*"), "*")]
    checks: list[Check] = []
    for index, (_, arn) in enumerate(targets):
        new = spec.creates and index == 0
        resource_keys = {} if new else _resource_keys(service, arn, context)
        checks.append(Check(action, arn, {**base, **request_keys, **resource_keys, **context.keys}))
    if spec.creates and request_tags:
        created = targets[0][1]
        tagging: dict[str, ContextValue] = {**base, **request_keys}
        if service == "sagemaker":
            tagging["sagemaker:TaggingAction"] = operation
        checks.append(Check(f"{service}:{TAGGING_ACTIONS[service]}", created, {**tagging, **context.keys}))
    role = _get(params, spec.passes_role) if spec.passes_role else None
    if isinstance(role, str) and role:
        passed = {**base, "iam:PassedToService": f"{service}.amazonaws.com",
                  "iam:AssociatedResourceArn": targets[0][1], **context.keys}
        checks.append(Check("iam:PassRole", role, passed))
    return checks


def _target_arn(service: str, target: Target, params: Mapping[str, Any], context: RequestContext) -> str | None:
    if target.arn is not None:
        value = _get(params, target.arn)
        return str(value) if value else ("*" if target.required else None)
    name = _get(params, target.name) if target.name else None
    if name is None and target.fallback_arn:
        name = _name_in_arn(_get(params, target.fallback_arn))
    if name is None:
        return "*" if target.required else None
    owner_type = "model" if target.resource_type == "model-version" else target.resource_type
    existing = context.arn_of(service, owner_type, str(name)) if context.arn_of else None
    if target.resource_type == "model-version":
        version = _get(params, target.version) if target.version else None
        model = existing or _format(service, "model", context, name=name)
        return f"{model}/model-version/{version}" if version is not None else model
    return existing or _format(service, target.resource_type, context, name=name)


def _format(service: str, resource_type: str, context: RequestContext, **values: Any) -> str:
    return ARN_FORMATS[(service, resource_type)].format(
        partition=context.partition, region=context.region, account=context.account, id=PENDING_ID, **values
    )


def _name_in_arn(arn: Any) -> str | None:
    """The name in an ARN whose resource part is `type/name[/id...]`."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6 or "/" not in parts[5]:
        return None
    return parts[5].split("/")[1] or None


def _global_keys(context: RequestContext) -> dict[str, ContextValue]:
    principal = context.principal
    keys: dict[str, ContextValue] = {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": context.account,
        "aws:RequestedRegion": context.region,
        "aws:CurrentTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(datetime.now(timezone.utc).timestamp())),
    }
    resource = principal.split(":", 5)[-1]
    if resource.startswith("user/"):
        keys["aws:PrincipalType"] = "User"
        keys["aws:username"] = resource.rsplit("/", 1)[-1]
    elif resource.startswith("assumed-role/"):
        keys["aws:PrincipalType"] = "AssumedRole"
    elif resource == "root":
        keys["aws:PrincipalType"] = "Account"
    return keys


def _resource_keys(service: str, arn: str, context: RequestContext) -> dict[str, ContextValue]:
    tags = (context.tags_of(arn) if context.tags_of and arn != "*" else None) or {}
    keys: dict[str, ContextValue] = {f"aws:ResourceTag/{key}": value for key, value in tags.items()}
    if service == "sagemaker":
        keys.update({f"sagemaker:ResourceTag/{key}": value for key, value in tags.items()})
    if arn != "*":
        keys["aws:ResourceAccount"] = arn.split(":", 5)[4] if arn.count(":") >= 5 else context.account
    return keys


def _tags(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(key): str(item) for key, item in value.items()}
    if isinstance(value, list):
        return {str(tag.get("Key")): str(tag.get("Value", "")) for tag in value if isinstance(tag, Mapping)}
    return {}


def _get(params: Mapping[str, Any], path: str | None) -> Any:
    value: Any = params
    for part in (path or "").split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


# -- evaluation ------------------------------------------------------------------------------------------------
def authorize(
    policies: Iterable[Mapping[str, Any] | str],
    service: str,
    operation: str,
    params: Mapping[str, Any],
    context: RequestContext | None = None,
) -> Decision:
    """Allow or deny a request (`service` and `operation` as botocore names them) by identity-based policies."""
    context = context or RequestContext()
    documents = [parse_policy(policy) for policy in policies]
    results = tuple(evaluate(documents, check) for check in checks_for(service, operation, params, context))
    return Decision(context.principal, results)


def parse_policy(policy: Mapping[str, Any] | str) -> dict[str, Any]:
    document: Any = json.loads(policy) if isinstance(policy, str) else dict(policy)
    if not isinstance(document, dict) or "Statement" not in document:
        raise PolicyError("a policy document needs a Statement")
    statements = document["Statement"]
    document["Statement"] = [statements] if isinstance(statements, Mapping) else list(statements)
    for statement in document["Statement"]:
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f"Effect must be Allow or Deny: {statement}")
        if ("Action" in statement) == ("NotAction" in statement):
            raise PolicyError(f"a statement needs exactly one of Action and NotAction: {statement}")
    return document


def evaluate(policies: Sequence[Mapping[str, Any]], check: Check) -> CheckResult:
    """One check against parsed policies: explicit deny, else allow, else implicit deny."""
    keys = {key.lower(): value for key, value in check.context.items()}
    allowed_by: str | None = None
    for policy in policies:
        variables = policy.get("Version") == "2012-10-17"
        for index, statement in enumerate(policy["Statement"]):
            if not _applies(statement, check, keys, variables):
                continue
            sid = str(statement.get("Sid", index))
            if statement["Effect"] == "Deny":
                return CheckResult(check, "ExplicitDeny", sid)
            allowed_by = allowed_by or sid
    return CheckResult(check, "Allow" if allowed_by is not None else "ImplicitDeny", allowed_by)


def _applies(statement: Mapping[str, Any], check: Check, keys: Mapping[str, ContextValue], variables: bool) -> bool:
    if "Action" in statement:
        if not any(action_matches(pattern, check.action) for pattern in _list(statement["Action"])):
            return False
    elif any(action_matches(pattern, check.action) for pattern in _list(statement["NotAction"])):
        return False
    if "Resource" in statement:
        if not any(resource_matches(pattern, check.resource, keys, variables) for pattern in _list(statement["Resource"])):
            return False
    elif "NotResource" in statement:
        if any(resource_matches(pattern, check.resource, keys, variables) for pattern in _list(statement["NotResource"])):
            return False
    else:
        return False  # an identity-based statement without a resource applies to nothing
    return all(
        condition_holds(operator, key, _list(values), keys, variables)
        for operator, block in (statement.get("Condition") or {}).items()
        for key, values in block.items()
    )


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
