"""Dataset schemas: the `InlineDataSchema` JSON document a dataset (and a model) declares.

The documented shape is
``{"Components": [{"ComponentName": "pump", "Columns": [{"Name": "Timestamp", "Type": "DATETIME"},
{"Name": "Sensor0", "Type": "DOUBLE"}, ...]}, ...]}`` with exactly one DATETIME column per component.
Component and sensor names follow the service model's ComponentName and SensorName shapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ...service_model import shape_constraints

DATETIME = "DATETIME"
DOUBLE = "DOUBLE"
COLUMN_TYPES = (DATETIME, DOUBLE)
# Documented quotas: "Components per dataset: 3,000" and "a dataset with up to 3,000 sensors".
MAX_COMPONENTS = 3000
MAX_SENSORS = 3000


class SchemaError(ValueError):
    """The schema document is not valid; the message says where."""


@dataclass(frozen=True)
class ComponentSchema:
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
        return [self.timestamp_column, *self.sensors]

    def to_document(self) -> dict[str, Any]:
        return {"ComponentName": self.name, "Columns": [{"Name": n, "Type": t} for n, t in self.columns]}


@dataclass(frozen=True)
class DatasetSchema:
    components: tuple[ComponentSchema, ...]

    @classmethod
    def parse(cls, text: str) -> DatasetSchema:
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise SchemaError(f"InlineDataSchema is not valid JSON: {exc}") from None
        return cls.from_document(document)

    @classmethod
    def from_document(cls, document: Any) -> DatasetSchema:
        if not isinstance(document, dict) or set(document) != {"Components"}:
            raise SchemaError('InlineDataSchema must be an object with one key, "Components"')
        components = document["Components"]
        if not isinstance(components, list) or not components:
            raise SchemaError('InlineDataSchema "Components" must be a non-empty list')
        if len(components) > MAX_COMPONENTS:
            raise SchemaError(f"InlineDataSchema has {len(components)} components; the limit is {MAX_COMPONENTS}")
        parsed = tuple(_component(index, item) for index, item in enumerate(components))
        names = [component.name for component in parsed]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise SchemaError(f"InlineDataSchema repeats component names: {', '.join(repeated)}")
        sensor_count = sum(len(component.sensors) for component in parsed)
        if sensor_count > MAX_SENSORS:
            raise SchemaError(f"InlineDataSchema has {sensor_count} sensors; the limit is {MAX_SENSORS}")
        return cls(parsed)

    def to_json(self) -> str:
        return json.dumps({"Components": [component.to_document() for component in self.components]},
                          separators=(",", ":"))

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


def _component(index: int, item: Any) -> ComponentSchema:
    where = f"Components[{index}]"
    if not isinstance(item, dict) or set(item) != {"ComponentName", "Columns"}:
        raise SchemaError(f'{where} must be an object with the keys "ComponentName" and "Columns"')
    name = item["ComponentName"]
    _check_name(name, "ComponentName", f"{where}.ComponentName")
    columns = item["Columns"]
    if not isinstance(columns, list) or len(columns) < 2:
        raise SchemaError(f"{where} ({name}) must list a DATETIME column and at least one DOUBLE column")
    parsed: list[tuple[str, str]] = []
    for position, column in enumerate(columns):
        at = f"{where}.Columns[{position}]"
        if not isinstance(column, dict) or set(column) != {"Name", "Type"}:
            raise SchemaError(f'{at} must be an object with the keys "Name" and "Type"')
        _check_name(column["Name"], "SensorName", f"{at}.Name")
        if column["Type"] not in COLUMN_TYPES:
            raise SchemaError(f"{at}.Type is {column['Type']!r}; it must be one of {', '.join(COLUMN_TYPES)}")
        parsed.append((column["Name"], column["Type"]))
    names = [column_name for column_name, _ in parsed]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SchemaError(f"{where} ({name}) repeats column names: {', '.join(repeated)}")
    datetime_columns = [n for n, kind in parsed if kind == DATETIME]
    if len(datetime_columns) != 1:
        raise SchemaError(f"{where} ({name}) must have exactly one DATETIME column; it has {len(datetime_columns)}")
    return ComponentSchema(name, tuple(parsed))


def _check_name(value: Any, shape: str, where: str) -> None:
    if not isinstance(value, str):
        raise SchemaError(f"{where} must be a string")
    reasons = shape_constraints("lookoutequipment", shape).violations(value)
    if reasons:
        raise SchemaError(f"{where} {value!r} is not a valid {shape}: {reasons[0]}")
