"""What the resources of one AWS service share, declared once per service as data.

How the service names resources, tags them, says that a name is taken, and says "not found": the
last per operation, by error code, as terraform-provider-aws's find functions do (the service model
lists each operation's errors; a test checks every entry against it). A message that merely
mentions "not found" is never taken for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from botocore.exceptions import ClientError

from .aws_values import error_code
from .waiting import Waiter


@dataclass(frozen=True)
class TagApi:
    """A service's tagging operations: each takes `ResourceArn`; adding takes `Tags`, removing `TagKeys`."""

    list_operation: str
    add_operation: str
    remove_operation: str


@dataclass(frozen=True)
class Service:
    """One AWS service as the resource providers see it.

    name:               the boto3 service name
    tags:               its tagging operations
    not_found:          {operation: the error code with which it answers for a resource that does not exist}
    name_taken:         the error codes with which a Create operation answers for a name in use
    waiters:            its waiters (botocore's format), by name
    find_before_create: describe the name before creating, because the service takes no idempotency token
                        for these resources (SageMaker); otherwise create first and look only on a conflict
    name_invalid_chars: what a generated name may not contain
    """

    name: str
    tags: TagApi
    not_found: Mapping[str, str]
    name_taken: frozenset[str]
    waiters: Mapping[str, Waiter]
    find_before_create: bool = False
    name_invalid_chars: str = r"[^0-9A-Za-z_-]"

    def is_not_found(self, operation: str, exc: ClientError) -> bool:
        """Whether `exc`, raised by `operation`, says the resource does not exist."""
        code = self.not_found.get(operation)
        return code is not None and error_code(exc) == code

    def is_name_taken(self, exc: ClientError) -> bool:
        return error_code(exc) in self.name_taken
