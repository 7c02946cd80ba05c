"""Deterministic names and tokens, so an interrupted `pulumi up` finds again what it started.

A resource declared without a name gets `<resource name>-<7 chars>`, where the 7 chars hash the
stack, the logical name and the inputs that force replacement: stable across in-place updates, new
on replacement (so create-before-delete never collides), and the same again when the same create
is retried after an interruption. The owner tag marks what this stack's resource created, so the
retry adopts it and never adopts anything else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

NAME_SEED_KEY = "__name_seed"
OWNER_TAG_KEY = "pulumi-aws-mlops:owner"
SUFFIX_LENGTH = 7
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _digest(*parts: Any) -> bytes:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).digest()


def auto_name(seed: str, logical_name: str, replace_inputs: Mapping[str, Any], max_length: int = 200) -> str:
    digest = _digest(seed, dict(replace_inputs))
    suffix = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:SUFFIX_LENGTH])
    return f"{logical_name[: max_length - SUFFIX_LENGTH - 1]}-{suffix}"


def owner_token(seed: str) -> str:
    """The owner tag's value: identifies the stack resource, not the inputs, so it survives input changes."""
    return _digest("owner", seed).hex()[:32]


def logical_name_of(seed: str) -> str:
    """The resource's name in the program, the last part of a `project/stack/name` seed."""
    return seed.rsplit("/", 1)[-1]


def seed_for(project: str, stack: str, resource_name: str) -> str:
    return f"{project}/{stack}/{resource_name}"
