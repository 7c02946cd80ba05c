"""A provider driven in this process the way the Pulumi engine drives it: check, then create; check, diff, update."""

from __future__ import annotations

from typing import Any


def checked(provider: Any, news: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, Any]:
    result = provider.check(olds or {}, news)
    assert result.failures == [], [f.reason for f in result.failures]
    return dict(result.inputs)


def create(provider: Any, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """check then create, as the engine does; returns (id, outputs)."""
    result = provider.create(checked(provider, news))
    return result.id, dict(result.outs)


def update(provider: Any, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """check, diff and (when there are changes) update, as the engine does; returns (diff, outputs)."""
    inputs = checked(provider, news, olds)
    diff = provider.diff(id_, olds, inputs)
    if not diff.changes or diff.replaces:
        return diff, olds
    return diff, dict(provider.update(id_, olds, inputs).outs)
