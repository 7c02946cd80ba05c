"""SageMaker inference experiments and recommendations jobs; models and endpoints come from moto's backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core import Emulator

EMULATED_OPERATIONS = frozenset({"ListInferenceExperiments"})


class SageMakerInferenceBackend:
    def __init__(self, emulator: Emulator, account_id: str, region_name: str) -> None:
        self.emulator = emulator
        self.account_id = account_id
        self.region_name = region_name
