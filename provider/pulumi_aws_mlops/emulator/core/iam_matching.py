"""How IAM matches a policy's elements against a request: actions, resources and ARNs with wildcards and
policy variables, and every condition operator, with the documented rules for absent keys.

`iam_policy` evaluates statements with these; see its docstring for what is supported and what is not.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

ContextValue = str | bool | int | Sequence[str]


class PolicyError(ValueError):
    """A policy document IAM would refuse: no statements, an unknown condition operator, a missing element."""


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


def action_matches(pattern: str, action: str) -> bool:
    return _glob(str(pattern), action, {}, False, re.IGNORECASE)


def resource_matches(pattern: str, resource: str, keys: Mapping[str, ContextValue], variables: bool) -> bool:
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


def condition_holds(
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
