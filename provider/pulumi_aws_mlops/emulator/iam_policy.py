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

import base64
import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Literal

from .iam_actions import ARN_FORMATS, OPERATIONS, TAGGING_ACTIONS, Operation, Target

Effect = Literal["Allow", "ExplicitDeny", "ImplicitDeny"]
ContextValue = str | bool | int | Sequence[str]
# The ID segment of an ARN the request is about to create (the service has not chosen it yet).
PENDING_ID = "00000000-0000-0000-0000-000000000000"
ACCESS_DENIED = "AccessDeniedException"


class PolicyError(ValueError):
    """A policy document IAM would refuse: no statements, an unknown condition operator, a missing element."""


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
        return partition_of(self.region)

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


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


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
        if not any(_action_matches(pattern, check.action) for pattern in _list(statement["Action"])):
            return False
    elif any(_action_matches(pattern, check.action) for pattern in _list(statement["NotAction"])):
        return False
    if "Resource" in statement:
        if not any(_resource_matches(pattern, check.resource, keys, variables) for pattern in _list(statement["Resource"])):
            return False
    elif "NotResource" in statement:
        if any(_resource_matches(pattern, check.resource, keys, variables) for pattern in _list(statement["NotResource"])):
            return False
    else:
        return False  # an identity-based statement without a resource applies to nothing
    return all(
        _condition_holds(operator, key, _list(values), keys, variables)
        for operator, block in (statement.get("Condition") or {}).items()
        for key, values in block.items()
    )


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


# -- matching --------------------------------------------------------------------------------------------------
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


def _substitute(pattern: str, keys: Mapping[str, ContextValue], variables: bool) -> list[str | None] | None:
    """The pattern as literal chunks (str) and wildcards (None for `*`, "" for `?`), variables replaced.

    None when a variable has no value and no default: the element then matches nothing.
    """
    chunks: list[str | None] = []

    def literal(text: str, wild: bool) -> None:
        for char in text:
            if wild and char == "*":
                chunks.append(None)
            elif wild and char == "?":
                chunks.append("")
            else:
                chunks.append(char)

    position = 0
    for match in _VARIABLE.finditer(pattern) if variables else ():
        literal(pattern[position:match.start()], True)
        position = match.end()
        body = match.group(1)
        if body in _LITERALS:
            literal(_LITERALS[body], False)
            continue
        default = _DEFAULT.match(body)
        name, fallback = (default.group(1), default.group(2)) if default else (body.strip(), None)
        value = _context_values(keys.get(name.lower()))
        if value is not None and len(value) == 1:
            literal(value[0], False)
        elif fallback is not None:
            literal(fallback, False)
        else:
            return None
    literal(pattern[position:], True)
    return chunks


def _regex(chunks: Sequence[str | None], flags: int = 0) -> re.Pattern[str]:
    return _compile(tuple(chunks), flags)


@lru_cache(maxsize=4096)
def _compile(chunks: tuple[str | None, ...], flags: int) -> re.Pattern[str]:
    text = "".join(".*" if chunk is None else "." if chunk == "" else re.escape(chunk) for chunk in chunks)
    return re.compile(text, flags | re.DOTALL)


def _glob(pattern: str, value: str, keys: Mapping[str, ContextValue], variables: bool, flags: int = 0) -> bool:
    chunks = _substitute(pattern, keys, variables)
    return chunks is not None and _regex(chunks, flags).fullmatch(value) is not None


def _action_matches(pattern: str, action: str) -> bool:
    return _glob(str(pattern), action, {}, False, re.IGNORECASE)


def _resource_matches(pattern: str, resource: str, keys: Mapping[str, ContextValue], variables: bool) -> bool:
    return _glob(str(pattern), resource, keys, variables)


def _arn_matches(pattern: str, arn: str, keys: Mapping[str, ContextValue], variables: bool) -> bool:
    """ArnLike and friends: the six segments match one by one (a wildcard stays in its segment)."""
    pattern = str(pattern)
    if pattern == "*":
        return True
    chunks = _substitute(pattern, keys, variables)
    if chunks is None:
        return False
    segments: list[list[str | None]] = [[]]
    for chunk in chunks:
        if chunk == ":" and len(segments) < 6:
            segments.append([])
        else:
            segments[-1].append(chunk)
    values = arn.split(":", 5)
    if len(segments) != len(values):
        return False
    return all(_regex(segment).fullmatch(value) is not None for segment, value in zip(segments, values, strict=True))


# -- conditions ------------------------------------------------------------------------------------------------
def _string_equals(policy: str, value: str) -> bool:
    return policy == value


