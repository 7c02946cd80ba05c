"""The InlineDataSchema document of a Lookout for Equipment dataset or model: one parser, one set of limits.

The documented shape is
``{"Components": [{"ComponentName": "pump", "Columns": [{"Name": "Timestamp", "Type": "DATETIME"},
{"Name": "Sensor0", "Type": "DOUBLE"}, ...]}, ...]}`` with exactly one DATETIME column per component.
Component and column names follow the service model's ComponentName and SensorName shapes.

The resources check a schema with it at `pulumi preview` (`lookoutequipment/shapes.py`), and the
emulator with it on CreateDataset, CreateModel and ingestion, so both refuse the same documents with
the same words. It is written as plain loops over the document: a schema of 3000 components must be
checked well within a preview's time budget, and each rule names the exact place that broke it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, NamedTuple

from .service_model import compile_pattern, shape_constraints

DATETIME = "DATETIME"
DOUBLE = "DOUBLE"
COLUMN_TYPES = (DATETIME, DOUBLE)
# Documented quotas: "Components per dataset: 3,000" and "a dataset with up to 3,000 sensors". The
# resources check the first; the emulator also enforces the second (see `DatasetSchema.sensor_count`).
MAX_COMPONENTS = 3000
MAX_SENSORS = 3000

_COMPONENT_KEYS = frozenset({"ComponentName", "Columns"})
_COLUMN_KEYS = frozenset({"Name", "Type"})


class SchemaError(ValueError):
    """The schema document is not valid; the message says where."""


class ComponentSchema(NamedTuple):
    name: str
    # (name, type) in the order the document lists them.
    columns: tuple[tuple[str, str], ...]

    @property
    def timestamp_column(self) -> str:
        return next(name for name, kind in self.columns if kind == DATETIME)

    @property
    def sensors(self) -> tuple[str, ...]:
        return tuple(name for name, kind in self.columns if kind == DOUBLE)

    @property
    def expected_header(self) -> list[str]:
        """The header row a data file of this component has: the timestamp column first."""
        return [self.timestamp_column, *self.sensors]

    def to_document(self) -> dict[str, Any]:
        return {"ComponentName": self.name, "Columns": [{"Name": n, "Type": t} for n, t in self.columns]}


class DatasetSchema:
    """A checked schema document."""

    __slots__ = ("components",)

    def __init__(self, components: tuple[ComponentSchema, ...]) -> None:
        self.components = components

    @classmethod
    def parse(cls, text: str) -> DatasetSchema:
        """The schema in an InlineDataSchema string."""
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise SchemaError(f"InlineDataSchema is not valid JSON: {exc}") from None
        return cls.from_document(document)

    @classmethod
    def from_document(cls, document: Any) -> DatasetSchema:
        return cls(tuple(
            ComponentSchema(component["ComponentName"], tuple((c["Name"], c["Type"]) for c in component["Columns"]))
            for component in canonical_document(document)["Components"]
        ))

    def to_document(self) -> dict[str, Any]:
        return {"Components": [component.to_document() for component in self.components]}

    def to_json(self) -> str:
        return json.dumps(self.to_document(), separators=(",", ":"))

    @property
    def sensor_count(self) -> int:
        return sum(len(component.sensors) for component in self.components)

    def check_sensor_limit(self) -> DatasetSchema:
        """The schema, when it has no more sensors than a dataset may (the emulator's rule; see MAX_SENSORS)."""
        if self.sensor_count > MAX_SENSORS:
            raise SchemaError(f"the schema has {self.sensor_count} sensors; the limit is {MAX_SENSORS}")
        return self

    def component(self, name: str) -> ComponentSchema | None:
        return next((component for component in self.components if component.name == name), None)

    def sensor_names(self) -> set[tuple[str, str]]:
        return {(component.name, sensor) for component in self.components for sensor in component.sensors}

    def first_difference_from(self, dataset: DatasetSchema) -> str | None:
        """Why this (model) schema is not a subset of the dataset's schema, or None when it is."""
        for component in self.components:
            known = dataset.component(component.name)
            if known is None:
                return f"component '{component.name}' is not in the dataset's schema"
            if component.timestamp_column != known.timestamp_column:
                return (f"component '{component.name}' has timestamp column '{component.timestamp_column}'; "
                        f"the dataset's is '{known.timestamp_column}'")
            for sensor in component.sensors:
                if sensor not in known.sensors:
                    return f"sensor '{sensor}' of component '{component.name}' is not in the dataset's schema"
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetSchema) and other.components == self.components

    def __hash__(self) -> int:
        return hash(self.components)

    def __repr__(self) -> str:
        return f"DatasetSchema({len(self.components)} components)"


