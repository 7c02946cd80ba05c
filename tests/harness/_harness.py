"""The Harness: runs a Pulumi Python program against the harness engine and a real dynamic provider host."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent import futures
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import grpc
from pulumi.runtime.proto import engine_pb2_grpc, resource_pb2_grpc

from . import _wire
from ._deploy import Engine, Entry, Monitor, Operation, is_dynamic
from ._provider_host import ProviderCallError, ProviderHost
from ._types import HarnessError, LogRecord, UpResult

REPO_ROOT = Path(__file__).resolve().parents[2]
_EXEC = Path(__file__).resolve().with_name("_exec.py")
_GRPC_OPTIONS = [
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
    ("grpc.max_send_message_length", 400 * 1024 * 1024),
]
STATE_VERSION = 1


class Harness:
    """Run ``up``/``preview``/``refresh``/``destroy`` of one stack of a Pulumi Python program (see package doc)."""

    def __init__(
        self,
        program_dir: Path | str,
        state_path: Path | str,
        project: str | None = None,
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        *,
        timeout: float = 60.0,
        organization: str = "organization",
        parallel: int = 16,
    ) -> None:
        self.program_dir = Path(program_dir).resolve()
        self.state_path = Path(state_path)
        meta = _read_project_file(self.program_dir)
        self.project = project or meta.get("name") or self.program_dir.name
        self.main = meta.get("main") or "."
        self.stack = stack
        self.organization = organization
        self.parallel = parallel
        self.timeout = timeout
        self.env: dict[str, str] = dict(env or {})
        self._config: dict[str, str] = {}
        self._secret_keys: set[str] = set()
        for key, value in (config or {}).items():
            self.set_config(key, value)
        self._closed = False

    # -- configuration -----------------------------------------------------------------------------
    def _key(self, key: str) -> str:
        return key if ":" in key else f"{self.project}:{key}"

    def set_config(self, key: str, value: Any, *, secret: bool = False) -> None:
        """Like ``pulumi config set``: keys without a namespace get the project's; non-strings become JSON."""
        full = self._key(key)
        self._config[full] = value if isinstance(value, str) else json.dumps(value)
        if secret:
            self._secret_keys.add(full)
        else:
            self._secret_keys.discard(full)

    def remove_config(self, key: str) -> None:
        full = self._key(key)
        self._config.pop(full, None)
        self._secret_keys.discard(full)

    @property
    def config(self) -> dict[str, str]:
        return dict(self._config)

    # -- state -------------------------------------------------------------------------------------
    @property
    def state(self) -> dict[str, Any]:
        """The parsed state file (an empty stack when it does not exist yet)."""
        if not self.state_path.exists():
            return {"version": STATE_VERSION, "project": self.project, "stack": self.stack, "resources": []}
        result: dict[str, Any] = json.loads(self.state_path.read_text())
        return result

    @property
    def outputs(self) -> dict[str, Any]:
        """The stack outputs recorded in the state (plain values)."""
        for entry in self.state["resources"]:
            if entry["type"] == "pulumi:pulumi:Stack" and not entry.get("parent"):
                outputs: dict[str, Any] = _wire.plain(entry.get("outputs", {}))
                return outputs
        return {}

    def resource(self, name: str) -> dict[str, Any]:
        """The live state entry of the resource with this name (or URN)."""
        entries: list[dict[str, Any]] = self.state["resources"]
        matches = [e for e in entries if not e.get("delete") and (e["urn"] == name or e["urn"].endswith("::" + name))]
        if not matches:
            raise KeyError(f"no resource named {name!r} in {self.state_path}")
        if len(matches) > 1:
            raise KeyError(f"several resources named {name!r}: {[e['urn'] for e in matches]}")
        return matches[0]

    def _entries(self) -> list[Entry]:
        resources: list[Entry] = self.state["resources"]
        return resources

    def _write(self, entries: list[Entry]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": STATE_VERSION, "project": self.project, "stack": self.stack, "resources": entries}
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
        os.replace(tmp, self.state_path)

    # -- processes -----------------------------------------------------------------------------------
    def _base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        existing = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + existing if existing else "")
        return env

    def _start_host(self, log: Callable[[LogRecord], None]) -> ProviderHost:
        env = self._base_env()
        env["PULUMI_PROJECT"] = self.project
        env["PULUMI_CONFIG"] = json.dumps(self._config)
        return ProviderHost(env=env, cwd=self.program_dir, config=self._config, log=log, timeout=self.timeout)

    def _operation(self, dry_run: bool, entries: list[Entry]) -> Operation:
        if self._closed:
            raise HarnessError("the harness is closed")
        return Operation(
            project=self.project, stack=self.stack, dry_run=dry_run, old_entries=entries, host_factory=self._start_host
        )

    def _run_program(self, op: Operation) -> int:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=64), options=_GRPC_OPTIONS)
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(
            Monitor(
                op,
                organization=self.organization,
                config=self._config,
                secret_keys=sorted(self._secret_keys),
                parallel=self.parallel,
            ),
            server,
        )
        engine_pb2_grpc.add_EngineServicer_to_server(Engine(op), server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        address = f"127.0.0.1:{port}"
        env = self._base_env()
        env["PULUMI_CONFIG"] = json.dumps(self._config)
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(sorted(self._secret_keys))
        args = [
            sys.executable, "-u", str(_EXEC),
            "--monitor", address,
            "--engine", address,
            "--project", self.project,
            "--root_directory", str(self.program_dir),
            "--stack", self.stack,
            "--pwd", str(self.program_dir),
            "--dry_run", "true" if op.dry_run else "false",
            "--parallel", str(self.parallel),
            "--organization", self.organization,
            self.main,
        ]  # fmt: skip
        proc: subprocess.Popen[bytes] | None = None
        pumps: list[threading.Thread] = []
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=str(self.program_dir),
            )
            assert proc.stdout is not None and proc.stderr is not None
            pumps = [_pump(proc.stdout, "info", op.log), _pump(proc.stderr, "infoerr", op.log)]
            try:
                return proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                op.fail(f"the program did not finish within {self.timeout}s")
                return -1
        finally:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            for pump in pumps:
                pump.join(timeout=10)
            server.stop(grace=None)

    # -- operations ----------------------------------------------------------------------------------
    def up(self) -> UpResult:
        """Run the program and apply its changes; delete what it no longer declares."""
        return self._deploy(dry_run=False)

    def preview(self) -> UpResult:
        """Run the program as a dry run: Check and Diff only, planned steps, unknown outputs, state untouched."""
        return self._deploy(dry_run=True)

    def _deploy(self, dry_run: bool) -> UpResult:
        entries = self._entries()
        op = self._operation(dry_run, entries)
        op.hosts.prestart()  # overlaps the host's start-up with the program's; the engine starts it on first use
        code = -1
        try:
            code = self._run_program(op)
            if code == 0 and op.failure is None:
                op.finish()
        finally:
            op.hosts.stop()
            if not dry_run:
                self._write(op.final_entries())
        result = op.result()
        if op.failure is not None:
            raise HarnessError(op.failure, result)
        if code != 0:
            errors = [r.message for r in result.logs if r.source == "program" and r.severity in ("error", "infoerr")]
            raise HarnessError(f"the program exited with code {code}:\n" + "\n".join(errors), result)
        return result

    def refresh(self) -> UpResult:
        """Read every custom resource; adopt returned outputs (and inputs); drop resources that are gone."""
        entries = self._entries()
        op = self._operation(False, entries)
        if any(e.get("custom") for e in entries):
            op.hosts.prestart()
        kept: list[Entry] = []
        try:
            for entry in entries:
                if op.failure is not None or not entry.get("custom") or entry.get("delete"):
                    kept.append(entry)
                    continue
                urn = entry["urn"]
                if not is_dynamic(entry["type"]):
                    op.fail(f"cannot refresh {urn}: '{entry['type']}' is not a dynamic resource", urn)
                    kept.append(entry)
                    continue
                try:
                    id_, outs, ins = op.hosts.get().read(urn, entry["id"], entry["outputs"], entry["inputs"])
                except ProviderCallError as exc:
                    op.fail(f"refresh of {urn} failed: {exc}", urn)
                    kept.append(entry)
                    continue
                if not id_:
                    op.step("delete", urn)
                    continue
                new = dict(entry, id=id_, outputs=_wire.annotate_secrets(outs, entry["outputs"]))
                if ins is not None:
                    new["inputs"] = _wire.annotate_secrets(ins, entry["inputs"])
                changed = (
                    id_ != entry["id"]
                    or _wire.unwrap(new["outputs"]) != _wire.unwrap(entry["outputs"])
                    or _wire.unwrap(new["inputs"]) != _wire.unwrap(entry["inputs"])
                )
                op.step("update" if changed else "same", urn)
                kept.append(new)
        finally:
            op.hosts.stop()
            self._write(kept)
        result = op.result()
        result.outputs = self.outputs
        if op.failure is not None:
            raise HarnessError(op.failure, result)
        return result

    def destroy(self) -> UpResult:
        """Delete every resource in reverse order (protected ones fail the operation, retained ones are forgotten)."""
        entries = self._entries()
        op = self._operation(False, entries)
        if any(e.get("custom") and not e.get("external") and not e.get("retainOnDelete") for e in entries):
            op.hosts.prestart()
        gone: set[int] = set()
        try:
            for entry in reversed(entries):
                if op.failure is not None:
                    break
                urn = entry["urn"]
                if entry.get("external"):
                    op.step("discard", urn)
                elif not entry.get("custom") or entry.get("retainOnDelete"):
                    op.step("delete", urn)
                elif entry.get("protect"):
                    op.fail(
                        f'unable to delete resource "{urn}"\nas it is currently marked for protection. '
                        "To unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
                        "program and run `pulumi up`",
                        urn,
                    )
                    continue
                else:
                    try:
                        op.hosts.get().delete(urn, entry.get("id", ""), entry["outputs"], entry["inputs"])
                    except ProviderCallError as exc:
                        op.fail(f"delete of {urn} failed: {exc}", urn)
                        continue
                    op.step("delete", urn)
                gone.add(id(entry))
        finally:
            op.hosts.stop()
            self._write([e for e in entries if id(e) not in gone])
        result = op.result()
        if op.failure is not None:
            raise HarnessError(op.failure, result)
        return result

    # -- lifecycle -------------------------------------------------------------------------------------
    def close(self) -> None:
        """Nothing outlives an operation (each starts and stops its own processes); further calls fail."""
        self._closed = True

    def __enter__(self) -> Harness:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _pump(stream: IO[bytes], severity: str, log: Callable[[LogRecord], None]) -> threading.Thread:
    def run() -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.strip():
                log(LogRecord(severity=severity, message=line, source="program"))
        stream.close()

    thread = threading.Thread(target=run, name=f"program-{severity}", daemon=True)
    thread.start()
    return thread


def _read_project_file(program_dir: Path) -> dict[str, str]:
    """``name`` and ``main`` from Pulumi.yaml (top-level scalar keys only; enough for test programs)."""
    for filename in ("Pulumi.yaml", "Pulumi.yml"):
        path = program_dir / filename
        if path.exists():
            found: dict[str, str] = {}
            for line in path.read_text().splitlines():
                match = re.match(r"^(name|main):\s*(.+?)\s*$", line)
                if match:
                    found[match.group(1)] = match.group(2).strip("'\"")
            return found
    return {}
