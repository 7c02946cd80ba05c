"""One run of a Pulumi program in this process under the SDK's mocks (`pulumi.runtime.set_mocks`), with its real
dynamic providers: every dynamic resource it declares is checked and created, as on a first `pulumi up`.

This is not an engine: there is no state, no diff, update, refresh or delete. Whole lifecycles run through the real
Pulumi CLI (tests/e2e). What this gives is a fast look at what a program declares and what its providers make of
it, on the in-process emulator's virtual clock.

Resources of other packages (pulumi-aws) get their id and outputs from `other_resources` (default: their inputs).
"""

from __future__ import annotations

import base64
import contextvars
import re
import runpy
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dill
import pulumi
from pulumi.dynamic import Config as DynamicConfig
from pulumi.dynamic import ConfigureRequest
from pulumi.runtime import settings
from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROVIDER_KEY = "__provider"
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
OtherResources = Callable[[MockResourceArgs], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Created:
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class ProgramRun:
    project: str
    outputs: dict[str, Any] = field(default_factory=dict)
    created: list[Created] = field(default_factory=list)

    def resource(self, name: str) -> Created:
        [found] = [resource for resource in self.created if resource.name == name]
        return found


def echo_inputs(args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
    return f"{args.name}-id", dict(args.inputs)


def project_setting(program_dir: Path, key: str) -> str | None:
    match = re.search(rf"^{key}:[ \t]*(\S+)[ \t]*$", (program_dir / "Pulumi.yaml").read_text(), re.MULTILINE)
    return match.group(1).strip("'\"") if match else None


def run_program(program_dir: Path, config: Mapping[str, str] | None = None, *, stack: str = "dev",
                other_resources: OtherResources = echo_inputs) -> ProgramRun:
    """Run the program of the project in `program_dir` once; raise the first provider failure."""
    project = project_setting(program_dir, "name") or program_dir.name
    main = program_dir / (project_setting(program_dir, "main") or ".")
    full_config = {key if ":" in key else f"{project}:{key}": value for key, value in (config or {}).items()}
    mocks = _Mocks(project, full_config, other_resources)
    run = ProgramRun(project)

    def program() -> None:
        settings.ROOT.set(None)
        pulumi.runtime.set_all_config(full_config)
        pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
        root = settings.get_root_resource()
        _sync_await(run_pulumi_func(lambda: runpy.run_path(str(main), run_name="__main__")))
        run.outputs = dict(_sync_await(pulumi.Output.from_input(getattr(root, "outputs", {})).future()) or {})

    contextvars.copy_context().run(program)
    if mocks.errors:
        raise mocks.errors[0]
    run.created = mocks.created
    return run


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, project: str, config: dict[str, str], other_resources: OtherResources) -> None:
        self.project, self.config, self.other_resources = project, config, other_resources
        self.created: list[Created] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        try:
            id_, outputs = self._create(args) if args.typ.startswith(DYNAMIC_TYPE_PREFIX) else self.other_resources(args)
        except BaseException as exc:
            with self._lock:
                self.errors.append(exc)
            raise
        with self._lock:
            self.created.append(Created(args.typ, args.name, id_, dict(args.inputs), dict(outputs)))
        return id_, outputs

    def _create(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        news = dict(args.inputs)
        provider = dill.loads(base64.b64decode(news[PROVIDER_KEY]))
        provider.configure(ConfigureRequest(DynamicConfig(self.config, self.project)))
        checked = provider.check({}, news)
        if checked.failures:
            reasons = "; ".join(f"{failure.property}: {failure.reason}" for failure in checked.failures)
            raise ValueError(f"{args.name}: invalid inputs: {reasons}")
        created = provider.create({**dict(checked.inputs), PROVIDER_KEY: news[PROVIDER_KEY]})
        return str(created.id), dict(created.outs or {})
