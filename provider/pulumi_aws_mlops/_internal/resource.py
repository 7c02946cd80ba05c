"""Turning a Resource class's typed args into the property bag a dynamic resource registers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import pulumi

from .naming import NAME_SEED_KEY, seed_for


def resource_props(
    resource_name: str, args: Any, overrides: Mapping[str, Any], outputs: Iterable[str]
) -> dict[str, Any]:
    """Inputs from an `XArgs` dataclass and keyword arguments, every output key declared, and the name seed.

    Output keys must be present (as None) for Pulumi to keep them on the resource; the seed lets the
    provider give an unnamed resource the same name again when an interrupted create is retried.
    """
    props: dict[str, Any] = dict.fromkeys(outputs)
    if args is not None:
        props.update({f.name: getattr(args, f.name) for f in dataclasses.fields(args)})
    props.update(overrides)
    props[NAME_SEED_KEY] = seed_for(pulumi.get_project(), pulumi.get_stack(), resource_name)
    return props
