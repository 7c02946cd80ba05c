"""The emulator: one clock, one fault injector, one call log and a backend per (service, account, region).

Both ways of running it (in-process with moto's `mock_aws`, and the loopback server) hand every
request to `Emulator.handle_http`, so they share every line of service behaviour.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore import xform_name

from ..service_model import service_model
from .clock import Clock
from .exceptions import (
    AwsError,
    InternalServerException,
    NotEmulatedException,
    ThrottlingException,
    ValidationException,
)
from .faults import Faults
from .validation import validate_request

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

_CREDENTIAL_SCOPE = re.compile(r"Credential=(?P<key>[^/]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")


@dataclass(frozen=True)
class Service:
    """How one AWS service plugs into the emulator (see `lookoutequipment/__init__.py`)."""

    name: str
    target_prefix: str
    backend_factory: Callable[[Emulator, str, str], Any]
    responses_factory: Callable[[Any], Any]
    # Whether a request (operation, parameters) is answered here; the rest go to moto (when moto has
    # the service) or are refused. Parameters matter for shared operations such as SageMaker's AddTags.
    handles: Callable[[str, dict[str, Any]], bool]


@dataclass(frozen=True)
class Call:
    """One request the emulator answered: the call log tests assert on."""

    at: datetime
    service: str
    operation: str
    params: dict[str, Any]
    account: str
    region: str
    error: str | None = None


@dataclass
class Emulator:
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    # Raised service quotas, as an account would get them on request: e.g. {"models": 100}.
    quotas: dict[str, int] = field(default_factory=dict)

    def quota(self, name: str, default: int) -> int:
        return self.quotas.get(name, default)

    def __post_init__(self) -> None:
        self.calls: list[Call] = []
        self._backends: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.RLock()

    # -- backends -------------------------------------------------------------------------------
    def backend(self, service: str, account: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION) -> Any:
        key = (service, account, region)
        with self._lock:
            if key not in self._backends:
                self._backends[key] = services()[service].backend_factory(self, account, region)
            return self._backends[key]

    def reset(self) -> None:
        with self._lock:
            self._backends.clear()
            self.calls.clear()

    # -- the call log ---------------------------------------------------------------------------
    def operations(self, service: str | None = None) -> list[str]:
        """Names of the operations called so far, in order (optionally of one service)."""
        return [c.operation for c in self.calls if service is None or c.service == service]

    def count(self, operation: str) -> int:
        return sum(1 for c in self.calls if c.operation == operation)

    # -- requests -------------------------------------------------------------------------------
    def route(self, headers: Any, params: Any) -> tuple[Service, str] | None:
        """The service and operation a request is for, when the emulator answers it."""
        target = _text(headers.get("X-Amz-Target"))
        prefix, _, operation = target.partition(".")
        for service in services().values():
            if prefix == service.target_prefix and service.handles(operation, params if isinstance(params, dict) else {}):
                return service, operation
        return None

    def handle_http(self, headers: Any, body: bytes | str | None) -> tuple[int, dict[str, str], bytes] | None:
        """Answer an AWS JSON-protocol request, or return None when it is not for the emulator."""
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = None
        routed = self.route(headers, params)
        if routed is None:
            return None
        service, operation = routed
        account, region = _caller(headers)
        status, payload = self.handle(service.name, operation, params, account=account, region=region)
        response_headers = {
            "Content-Type": "application/x-amz-json-1.0" if service.name != "sagemaker" else "application/x-amz-json-1.1",
            "x-amzn-RequestId": f"emulator-{len(self.calls):012d}",
        }
        return status, response_headers, json.dumps(payload, default=_json_default).encode()

    def handle(
        self,
        service_name: str,
        operation: str,
        params: Any,
        *,
        account: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
    ) -> tuple[int, dict[str, Any]]:
        service = services()[service_name]
        with self._lock:
            error: str | None = None
            try:
                result = self._dispatch(service, operation, params, account, region)
                return 200, result
            except AwsError as exc:
                error = exc.code
                return exc.status, {"__type": exc.code, "message": exc.message, "Message": exc.message}
            finally:
                self.calls.append(
                    Call(self.clock.now(), service_name, operation, params if isinstance(params, dict) else {},
                         account, region, error)
                )

    def _dispatch(self, service: Service, operation: str, params: Any, account: str, region: str) -> dict[str, Any]:
        fault = self.faults.roll(operation)
        if fault == "throttle":
            raise ThrottlingException()
        if fault == "server_error":
            raise InternalServerException()
        if not isinstance(params, dict):
            raise ValidationException("Request body is not a JSON object")
        model = service_model(service.name)
        if operation not in model.operation_names:
            raise NotEmulatedException(service.name, operation)
        validate_request(model.operation_model(operation), params)
        responses = service.responses_factory(self.backend(service.name, account, region))
        method = getattr(responses, xform_name(operation), None)
        if method is None:
            raise NotEmulatedException(model.metadata["serviceId"], operation)
        result: dict[str, Any] = method(params)
        return result


def _caller(headers: Any) -> tuple[str, str]:
    """Account and region of a SigV4-signed request: moto's convention maps a 12-digit access key to that account."""
    match = _CREDENTIAL_SCOPE.search(_text(headers.get("Authorization")))
    if not match:
        return DEFAULT_ACCOUNT_ID, DEFAULT_REGION
    key = match.group("key")
    account = key if key.isdigit() and len(key) == 12 else DEFAULT_ACCOUNT_ID
    return account, match.group("region")


def _text(value: str | bytes | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def services() -> dict[str, Service]:
    """The emulated services, imported on first use so importing the emulator stays cheap."""
    from .lookoutequipment import SERVICE as LOOKOUT_EQUIPMENT
    from .sagemaker import SERVICE as SAGEMAKER

    return {LOOKOUT_EQUIPMENT.name: LOOKOUT_EQUIPMENT, SAGEMAKER.name: SAGEMAKER}
