"""A real provider host started as the Pulumi CLI would, and resources driven through it the way the engine drives
them, state carried between calls."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider

from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.protocol.provider_host import LogRecord, ProviderHost
from tests.servers import provider_env


def start_host(emulator_server: EmulatorServer, cwd: Path, logs: list[LogRecord]) -> ProviderHost:
    """A provider host as the Pulumi CLI would start it, pointed at the emulator and its clock."""
    env = {**os.environ, **provider_env(emulator_server), "PULUMI_PROJECT": "proj"}
    return ProviderHost(env=env, cwd=cwd, config={"aws:region": "us-east-1"}, log=logs.append, timeout=120)


def urn(type_name: str, name: str) -> str:
    """The URN the engine gives a resource of this package (`module:Type`, e.g. `sagemaker:InferenceExperiment`)."""
    module, _, kind = type_name.rpartition(":")
    return f"urn:pulumi:dev::proj::pulumi-python:dynamic/{module or 'lookoutequipment'}:{kind}::{name}"


class Resource:
    """One resource's state as the engine keeps it: inputs and outputs between calls."""

    def __init__(self, host: ProviderHost, type_name: str, name: str, provider: Any) -> None:
        self.host, self.urn = host, urn(type_name, name)
        self.serialized = serialize_provider(provider)
        self.seed = f"proj/dev/{name}"
        self.id = ""
        self.inputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}

    def news(self, **inputs: Any) -> dict[str, Any]:
        return {"__provider": self.serialized, NAME_SEED_KEY: self.seed, **inputs}

    def check(self, **inputs: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return self.host.check(self.urn, self.inputs, self.news(**inputs))

    def create(self, **inputs: Any) -> dict[str, Any]:
        checked, failures = self.check(**inputs)
        assert failures == []
        self.id, self.outputs = self.host.create(self.urn, checked)
        self.inputs = checked
        return self.outputs

    def diff(self, **inputs: Any) -> Any:
        checked, failures = self.check(**inputs)
        assert failures == []
        return checked, self.host.diff(self.urn, self.id, self.outputs, self.inputs, checked, [])

    def update(self, **inputs: Any) -> Any:
        checked, diff = self.diff(**inputs)
        if diff.changes == diff.DIFF_SOME:
            self.outputs = self.host.update(self.urn, self.id, self.outputs, self.inputs, checked, [])
            self.inputs = checked
        return diff

    def refresh(self) -> None:
        self.id, self.outputs, inputs = self.host.read(self.urn, self.id, self.outputs, self.inputs)
        if inputs is not None:
            self.inputs = inputs

    def delete(self) -> None:
        self.host.delete(self.urn, self.id, self.outputs, self.inputs)


def logged(logs: list[LogRecord], fragment: str, within: float = 120.0) -> bool:
    """Whether the provider host printed `fragment`: its stderr reaches the log through a reader thread (at once,
    but a loaded machine may take its time; the wait ends as soon as it is there)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if any(fragment in record.message for record in logs if record.source == "provider"):
            return True
        time.sleep(0.05)
    return False
