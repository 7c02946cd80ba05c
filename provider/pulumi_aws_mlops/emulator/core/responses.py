"""The base of each service's thin responses class: a method per operation, named as boto3 names it.

A method reads the request's keyword arguments (`self.arguments`), calls the backend method of the
same name and shapes what it returns into the operation's output; it returns nothing when the output
is empty. The engine has already validated the request against the service model.
"""

from __future__ import annotations

from typing import Any


class BaseResponse:
    def __init__(self, backend: Any, arguments: dict[str, Any]) -> None:
        self.backend = backend
        self.arguments = arguments
