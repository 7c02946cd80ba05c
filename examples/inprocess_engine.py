"""Run a Pulumi Python program in this process, without the Pulumi CLI: `up`, `refresh` and `destroy` of one stack.

The Pulumi SDK's mock runtime (`pulumi.runtime.set_mocks`) takes the engine's place. Each dynamic resource the
program registers is handled as the dynamic provider host handles it: the provider is unpickled from the
`__provider` input (dill, base64), configured with the stack configuration, then called with what the engine
would call it with: check → create for a new resource; check → diff → update, or a replacement, for one already in
the state; read for `refresh`; delete for `destroy` and for resources the program no longer declares. The state
lives in memory, in the `InProcessStack` object, between operations.

Resources of other packages (e.g. pulumi-aws) get their id and outputs from `other_resources`, a function of the
mock's `MockResourceArgs`; by default they echo their inputs. `destroy` only forgets them.

What it leaves out, on purpose: preview, secrets (values are plain), unknown values (everything is known under
the mock runtime), resource options other than the dependencies the SDK resolves itself, and parallelism limits.
For the real engine protocol and a separate provider process, use the test harness (tests/harness) or the CLI.

Used by `examples/run_demo.py` (when neither the CLI nor the harness is there) and by tests/programs/.
"""

from __future__ import annotations

import base64
import contextvars
import json
import logging
import re
import runpy
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import dill
import pulumi
from pulumi.dynamic import Config as DynamicConfig
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.runtime import settings
from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROVIDER_KEY = "__provider"
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"

T = TypeVar("T")
OtherResources = Callable[[MockResourceArgs], tuple[str, dict[str, Any]]]


class EngineError(Exception):
    """An operation failed: a provider raised, a check failed, or the program itself failed."""


@dataclass
class Entry:
    """One resource in the state."""

    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.name)

    @property
    def dynamic(self) -> bool:
        return self.type.startswith(DYNAMIC_TYPE_PREFIX)

    @property
    def label(self) -> str:
        return f"{short_type(self.type)} {self.name}"


