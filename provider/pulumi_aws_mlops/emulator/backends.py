"""The emulated services, by botocore service name: the registry the engine routes requests with.

As moto's `backends.py` lists its services, this lists ours; each service package declares itself in
its `urls.py`. The services are imported on first use, so importing the emulator stays cheap.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .core.service import Service


@cache
def services() -> dict[str, Service]:
    from .lookoutequipment.urls import SERVICE as LOOKOUT_EQUIPMENT
    from .sagemaker.urls import SERVICE as SAGEMAKER

    return {service.name: service for service in (LOOKOUT_EQUIPMENT, SAGEMAKER)}


def route(target_prefix: str, operation: str, params: dict[str, Any]) -> Service | None:
    """The service a JSON-protocol request is for, when the emulator answers it."""
    for service in services().values():
        if target_prefix == service.target_prefix and service.answers(operation, params):
            return service
    return None


@cache
def default_quotas() -> dict[str, int]:
    return {name: limit for service in services().values() for name, limit in service.quotas.items()}
