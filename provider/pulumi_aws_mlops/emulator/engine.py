"""The emulator: one clock, one fault injector, quotas, a call log, and the backends of every service.

Both ways of running it (in-process with moto's `mock_aws`, and the loopback server) hand every
request to `Emulator.handle_http`, and every request goes through `Emulator.handle`, the one
dispatch point: route, inject faults, validate against the service model, settle the clock-driven
statuses, call the service, log the call, and answer in the service's JSON protocol. Anything that
must see every request (authorization, eventual-consistency faults) belongs there.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore import xform_name

from ..service_model import service_model
from . import backends as registry
from . import iam
from .core.backend import BackendDict
from .core.clock import Clock
from .core.exceptions import (
    AwsError,
    InternalServerException,
    NotEmulatedException,
    ThrottlingException,
    ValidationException,
)
from .core.faults import Faults
from .core.protocol import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    access_key,
    arguments,
    caller,
    content_type,
    error_payload,
    render,
    target,
)
from .core.quotas import Quotas
from .core.service import Service
from .core.validation import validate_request
from .iam_policy import Decision

log = logging.getLogger(__name__)


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
    request_id: str = ""


class Emulator:
    def __init__(self, *, clock: Clock | None = None, faults: Faults | None = None,
                 quotas: Mapping[str, int] | None = None, enforce_iam: bool = False) -> None:
        self.clock = clock or Clock()
        # Authorize every request as its signer, by its IAM policies in moto's IAM (see iam.py); each decision is
        # kept, in order, as an account's trail of authorizations would be.
        self.enforce_iam = enforce_iam
        self.iam_decisions: list[Decision] = []
        self.faults = faults or Faults()
        # Raised service quotas, as an account would get them on request: e.g. {"models": 100}.
        self.quotas = Quotas(quotas, defaults=registry.default_quotas)
        self.calls: list[Call] = []
        self._backends: dict[str, BackendDict[Any]] = {}
        self._lock = threading.RLock()
        # Advancing the clock lets the time pass: scheduled work due by then happens then, request or not.
        self.clock.on_advance(self.settle)

    def __repr__(self) -> str:
        return f"Emulator(clock={self.clock!r}, faults={self.faults!r}, quotas={dict(self.quotas)!r})"

    # -- backends -------------------------------------------------------------------------------
    def backends(self, service: str) -> BackendDict[Any]:
        """Every account's and region's backend of one service: ``emulator.backends("sagemaker")[account][region]``."""
        with self._lock:
            if service not in self._backends:
                self._backends[service] = BackendDict(registry.services()[service].backend, self)
            return self._backends[service]

    def backend(self, service: str, account: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION) -> Any:
        return self.backends(service).get(account, region)

    def settle(self, *, target_prefix: str | None = None) -> None:
        """Bring every clock-driven status of every backend (of the services with this JSON target prefix) to the
        present."""
        services = registry.services()
        with self._lock, self.clock.pinned():
            for name, backends in list(self._backends.items()):
                if target_prefix is None or services[name].target_prefix == target_prefix:
                    for backend in backends:
                        backend.settle()

    def next_change(self) -> datetime | None:
        """When the next clock-driven change of any backend is due (None: nothing planned)."""
        with self._lock, self.clock.pinned():
            due = [moment for backends in list(self._backends.values()) for backend in backends
                   if (moment := backend.next_change()) is not None]
        return min(due, default=None)

    def reset(self) -> None:
        with self._lock:
            self._backends.clear()
            self.calls.clear()
            self.iam_decisions.clear()

    # -- the call log ---------------------------------------------------------------------------
    def operations(self, service: str | None = None) -> list[str]:
        """Names of the operations called so far, in order (optionally of one service)."""
        return [c.operation for c in self.calls if service is None or c.service == service]

    def count(self, operation: str, *, succeeded: bool = False) -> int:
        """How many calls of `operation` were made; with `succeeded`, only those answered without an error."""
        return sum(1 for c in self.calls if c.operation == operation and not (succeeded and c.error is not None))

    # -- requests -------------------------------------------------------------------------------
    def handle_http(self, headers: Any, body: bytes | str | None) -> tuple[int, dict[str, str], bytes] | None:
        """Answer an AWS JSON-protocol request, or return None when it is not for the emulator."""
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = None
        prefix, operation = target(headers)
        service = registry.route(prefix, operation, params if isinstance(params, dict) else {})
        if service is None:
            # moto answers it. Of a service emulated beside moto (SageMaker), it may read what the emulated
            # resources change on the clock (an experiment that ended puts its endpoint back): settle them first.
            self.settle(target_prefix=prefix)
            return None
        account, region = caller(headers)
        request_id = str(uuid.uuid4())
        status, answer = self.handle(service.name, operation, params, account=account, region=region,
                                     request_id=request_id, access_key=access_key(headers))
        response_headers = {"Content-Type": content_type(service_model(service.name)), "x-amzn-RequestId": request_id}
        return status, response_headers, answer

    def handle(
        self,
        service_name: str,
        operation: str,
        params: Any,
        *,
        account: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        request_id: str | None = None,
        access_key: str | None = None,
    ) -> tuple[int, bytes]:
        """Answer one request: (HTTP status, JSON body). Every emulated request goes through here."""
        service = registry.services()[service_name]
        request_id = request_id or str(uuid.uuid4())
        with self._lock, self.clock.pinned() as now:
            answer = b""
            error: AwsError | None = None
            try:
                answer = render(self._dispatch(service, operation, params, account, region, access_key))
            except AwsError as exc:
                error = exc
            except Exception as exc:  # A bug of the emulator: answered as the service's own internal error.
                log.exception("the emulator failed on %s %s", service_name, operation)
                error = InternalServerException(
                    f"We encountered an internal error. Please try again. ({type(exc).__name__}: {exc})")
            self.calls.append(Call(now, service_name, operation, params if isinstance(params, dict) else {},
                                   account, region, error.code if error else None, request_id))
        if error is not None:
            return error.status, render(error_payload(error))
        return 200, answer

    def _dispatch(self, service: Service, operation: str, params: Any, account: str, region: str,
                  access_key: str | None) -> dict[str, Any]:
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
        operation_model = model.operation_model(operation)
        validate_request(operation_model, params)
        method_name = xform_name(operation)
        if not hasattr(service.responses, method_name):
            raise NotEmulatedException(model.metadata["serviceId"], operation)
        if self.enforce_iam:  # a known, valid request, not yet served
            iam.enforce(self, service.name, operation, params, account=account, region=region, access_key=access_key)
        backend = self.backend(service.name, account, region)
        backend.settle()
        responses = service.responses(backend, arguments(operation_model, params))
        result: dict[str, Any] | None = getattr(responses, method_name)()
        return result or {}