@dataclass
class Result:
    """What an operation did: stack outputs (after `up`), steps `(op, "type name")` in order, and log lines."""

    outputs: dict[str, Any]
    steps: list[tuple[str, str]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


def short_type(type_: str) -> str:
    """`pulumi-python:dynamic/lookoutequipment:Dataset` → `lookoutequipment:Dataset`."""
    return type_.removeprefix(DYNAMIC_TYPE_PREFIX + "/").removeprefix(DYNAMIC_TYPE_PREFIX + ":")


def echo_inputs(args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
    """A resource of another package: id `<name>-id`, outputs = inputs."""
    return f"{args.name}-id", dict(args.inputs)


def project_setting(program_dir: Path, key: str) -> str | None:
    """A top-level `key: value` of the program's Pulumi.yaml (`name`, `main`), or None."""
    project_file = program_dir / "Pulumi.yaml"
    if project_file.exists():
        match = re.search(rf"^{key}:[ \t]*(\S+)[ \t]*$", project_file.read_text(), re.MULTILINE)
        if match:
            return match.group(1).strip("'\"")
    return None


class InProcessStack:
    """One stack of the Pulumi program in `program_dir`, run in this process against whatever AWS boto3 reaches."""

    def __init__(
        self,
        program_dir: Path | str,
        *,
        project: str | None = None,
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        other_resources: OtherResources = echo_inputs,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.program_dir = Path(program_dir).resolve()
        self.project = project or project_setting(self.program_dir, "name") or self.program_dir.name
        # Pulumi.yaml's `main` points at the program inside the project folder (as in the root stack template).
        self.main = self.program_dir / (project_setting(self.program_dir, "main") or ".")
        self.stack = stack
        self.other_resources = other_resources
        self.on_event = on_event or (lambda _line: None)
        self.entries: list[Entry] = []
        self.outputs: dict[str, Any] = {}
        self._config: dict[str, str] = {}
        for key, value in (config or {}).items():
            self.set_config(key, value)

    # -- configuration, like `pulumi config set` ------------------------------------------------------
    def set_config(self, key: str, value: Any) -> None:
        """Keys without a namespace get the project's; values that are not strings are stored as JSON."""
        full = key if ":" in key else f"{self.project}:{key}"
        self._config[full] = value if isinstance(value, str) else json.dumps(value)

    @property
    def config(self) -> dict[str, str]:
        return dict(self._config)

    def resource(self, name: str) -> Entry:
        """The state entry of the resource with this logical name."""
        matches = [entry for entry in self.entries if entry.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r} in the state")
        return matches[0]

    # -- operations ----------------------------------------------------------------------------------
    def up(self) -> Result:
        """Run the program; create, update or replace what it declares and delete what it no longer declares."""
        run = _Run(self)
        try:
            outputs = run.program()
        except BaseException:
            # Like the engine: what completed is in the state, the rest stays as it was.
            self.entries = run.state_after_failure()
            raise
        gone = [*reversed([e for e in self.entries if e.key not in run.registered]), *run.replaced]

        def delete_gone() -> None:
            for entry in gone:
                run.delete(entry)

        run.in_runtime(delete_gone)
        self.entries = list(run.registered.values())
        self.outputs = outputs
        return Result(outputs, run.steps, run.logs)

    def refresh(self) -> Result:
        """Read every resource back: outputs and inputs as the provider sees them now; vanished ones are dropped."""
        run = _Run(self)
        run.in_runtime(lambda: self._refresh(run))
        return Result(dict(self.outputs), run.steps, run.logs)

    def _refresh(self, run: _Run) -> None:
        refreshed: list[Entry] = []
        for entry in self.entries:
            if not entry.dynamic:
                refreshed.append(entry)
                continue
            result = run.provider(entry.outputs).read(entry.id, _public(entry.outputs))
            if not result.id:
                run.step("delete", entry, "is gone; removed from the state")
                continue
            outputs = {**dict(result.outs or {}), PROVIDER_KEY: entry.outputs[PROVIDER_KEY]}
            inputs = {**dict(result.inputs), PROVIDER_KEY: entry.inputs[PROVIDER_KEY]} if result.inputs else entry.inputs
            changed = _public(outputs) != _public(entry.outputs)
            run.step("update" if changed else "same", entry, "changed outside Pulumi" if changed else "unchanged")
            refreshed.append(Entry(entry.type, entry.name, str(result.id), inputs, outputs))
        self.entries = refreshed

    def destroy(self) -> Result:
        """Delete every resource, dependents first."""
        run = _Run(self)
        run.in_runtime(lambda: self._destroy(run))
        self.outputs = {}
        return Result({}, run.steps, run.logs)

    def _destroy(self, run: _Run) -> None:
        remaining = list(self.entries)
        try:
            while remaining:
                run.delete(remaining[-1])
                remaining.pop()
        finally:
            self.entries = remaining


class _LogToRun(logging.Handler):
    def __init__(self, run: _Run) -> None:
        super().__init__(logging.INFO)
        self.run = run

    def emit(self, record: logging.LogRecord) -> None:
        self.run.log(f"{record.levelname.lower()}: {record.getMessage()}")


class _Run(pulumi.runtime.Mocks):
    """One operation: the mocks the SDK calls for each registration, plus the steps and logs it produced."""

    def __init__(self, stack: InProcessStack) -> None:
        self.stack = stack
        self.prior = {entry.key: entry for entry in stack.entries}
        self.registered: dict[tuple[str, str], Entry] = {}
        self.replaced: list[Entry] = []
        self.steps: list[tuple[str, str]] = []
        self.logs: list[str] = []
        self.errors: list[BaseException] = []
        self._providers: dict[str, ResourceProvider] = {}
        self._lock = threading.RLock()

    # -- events ------------------------------------------------------------------------------------
    def log(self, line: str) -> None:
        with self._lock:
            self.logs.append(line)
        self.stack.on_event(f"    {line}")

    def step(self, op: str, entry: Entry, detail: str) -> None:
        with self._lock:
            self.steps.append((op, entry.label))
        mark = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": " "}[op]
        self.stack.on_event(f"{mark} {entry.label}: {detail}")

    # -- the program -------------------------------------------------------------------------------
    def in_runtime(self, operation: Callable[[], T]) -> T:
        """Call `operation` with the mock runtime set up (in a copy of the context, so nothing leaks out): the
        program's and the providers' `pulumi.log` lines reach this run's log."""
        logger = logging.getLogger(f"{__name__}.{id(self)}")
        logger.propagate = False
        logger.setLevel(logging.INFO)
        handler = _LogToRun(self)
        logger.addHandler(handler)

        def configured() -> T:
            settings.ROOT.set(None)
            pulumi.runtime.set_all_config(self.stack.config)
            pulumi.runtime.set_mocks(self, project=self.stack.project, stack=self.stack.stack, preview=False,
                                     logger=logger)
            return operation()

        try:
            return contextvars.copy_context().run(configured)
        finally:
            logger.removeHandler(handler)

    def program(self) -> dict[str, Any]:
        """Run the program and return its stack outputs."""
        try:
            outputs = self.in_runtime(self._program)
        except BaseException as exc:
            raise self._failure(exc) from exc
        if self.errors:
            raise self._failure(self.errors[0]) from self.errors[0]
        return outputs

    def _program(self) -> dict[str, Any]:
        root = settings.get_root_resource()

        def run_main() -> None:
            runpy.run_path(str(self.stack.main), run_name="__main__")

        _sync_await(run_pulumi_func(run_main))
        outputs = _sync_await(pulumi.Output.from_input(getattr(root, "outputs", {})).future())
        return dict(outputs or {})

    def _failure(self, exc: BaseException) -> EngineError:
        first = self.errors[0] if self.errors else exc
        return EngineError(f"`up` of {self.stack.project}/{self.stack.stack} failed: {first}")

    def state_after_failure(self) -> list[Entry]:
        done = dict(self.registered)
        kept = [done.pop(entry.key, entry) for entry in self.stack.entries]
        return [*kept, *done.values()]

    # -- Mocks -------------------------------------------------------------------------------------
    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        try:
            entry = self._register(args) if args.typ.startswith(DYNAMIC_TYPE_PREFIX) else self._other(args)
        except BaseException as exc:
            with self._lock:
                self.errors.append(exc)
            raise
        with self._lock:
            self.registered[entry.key] = entry
        return entry.id, entry.outputs

    def _other(self, args: MockResourceArgs) -> Entry:
        id_, outputs = self.stack.other_resources(args)
        entry = Entry(args.typ, args.name, id_, dict(args.inputs), dict(outputs))
        old = self.prior.get(entry.key)
        if old is None:
            self.step("create", entry, "created (outside the emulator: made-up id and outputs)")
        else:
            self.step("same" if old.inputs == entry.inputs else "update", entry, "recorded")
        return entry

    def _register(self, args: MockResourceArgs) -> Entry:
        news = dict(args.inputs)
        provider = self.provider(news)
        old = self.prior.get((args.typ, args.name))
        label = f"{short_type(args.typ)} {args.name}"
        checked = provider.check(old.inputs if old else {}, news)
        if checked.failures:
            reasons = "; ".join(f"{failure.property}: {failure.reason}" for failure in checked.failures)
            raise EngineError(f"{label}: invalid inputs: {reasons}")
        inputs = {**dict(checked.inputs), PROVIDER_KEY: news[PROVIDER_KEY]}
        if old is None:
            return self._create(args, provider, inputs, "create", "creating")
        diff = provider.diff(old.id, old.outputs, inputs)
        if diff.replaces:
            detail = f"replacing ({', '.join(diff.replaces)} changed)"
            if diff.delete_before_replace:
                self.delete(old, quiet=True)
            else:
                self.replaced.append(old)
            return self._create(args, provider, inputs, "replace", detail)
        if not diff.changes:
            entry = Entry(args.typ, args.name, old.id, inputs, old.outputs)
            self.step("same", entry, "unchanged")
            return entry
        entry = Entry(args.typ, args.name, old.id, inputs, {})
        self.stack.on_event(f"~ {entry.label}: updating")
        updated = provider.update(old.id, old.outputs, inputs)
        entry.outputs = {**dict(updated.outs or {}), PROVIDER_KEY: news[PROVIDER_KEY]}
        self.step("update", entry, "updated")
        return entry

    def _create(self, args: MockResourceArgs, provider: ResourceProvider, inputs: dict[str, Any], op: str,
                detail: str) -> Entry:
        self.stack.on_event(f"{'+' if op == 'create' else '+-'} {short_type(args.typ)} {args.name}: {detail}")
        created = provider.create(inputs)
        outputs = {**dict(created.outs or {}), PROVIDER_KEY: inputs[PROVIDER_KEY]}
        entry = Entry(args.typ, args.name, str(created.id), inputs, outputs)
        self.step(op, entry, f"{op}d, id {entry.id}")
        return entry

    # -- providers ---------------------------------------------------------------------------------
    def provider(self, props: Mapping[str, Any]) -> ResourceProvider:
        """The dynamic provider pickled into `props`, configured with the stack config (once per operation)."""
        serialized = props[PROVIDER_KEY]
        with self._lock:
            provider = self._providers.get(serialized)
            if provider is None:
                provider = dill.loads(base64.b64decode(serialized))
                provider.configure(ConfigureRequest(DynamicConfig(self.stack.config, self.stack.project)))
                self._providers[serialized] = provider
            return provider

    def delete(self, entry: Entry, *, quiet: bool = False) -> None:
        if entry.dynamic:
            if not quiet:
                self.stack.on_event(f"- {entry.label}: deleting")
            self.provider(entry.outputs).delete(entry.id, _public(entry.outputs))
        self.step("delete", entry, "deleted" if entry.dynamic else "forgotten")


def _public(props: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}
