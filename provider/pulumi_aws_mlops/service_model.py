"""Constraints of AWS request shapes, read from botocore's service models.

Both the emulator (server-side validation) and the resources' input models (validation at
`pulumi preview`) take names, patterns, enums and ranges from here, so neither restates them.

The resources read the constraints straight from the service model's JSON (`shape_constraints`,
`member_constraints`): the provider host starts afresh for every `pulumi preview`, and importing
botocore's session and model classes costs it more than the whole check of a stack of 100 datasets.
The emulator, which needs whole operations, uses botocore's `ServiceModel` (`service_model`); a test
checks that both read the same constraints for every shape of the services.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import regex
    from botocore.model import ServiceModel, Shape

SERVICE_FILE = "service-2"


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of `service` (the emulator's and the tests'; the resources need only `*_constraints`)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def _data_paths() -> list[Path]:
    """Where botocore's loader looks for models, in its order: AWS_DATA_PATH, ~/.aws/models, its own data."""
    import botocore

    extra = [Path(p).expanduser() for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep) if p]
    return [*extra, Path("~/.aws/models").expanduser(), Path(botocore.__file__).parent / "data"]


@cache
def service_shapes(service: str) -> dict[str, Any]:
    """The `shapes` of the service model's JSON, as botocore's loader would find it: the latest API version
    that any data path holds, read from the first path that has it."""
    found: dict[str, list[Path]] = {}
    for root in _data_paths():
        folder = root / service
        if not folder.is_dir():
            continue
        for version in sorted(folder.iterdir()):
            for name in (f"{SERVICE_FILE}.json", f"{SERVICE_FILE}.json.gz"):
                if (version / name).is_file():
                    found.setdefault(version.name, []).append(version / name)
                    break
    if not found:
        raise LookupError(f"botocore has no model of the {service!r} service")
    path = found[max(found)][0]
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    shapes: dict[str, Any] = json.loads(raw)["shapes"]
    return shapes


@cache
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a service-model pattern (Java syntax: `\\p{ASCII}`, `\\P{M}`), for `.fullmatch`.

    AWS services check a value against the whole pattern, as Java's `Matcher.matches()` does: SageMaker
    names are written `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` and reject `bad_name`, which a search would pass.
    """
    import regex

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
    """The constraints of one of botocore's shapes (the emulator's validation)."""
    meta = shape.metadata
    return Constraints(
        shape_name=shape.name,
        type_name=shape.type_name,
        pattern=meta.get("pattern"),
        enum=tuple(getattr(shape, "enum", None) or meta.get("enum", ()) or ()),
        min=meta.get("min"),
        max=meta.get("max"),
    )


def _constraints_of_json(name: str, shape: dict[str, Any]) -> Constraints:
    return Constraints(shape_name=name, type_name=shape["type"], pattern=shape.get("pattern"),
                       enum=tuple(shape.get("enum") or ()), min=shape.get("min"), max=shape.get("max"))


@cache
def shape_constraints(service: str, shape_name: str) -> Constraints:
    """Constraints of a named shape, e.g. ``shape_constraints("lookoutequipment", "DatasetName")``."""
    return _constraints_of_json(shape_name, service_shapes(service)[shape_name])


@cache
def member_constraints(service: str, structure: str, member: str) -> Constraints:
    """Constraints of one member of a structure.

    e.g. ``member_constraints("lookoutequipment", "CreateDatasetRequest", "DatasetName")``
    """
    shape = service_shapes(service)[structure]
    assert shape["type"] == "structure", f"{structure} is not a structure"
    return shape_constraints(service, shape["members"][member]["shape"])
