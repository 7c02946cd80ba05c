"""Result and error types of the harness."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LogRecord:
    """One diagnostic line, as the Pulumi CLI would print it.

    ``source`` is ``"program"`` (``pulumi.log`` calls over Engine.Log, or the program's stdout/stderr),
    ``"provider"`` (stdout/stderr of the dynamic provider host) or ``"engine"`` (the harness itself).
    ``severity`` is ``debug``/``info``/``warning``/``error`` for Engine.Log and harness messages, and
    ``info`` (stdout) / ``infoerr`` (stderr) for process output, like the engine's diagnostics.
    """

    severity: str
    message: str
    source: str
    urn: str = ""


@dataclass
class UpResult:
    """What one operation did: stack outputs (plain values), steps in execution order, diagnostics."""

    outputs: dict[str, Any] = field(default_factory=dict)
    steps: list[tuple[str, str]] = field(default_factory=list)
    logs: list[LogRecord] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        """Count of steps per operation, like the CLI's "Resources:" summary."""
        return dict(Counter(op for op, _ in self.steps))

    def ops(self, urn_or_name: str) -> list[str]:
        """The operations applied to one resource, given its URN or its name."""
        return [op for op, urn in self.steps if urn == urn_or_name or urn.endswith("::" + urn_or_name)]

    def messages(self, source: str | None = None, severity: str | None = None) -> list[str]:
        """Log messages, optionally filtered by source and severity."""
        return [
            r.message
            for r in self.logs
            if (source is None or r.source == source) and (severity is None or r.severity == severity)
        ]


class HarnessError(Exception):
    """An operation failed: a provider call, a check failure, the program, a protected delete, a timeout.

    ``str(err)`` carries the provider's (or program's) error text; ``err.result`` holds the steps that
    completed and the diagnostics collected before the failure.
    """

    def __init__(self, message: str, result: UpResult | None = None) -> None:
        super().__init__(message)
        self.result = result if result is not None else UpResult()
