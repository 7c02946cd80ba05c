"""Turning a Resource class's typed args into the property bag a dynamic resource registers."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .naming import NAME_SEED_KEY, seed_for


def output_names(resource_class: type[pulumi.dynamic.Resource]) -> list[str]:
    """The outputs a Resource class declares: its typed `pulumi.Output` attributes (and its bases' below
    `pulumi.dynamic.Resource`), in declaration order."""
    names: dict[str, None] = {}
    for cls in reversed(resource_class.__mro__):
        if issubclass(cls, pulumi.dynamic.Resource) and cls is not pulumi.dynamic.Resource:
            names.update(dict.fromkeys(inspect.get_annotations(cls)))
    return list(names)


_evaluated: set[type] = set()


def _evaluate_annotations(resource_class: type[pulumi.dynamic.Resource]) -> None:
    """Turn the class's typed outputs, written as strings (`from __future__ import annotations`), into the types they
    name, once. The SDK reads them for every resource it registers, and would otherwise compile each string again
    (typing.ForwardRef): a third of what it spends to take in a dataset's outputs."""
    if resource_class not in _evaluated:
        resource_class.__annotations__ = inspect.get_annotations(resource_class, eval_str=True)
        _evaluated.add(resource_class)


def resource_props(
    resource_class: type[pulumi.dynamic.Resource], resource_name: str, args: Any, overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """Inputs from an `XArgs` dataclass and keyword arguments, every declared output key, and the name seed.

    Output keys must be present (as None) for Pulumi to keep them on the resource; the seed lets the
    provider give an unnamed resource the same name again when an interrupted create is retried.
    """
    _evaluate_annotations(resource_class)
    props: dict[str, Any] = dict.fromkeys(output_names(resource_class))
    if args is not None:
        props.update({f.name: getattr(args, f.name) for f in dataclasses.fields(args)})
    props.update(overrides)
    props[NAME_SEED_KEY] = seed_for(pulumi.get_project(), pulumi.get_stack(), resource_name)
    return props
