"""Thin request handling: read the JSON parameters, call the backend, shape the response."""

from __future__ import annotations

from typing import Any

from .models import LookoutEquipmentBackend


class LookoutEquipmentResponse:
    def __init__(self, backend: LookoutEquipmentBackend) -> None:
        self.backend = backend

    def list_datasets(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"DatasetSummaries": []}
