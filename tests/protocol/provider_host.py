"""A real dynamic provider host (``python -m pulumi.dynamic``) driven over gRPC, as the engine drives it."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from . import wire as _wire


@dataclass(frozen=True)
class LogRecord:
    """One line the provider host wrote: ``severity`` is ``info`` (stdout) or ``infoerr`` (stderr)."""

    severity: str
    message: str
    source: str
    urn: str = ""

LogSink = Callable[[LogRecord], None]


class ProviderCallError(Exception):
    """A provider RPC failed; the message is the provider's error text (the host sends the traceback)."""


class ProviderHost:
    """One ``python -u -m pulumi.dynamic`` process: started, configured once, stopped by :meth:`stop`.

    Its stdout (after the port line) and stderr become ``LogRecord(source="provider")``: the dynamic host
    has no engine connection, so ``pulumi.log.info/warn/error`` inside a provider print
    ``info: ...``/``warning: ...``/``error: ...`` to stderr and ``pulumi.log.debug`` is dropped; the engine
    shows those stderr lines as ``infoerr`` diagnostics, and so does this driver.
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        cwd: Path,
        config: Mapping[str, str],
        log: LogSink,
        timeout: float,
    ) -> None:
        self._log = log
        self._timeout = timeout
        self._threads: list[threading.Thread] = []
        self._channel: grpc.Channel | None = None
        self._proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            cwd=str(cwd),
        )
        try:
            port_queue: queue.Queue[str | None] = queue.Queue()
            assert self._proc.stdout is not None and self._proc.stderr is not None
            self._pump(self._proc.stdout, "info", port_queue)
            self._pump(self._proc.stderr, "infoerr", None)
            try:
                port_line = port_queue.get(timeout=timeout)
            except queue.Empty:
                raise ProviderCallError(f"dynamic provider host did not print its port within {timeout}s") from None
            if not port_line or not port_line.strip().isdigit():
                self._proc.wait(timeout=5)
                raise ProviderCallError(
                    f"dynamic provider host exited (code {self._proc.returncode}) before printing its port"
                )
            self._channel = grpc.insecure_channel(f"127.0.0.1:{int(port_line)}")
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
            self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
            # The engine passes the whole stack config, namespaced keys and string values, to dynamic providers.
            self._call(
                "Configure",
                provider_pb2.ConfigureRequest(
                    args=_wire.to_struct(dict(config)),
                    variables=dict(config),
                    acceptSecrets=True,
                    acceptResources=True,
                    sends_old_inputs=True,
                    sends_old_inputs_to_delete=True,
                ),
            )
        except BaseException:
            self.stop()
            raise

    def _pump(self, stream: IO[bytes], severity: str, port_queue: queue.Queue[str | None] | None) -> None:
        def run() -> None:
            first = port_queue is not None
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if first and port_queue is not None:
                    first = False
                    port_queue.put(line)
                    continue
                if line.strip():
                    self._log(LogRecord(severity=severity, message=line, source="provider"))
            if first and port_queue is not None:
                port_queue.put(None)
            stream.close()

        thread = threading.Thread(target=run, name=f"provider-host-{severity}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self._stub, method)(request, timeout=self._timeout)
        except grpc.RpcError as exc:
            code = exc.code()
            details = exc.details() or str(code)
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                details = f"provider {method} timed out after {self._timeout}s"
            elif details.startswith("Traceback"):
                # Lead with the exception line, keep the traceback the host sent.
                details = f"{details.rstrip().splitlines()[-1]}\n{details}"
            raise ProviderCallError(details) from None

    # The property maps passed in and returned are wire dicts (see _wire); secrets are stripped before the
    # call because the dynamic host answers Configure with acceptSecrets=False.
    def check(self, urn: str, olds: _wire.Props, news: _wire.Props) -> tuple[_wire.Props, list[tuple[str, str]]]:
        resp = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn,
                olds=_wire.to_struct(_wire.unwrap(olds)),
                news=_wire.to_struct(_wire.unwrap(news)),
                randomSeed=os.urandom(32),
                name=_urn_name(urn),
                type=_urn_type(urn),
            ),
        )
        failures = [(f.property, f.reason) for f in resp.failures]
        return _wire.from_struct(resp.inputs), failures

    def diff(
        self,
        urn: str,
        id_: str,
        old_outputs: _wire.Props,
        old_inputs: _wire.Props,
        news: _wire.Props,
        ignore_changes: list[str],
    ) -> provider_pb2.DiffResponse:
        resp: provider_pb2.DiffResponse = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_,
                urn=urn,
                olds=_wire.to_struct(_wire.unwrap(old_outputs)),
                news=_wire.to_struct(_wire.unwrap(news)),
                old_inputs=_wire.to_struct(_wire.unwrap(old_inputs)),
                ignoreChanges=ignore_changes,
                name=_urn_name(urn),
                type=_urn_type(urn),
            ),
        )
        return resp

    def create(self, urn: str, news: _wire.Props) -> tuple[str, _wire.Props]:
        resp = self._call(
            "Create",
            provider_pb2.CreateRequest(
                urn=urn,
                properties=_wire.to_struct(_wire.unwrap(news)),
                timeout=self._timeout,
                name=_urn_name(urn),
                type=_urn_type(urn),
            ),
        )
        return resp.id, _wire.from_struct(resp.properties)

    def update(
        self,
        urn: str,
        id_: str,
        old_outputs: _wire.Props,
        old_inputs: _wire.Props,
        news: _wire.Props,
        ignore_changes: list[str],
    ) -> _wire.Props:
        resp = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_,
                urn=urn,
                olds=_wire.to_struct(_wire.unwrap(old_outputs)),
                news=_wire.to_struct(_wire.unwrap(news)),
                old_inputs=_wire.to_struct(_wire.unwrap(old_inputs)),
                ignoreChanges=ignore_changes,
                timeout=self._timeout,
                name=_urn_name(urn),
                type=_urn_type(urn),
            ),
        )
        return _wire.from_struct(resp.properties)

    def read(
        self, urn: str, id_: str, outputs: _wire.Props, inputs: _wire.Props
    ) -> tuple[str, _wire.Props, _wire.Props | None]:
        """Returns (id, outputs, inputs or None when the provider returned none); id "" means gone."""
        resp = self._call(
            "Read",
            provider_pb2.ReadRequest(
                id=id_,
                urn=urn,
                properties=_wire.to_struct(_wire.unwrap(outputs)),
                inputs=_wire.to_struct(_wire.unwrap(inputs)),
                name=_urn_name(urn),
                type=_urn_type(urn),
            ),
        )
        inputs_out = _wire.from_struct(resp.inputs) if resp.HasField("inputs") else None
        return resp.id, _wire.from_struct(resp.properties), inputs_out

    def delete(self, urn: str, id_: str, outputs: _wire.Props, inputs: _wire.Props) -> None:
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_,
                urn=urn,
                properties=_wire.to_struct(_wire.unwrap(outputs)),
                old_inputs=_wire.to_struct(_wire.unwrap(inputs)),
                timeout=self._timeout,
                name=_urn_name(urn),
                type=_urn_type(urn),
            ),
        )

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 5 s) and drain its output into the log."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)


def _urn_name(urn: str) -> str:
    return urn.split("::", 3)[3] if urn.count("::") >= 3 else ""


def _urn_type(urn: str) -> str:
    parts = urn.split("::", 3)
    return parts[2].rsplit("$", 1)[-1] if len(parts) > 2 else ""