def canonical_document(document: Any) -> dict[str, Any]:
    """Check every rule and return the document in canonical form: exactly its keys, nothing else.

    A valid document is returned as it is (it is canonical already: its key order is no part of it, and no
    JSON round trip through the Pulumi engine keeps it); an invalid one is walked again to say where it broke.
    """
    if isinstance(document, dict) and document.keys() == {"Components"} and _valid(document["Components"]):
        return document
    return _checked_copy(document)


def _valid(components: Any) -> bool:
    """Whether every rule holds, without a word of why: one quick pass over a document that is most often valid."""
    if type(components) is not list or not 1 <= len(components) <= MAX_COMPONENTS:
        return False
    component_name, sensor_name = _name_patterns()
    seen: set[str] = set()
    for component in components:
        if type(component) is not dict or len(component) != 2:
            return False
        name, columns = component.get("ComponentName"), component.get("Columns")
        if type(name) is not str or type(columns) is not list or len(columns) < 2 or name in seen \
                or not component_name.fullmatch(name):
            return False
        seen.add(name)
        column_names: set[str] = set()
        timestamps = 0
        for column in columns:
            if type(column) is not dict or len(column) != 2:
                return False
            column_name, column_type = column.get("Name"), column.get("Type")
            if type(column_name) is not str or column_name in column_names or column_type not in COLUMN_TYPES \
                    or not sensor_name.fullmatch(column_name):
                return False
            column_names.add(column_name)
            timestamps += column_type == DATETIME
        if timestamps != 1:
            return False
    return True


def _checked_copy(document: Any) -> dict[str, Any]:
    """The rules checked one by one, the first broken one raised with the place that broke it; else a copy of
    the document with exactly its keys."""
    _keys(document, "the schema", ("Components",))
    components = document.get("Components")
    if not isinstance(components, list) or not 1 <= len(components) <= MAX_COMPONENTS:
        raise SchemaError(f"Components must be a list of 1 to {MAX_COMPONENTS} components")
    component_name, sensor_name = _name_patterns()
    seen: set[str] = set()
    canonical = []
    for index, component in enumerate(components):
        where = f"Components[{index}]"
        if not (isinstance(component, dict) and component.keys() == _COMPONENT_KEYS):
            _keys(component, where, ("ComponentName", "Columns"))
        name = component.get("ComponentName")
        if not (isinstance(name, str) and component_name.fullmatch(name)):
            raise _bad_name(name, f"{where}.ComponentName", component_name.pattern)
        if name in seen:
            raise SchemaError(f"{where}.ComponentName {name!r} is repeated")
        seen.add(name)
        columns = component.get("Columns")
        if not isinstance(columns, list) or len(columns) < 2:
            raise SchemaError(f"{where}.Columns must list a DATETIME column and at least one DOUBLE column")
        column_names: set[str] = set()
        timestamps = 0
        for position, column in enumerate(columns):
            if not (isinstance(column, dict) and column.keys() == _COLUMN_KEYS):
                _keys(column, f"{where}.Columns[{position}]", ("Name", "Type"))
            column_name = column.get("Name")
            if not (isinstance(column_name, str) and sensor_name.fullmatch(column_name)):
                raise _bad_name(column_name, f"{where}.Columns[{position}].Name", sensor_name.pattern)
            if column_name in column_names:
                raise SchemaError(f"{where}.Columns[{position}].Name {column_name!r} is repeated in component {name!r}")
            column_names.add(column_name)
            column_type = column.get("Type")
            if column_type not in COLUMN_TYPES:
                raise SchemaError(f"{where}.Columns[{position}].Type must be DATETIME or DOUBLE, got {column_type!r}")
            timestamps += column_type == DATETIME
        if timestamps != 1:
            raise SchemaError(f"{where} ({name!r}) must have exactly one DATETIME column, has {timestamps}")
        canonical.append({"ComponentName": name, "Columns": [{"Name": c["Name"], "Type": c["Type"]} for c in columns]})
    return {"Components": canonical}


def _keys(document: Any, where: str, expected: tuple[str, ...]) -> None:
    if not isinstance(document, dict):
        raise SchemaError(f"{where} must be an object with {', '.join(expected)}")
    unknown = sorted(set(document) - set(expected))
    if unknown:
        raise SchemaError(f"{where} has unknown keys {unknown}; expected {', '.join(expected)}")


def _bad_name(value: Any, where: str, pattern: str) -> SchemaError:
    return SchemaError(f"{where} must match {pattern}, got {value!r}")


@cache
def _name_patterns() -> tuple[Any, Any]:
    """The service model's ComponentName and SensorName patterns, compiled once.

    Both are plain character classes, which Python's `re` matches four times faster than the `regex`
    module the service model's Java-syntax patterns otherwise need: 12,000 names per 3000 components.
    """
    return _compiled("ComponentName"), _compiled("SensorName")


def _compiled(shape: str) -> Any:
    pattern = shape_constraints("lookoutequipment", shape).pattern or ".+"
    try:
        return re.compile(pattern)
    except re.error:
        return compile_pattern(pattern)
