"""Service quotas: each service's defaults, and the ones an account raised (as AWS raises them on request).

The mapping holds the raised quotas only (that is what the server's control API and `--quota` set and
show); `limit(name)` falls back to the service's default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


class Quotas(dict[str, int]):
    def __init__(self, raised: Mapping[str, int] | None = None, *,
                 defaults: Callable[[], Mapping[str, int]] = dict) -> None:
        super().__init__(raised or {})
        # Asked on first use: the services that declare the defaults are imported only when needed.
        self._defaults = defaults

    def limit(self, name: str) -> int:
        if name in self:
            return self[name]
        defaults = self._defaults()
        if name not in defaults:
            raise KeyError(f"unknown quota {name!r}; known: {sorted(defaults)}")
        return defaults[name]
