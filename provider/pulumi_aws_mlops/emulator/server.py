"""Server mode: the emulated services plus moto's S3, IAM, STS and SageMaker behind one loopback endpoint.

Requests whose `X-Amz-Target` the emulator answers go to `Emulator.handle_http`; everything else
goes to moto's own server application. `/_emulator/...` is the control API (clock, faults, call
log, reset) that tests and the demo use from other processes; its POST bodies are JSON objects,
whatever Content-Type the client sends (`curl -d` sends a form type).

A ticker thread settles the emulator whenever something is due on its clock (a scheduled inference
run, the end of a training), so the work happens at its time even when no request comes.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .core import moto_adapter
from .core.exceptions import InternalServerException
from .core.protocol import error_payload, render
from .engine import Emulator

log = logging.getLogger(__name__)
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
# The ticker looks at least this often (real seconds), and never more often than MIN_TICK_SECONDS.
TICK_SECONDS = 1.0
MIN_TICK_SECONDS = 0.05


def require_loopback(host: str) -> None:
    """The emulator has no authentication: it must never listen beyond this machine."""
    if host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"refusing to bind {host!r}: the emulator listens on loopback only") from None
    if not address.is_loopback:
        raise ValueError(f"refusing to bind {host!r}: the emulator listens on loopback only")


class EmulatorApp:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._moto = moto_adapter.server_app()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return self._answer(environ, start_response)
        except Exception as exc:  # A bug of the emulator: the service's JSON internal error, never an HTML page.
            log.exception("the emulator server failed")
            error = InternalServerException(
                f"We encountered an internal error. Please try again. ({type(exc).__name__}: {exc})")
            return Response(render(error_payload(error)), status=error.status,
                            content_type="application/x-amz-json-1.1")(environ, start_response)

    def _answer(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path.startswith("/_emulator/"):
            return self._control(request)(environ, start_response)
        if request.headers.get("X-Amz-Target"):
            body = request.get_data()
            answer = self.emulator.handle_http(request.headers, body)
            if answer is not None:
                status, headers, payload = answer
                return Response(payload, status=status, headers=headers)(environ, start_response)
            # moto's app reads the body again from the stream.
            environ["wsgi.input"] = _replay(body)
        return self._moto(environ, start_response)

    def _control(self, request: Request) -> Response:
        emulator = self.emulator
        try:
            document = _document(request)
            action = request.path.removeprefix("/_emulator/")
            if action == "state":
                result: Any = self._state()
            elif action == "clock" and request.method == "POST":
                if "time_scale" in document:
                    emulator.clock.time_scale = float(document["time_scale"])
                if "advance" in document:
                    emulator.clock.advance(float(document["advance"]))
                result = self._state()
            elif action == "faults" and request.method == "POST":
                emulator.faults.update(document)
                result = self._state()
            elif action == "quotas" and request.method == "POST":
                emulator.quotas.update({str(name): int(count) for name, count in document.items()})
                result = self._state()
            elif action == "calls":
                result = [
                    {"at": c.at.isoformat(), "service": c.service, "operation": c.operation,
                     "params": c.params, "account": c.account, "region": c.region, "error": c.error,
                     "request_id": c.request_id}
                    for c in list(emulator.calls)
                ]
            elif action == "reset" and request.method == "POST":
                emulator.reset()
                moto_adapter.reset()
                result = self._state()
            else:
                return Response(json.dumps({"message": f"unknown control call {request.method} {request.path}"}),
                                status=404, content_type="application/json")
        except ValueError as exc:
            return Response(json.dumps({"message": str(exc)}), status=400, content_type="application/json")
        return Response(json.dumps(result, default=str), content_type="application/json")

    def _state(self) -> dict[str, Any]:
        clock = self.emulator.clock
        return {"now": clock.now().isoformat(), "time_scale": clock.time_scale,
                "faults": self.emulator.faults.snapshot(), "quotas": dict(self.emulator.quotas)}


def _document(request: Request) -> dict[str, Any]:
    """The JSON object a control call sends, read whatever its Content-Type says; {} for no body."""
    body = request.get_data()
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
    except ValueError:
        raise ValueError(f"the body of {request.method} {request.path} is not JSON: "
                         f"{body[:80].decode(errors='replace')!r}") from None
    if not isinstance(document, dict):
        raise ValueError(f"the body of {request.method} {request.path} must be a JSON object")
    return document


def _replay(body: bytes) -> Any:
    import io

    return io.BytesIO(body)


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug logs a line per request to stderr; the call log (`/_emulator/calls`) already has them."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class EmulatorServer:
    """The emulator on a loopback port, served from a background thread.

    >>> with EmulatorServer(Emulator()) as server:
    ...     os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url
    """

    def __init__(self, emulator: Emulator | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        require_loopback(host)
        self.emulator = emulator or Emulator()
        self._server: BaseWSGIServer = make_server(host, port, EmulatorApp(self.emulator), threaded=True,
                                                   request_handler=_QuietRequestHandler)
        self._thread: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://[{text}]:{port}" if ":" in text else f"http://{text}:{port}"

    def start(self) -> EmulatorServer:
        # A short poll interval makes stop() return in a tenth of a second rather than half of one.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="mlops-emulator", daemon=True)
        self._thread.start()
        self._start_ticker()
        return self

    def serve_forever(self) -> None:
        self._start_ticker()
        self._server.serve_forever()

    def _start_ticker(self) -> None:
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="mlops-emulator-ticker", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        """Settle the emulator when its next change is due in real time (at least once a second, so that work
        planned since the last look is not missed); a frozen clock moves only by `advance`, which settles."""
        emulator = self.emulator
        while not self._stopping.is_set():
            wait = TICK_SECONDS
            scale = emulator.clock.time_scale
            if scale > 0:
                try:
                    due = emulator.next_change()
                    if due is not None:
                        wait = min(wait, max((due - emulator.clock.now()).total_seconds() / scale, MIN_TICK_SECONDS))
                except Exception:  # The ticker must outlive a bug; the next request reports it.
                    log.exception("the emulator's ticker failed to plan")
            if self._stopping.wait(wait):
                return
            if emulator.clock.time_scale > 0:
                try:
                    emulator.settle()
                except Exception:
                    log.exception("the emulator's ticker failed to settle")

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
