"""Constraints of AWS request shapes, read from botocore's service models.

Both the emulator (server-side validation) and the resources' input models (validation at
`pulumi preview`) take names, patterns, enums and ranges from here, so neither restates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session
import regex
from botocore.model import ServiceModel, Shape, StructureShape


@cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


@cache
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a service-model pattern (Java syntax: `\\p{ASCII}`, `\\P{M}`), for `.fullmatch`.

    AWS services check a value against the whole pattern, as Java's `Matcher.matches()` does: SageMaker
    names are written `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` and reject `bad_name`, which a search would pass.
    """
    return regex.compile(pattern, regex.VERSION1)


@dataclass(frozen=True)
class Constraints:
    """The checks the service applies to one scalar or list shape."""

    shape_name: str
    type_name: str
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    def violations(self, value: Any) -> list[str]:
        """AWS-worded reasons why `value` breaks these constraints (empty when it does not)."""
        reasons: list[str] = []
        if self.enum and value not in self.enum:
            reasons.append(f"Member must satisfy enum value set: [{', '.join(self.enum)}]")
        sized = self.type_name in ("string", "list", "map", "blob")
        size = len(value) if sized and hasattr(value, "__len__") else None
        if sized and size is not None:
            if self.min is not None and size < self.min:
                reasons.append(f"Member must have length greater than or equal to {int(self.min)}")
            if self.max is not None and size > self.max:
                reasons.append(f"Member must have length less than or equal to {int(self.max)}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if self.min is not None and value < self.min:
                reasons.append(f"Member must have value greater than or equal to {_number(self.min)}")
            if self.max is not None and value > self.max:
                reasons.append(f"Member must have value less than or equal to {_number(self.max)}")
        if self.pattern and isinstance(value, str) and not compile_pattern(self.pattern).fullmatch(value):
            reasons.append(f"Member must satisfy regular expression pattern: {self.pattern}")
        return reasons


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def constraints_of(shape: Shape) -> Constraints:
    meta = shape.metadata
    return Constraints(
        shape_name=shape.name,
        type_name=shape.type_name,
        pattern=meta.get("pattern"),
        enum=tuple(getattr(shape, "enum", None) or meta.get("enum", ()) or ()),
        min=meta.get("min"),
        max=meta.get("max"),
    )


@cache
def shape_constraints(service: str, shape_name: str) -> Constraints:
    """Constraints of a named shape, e.g. ``shape_constraints("lookoutequipment", "DatasetName")``."""
    return constraints_of(service_model(service).shape_for(shape_name))


@cache
def member_constraints(service: str, structure: str, member: str) -> Constraints:
    """Constraints of one member of a structure.

    e.g. ``member_constraints("lookoutequipment", "CreateDatasetRequest", "DatasetName")``
    """
    shape = service_model(service).shape_for(structure)
    assert isinstance(shape, StructureShape), f"{structure} is not a structure"
    return constraints_of(shape.members[member])