def _string_equals_ignore_case(policy: str, value: str) -> bool:
    return policy.casefold() == value.casefold()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def operator(policy: str, value: str) -> bool:
        left, right = _number(value), _number(policy)
        return left is not None and right is not None and compare(left, right)

    return operator


def _time(text: str) -> float | None:
    if (number := _number(text)) is not None:
        return number
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _date(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def operator(policy: str, value: str) -> bool:
        left, right = _time(value), _time(policy)
        return left is not None and right is not None and compare(left, right)

    return operator


def _bool(policy: str, value: str) -> bool:
    return policy.lower() == value.lower()


def _binary(policy: str, value: str) -> bool:
    try:
        return base64.b64decode(policy) == base64.b64decode(value)
    except ValueError:
        return policy == value


def _ip(policy: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


# Each operator: (how one policy value matches one context value, whether the operator is negated).
# String and Arn patterns take wildcards only in the *Like forms; ArnEquals behaves as ArnLike (IAM documents so).
_OPERATORS: dict[str, tuple[Callable[[str, str], bool] | None, bool]] = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (_string_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_string_equals_ignore_case, True),
    "StringLike": (None, False),
    "StringNotLike": (None, True),
    "NumericEquals": (_numeric(lambda a, b: a == b), False),
    "NumericNotEquals": (_numeric(lambda a, b: a == b), True),
    "NumericLessThan": (_numeric(lambda a, b: a < b), False),
    "NumericLessThanEquals": (_numeric(lambda a, b: a <= b), False),
    "NumericGreaterThan": (_numeric(lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_numeric(lambda a, b: a >= b), False),
    "DateEquals": (_date(lambda a, b: a == b), False),
    "DateNotEquals": (_date(lambda a, b: a == b), True),
    "DateLessThan": (_date(lambda a, b: a < b), False),
    "DateLessThanEquals": (_date(lambda a, b: a <= b), False),
    "DateGreaterThan": (_date(lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_date(lambda a, b: a >= b), False),
    "Bool": (_bool, False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (_ip, False),
    "NotIpAddress": (_ip, True),
    "ArnEquals": (None, False),
    "ArnLike": (None, False),
    "ArnNotEquals": (None, True),
    "ArnNotLike": (None, True),
}
_PATTERN_OPERATORS = {"StringLike", "StringNotLike"}
_ARN_OPERATORS = {"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}


def _context_values(present: Any) -> list[str] | None:
    """A context key's values as strings (booleans as IAM writes them), None when the key is absent."""
    if present is None:
        return None
    items = list(present) if isinstance(present, (list, tuple, set, frozenset)) else [present]
    return [str(item).lower() if isinstance(item, bool) else str(item) for item in items]


def _condition_holds(
    operator: str, key: str, policy_values: list[Any], keys: Mapping[str, ContextValue], variables: bool
) -> bool:
    qualifier, _, name = operator.rpartition(":")
    if qualifier not in ("", "ForAllValues", "ForAnyValue"):
        raise PolicyError(f"unknown condition set operator {qualifier!r}")
    if_exists = name.endswith("IfExists") and name != "Null"
    base = name.removesuffix("IfExists") if if_exists else name
    values = _context_values(keys.get(key.lower()))
    if base == "Null":
        absent = not values
        return any(str(expected).lower() == str(absent).lower() for expected in policy_values)
    if base not in _OPERATORS:
        raise PolicyError(f"unknown condition operator {operator!r}")
    compare, negated = _OPERATORS[base]
    if values is None:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        # An absent key: the condition fails, unless it only asks that the key not match (or ...IfExists).
        return if_exists or negated
    expected = [str(value).lower() if isinstance(value, bool) else str(value) for value in policy_values]

    def matches(value: str) -> bool:
        for pattern in expected:
            if base in _PATTERN_OPERATORS and _glob(pattern, value, keys, variables):
                return True
            if base in _ARN_OPERATORS and _arn_matches(pattern, value, keys, variables):
                return True
            if compare is not None:
                resolved = _substitute(pattern, keys, variables)
                if resolved is not None and compare("".join("*" if c is None else "?" if c == "" else c
                                                            for c in resolved), value):
                    return True
        return False

    outcomes = [matches(str(value)) != negated for value in values]
    if qualifier == "ForAllValues":
        return all(outcomes)
    if qualifier == "ForAnyValue":
        return any(outcomes)
    # A single-valued key (or a multivalued one without a set operator): a negated operator must hold for every
    # value, a positive one for some value.
    return all(outcomes) if negated else any(outcomes)
