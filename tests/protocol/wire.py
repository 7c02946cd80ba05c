"""Property values as the engine sees them: plain JSON with Pulumi's special signatures.

Everything the protocol tests store or compare is a ``dict[str, Any]`` obtained from a protobuf
``Struct`` (numbers become floats, as on the wire). Secrets stay wrapped as
``{SIG_KEY: SECRET_SIG, "value": ...}``; unknowns are the ``UNKNOWN`` sentinel string.
"""

from __future__ import annotations

import copy
from typing import Any

from google.protobuf import json_format, struct_pb2

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

Props = dict[str, Any]


def from_struct(struct: struct_pb2.Struct | None) -> Props:
    if struct is None:
        return {}
    result: Props = json_format.MessageToDict(struct)
    return result


def to_struct(props: Props) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(props)
    return struct


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def make_secret(value: Any) -> Any:
    return value if is_secret(value) else {SIG_KEY: SECRET_SIG, "value": value}


def unwrap(value: Any) -> Any:
    """Remove secret and output-value wrappers (what the engine does for providers that refuse secrets)."""
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG:
            return unwrap(value.get("value"))
        if sig == OUTPUT_VALUE_SIG:
            return unwrap(value.get("value", UNKNOWN))
        if sig == RESOURCE_SIG:
            ref_id = value.get("id")
            return unwrap(ref_id) if ref_id not in (None, "") else value.get("urn", "")
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def contains_secrets(value: Any) -> bool:
    if is_secret(value):
        return True
    if isinstance(value, dict):
        return any(contains_secrets(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secrets(v) for v in value)
    return False


def contains_unknowns(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknowns(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknowns(v) for v in value)
    return False


def annotate_secrets(outs: Props, ins: Props) -> Props:
    """Mark as secret every output whose same-named input held a secret (the engine's annotateSecrets)."""
    result = copy.deepcopy(outs)
    for key, in_value in ins.items():
        if key not in result:
            continue
        out_value = result[key]
        if (
            isinstance(out_value, dict)
            and isinstance(in_value, dict)
            and not is_secret(out_value)
            and not is_secret(in_value)
        ):
            result[key] = annotate_secrets(out_value, in_value)
        elif not is_secret(out_value) and contains_secrets(in_value):
            result[key] = make_secret(out_value)
    return result


def mark_secret_keys(outs: Props, keys: list[str]) -> Props:
    """Apply ``additional_secret_outputs`` (top-level keys only)."""
    result = dict(outs)
    for key in keys:
        if key in result:
            result[key] = make_secret(result[key])
    return result


def changed_keys(olds: Props, news: Props) -> list[str]:
    """Top-level keys whose values differ, ignoring secretness (the engine's legacy input diff)."""
    old_plain, new_plain = unwrap(olds), unwrap(news)
    return sorted(k for k in set(old_plain) | set(new_plain) if old_plain.get(k) != new_plain.get(k))


def _split_path(path: str) -> list[str]:
    return [part for part in path.replace("[", ".").replace("]", "").replace('"', "").split(".") if part]


def path_contains(pattern: str, key: str) -> bool:
    """Whether a ``replace_on_changes`` path covers the changed top-level ``key`` (``*`` matches all)."""
    parts = _split_path(pattern)
    return bool(parts) and parts[0] in ("*", key)


def apply_ignore_changes(news: Props, olds: Props, paths: list[str]) -> Props:
    """Reset every ignored path in ``news`` to its value in ``olds`` (the engine's processIgnoreChanges)."""
    result = copy.deepcopy(news)
    for path in paths:
        parts = _split_path(path)
        if not parts:
            continue
        src: Any = olds
        dst: Any = result
        for part in parts[:-1]:
            src = src.get(part) if isinstance(src, dict) else None
            if not isinstance(dst, dict) or not isinstance(dst.get(part), dict):
                dst = None
                break
            dst = dst[part]
        if not isinstance(dst, dict):
            continue
        last = parts[-1]
        if isinstance(src, dict) and last in src:
            dst[last] = copy.deepcopy(src[last])
        else:
            dst.pop(last, None)
    return result


def plain(value: Any) -> Any:
    """Values for test assertions: secrets unwrapped, unknowns left as the ``UNKNOWN`` sentinel."""
    return unwrap(value)
