"""ClientToken idempotency: a repeated request returns what the first one made, and makes nothing new.

`@idempotent(exists)` wraps a backend method whose request carries a `client_token`. A retry with
the same token and the same request returns what the first call made, as long as that still exists
(`exists(backend, made)`); the same token with a different request is a ConflictException; a token
whose resource was deleted since makes a new one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from .exceptions import ConflictException

F = TypeVar("F", bound=Callable[..., Any])


class ClientTokens:
    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[str, Callable[[], Any]]] = {}

    def replay(self, operation: str, token: str | None, fingerprint: str) -> Any:
        """What the request with this token made (when it still exists), else None."""
        entry = self._seen.get((operation, token or ""))
        if entry is None:
            return None
        seen_fingerprint, find = entry
        made = find()
        if made is None:
            return None
        if seen_fingerprint != fingerprint:
            raise ConflictException(f"The ClientToken was already used for a different {operation} request")
        return made

    def remember(self, operation: str, token: str | None, fingerprint: str, find: Callable[[], Any]) -> None:
        if token:
            self._seen[(operation, token)] = (fingerprint, find)


def fingerprint(arguments: dict[str, Any]) -> str:
    """The request without its token, in a form that compares equal exactly when the requests do."""
    return json.dumps({k: v for k, v in arguments.items() if k != "client_token"}, sort_keys=True, default=str)


def idempotent(exists: Callable[[Any, Any], bool]) -> Callable[[F], F]:
    """Make a backend method (keyword arguments only, one of them `client_token`) idempotent per token.

    The backend keeps the tokens it has seen in `self.client_tokens`.
    """

    def decorate(method: F) -> F:
        operation = "".join(part.capitalize() for part in method.__name__.split("_"))

        @functools.wraps(method)
        def wrapper(backend: Any, **arguments: Any) -> Any:
            token, seen = arguments.get("client_token"), fingerprint(arguments)
            tokens: ClientTokens = backend.client_tokens
            replayed = tokens.replay(operation, token, seen)
            if replayed is not None:
                return replayed
            made = method(backend, **arguments)
            tokens.remember(operation, token, seen, lambda: made if exists(backend, made) else None)
            return made

        return wrapper  # type: ignore[return-value]

    return decorate
