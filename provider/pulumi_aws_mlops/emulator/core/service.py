"""How one emulated service plugs into the emulator: declared by each service package's `urls.py`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .backend import BaseBackend
from .responses import BaseResponse


def answers_every_operation(operation: str, params: dict[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Service:
    # botocore's name of the service (its service model) and the JSON protocol's `X-Amz-Target` prefix.
    name: str
    target_prefix: str
    backend: type[BaseBackend]
    responses: type[BaseResponse]
    # Whether a request (operation, parameters) is answered here; the rest go to moto (when moto has
    # the service) or are refused. Parameters matter for shared operations such as SageMaker's AddTags.
    answers: Callable[[str, dict[str, Any]], bool] = answers_every_operation
    # Default service quotas by name (see `Quotas`).
    quotas: Mapping[str, int] = field(default_factory=dict)
