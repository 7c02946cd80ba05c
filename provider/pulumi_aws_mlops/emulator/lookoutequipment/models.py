"""Lookout for Equipment resources and their backend (one per account and region)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core import Emulator


class LookoutEquipmentBackend:
    def __init__(self, emulator: Emulator, account_id: str, region_name: str) -> None:
        self.emulator = emulator
        self.account_id = account_id
        self.region_name = region_name
        self.datasets: dict[str, Any] = {}

    def list_datasets(self) -> list[Any]:
        return list(self.datasets.values())
