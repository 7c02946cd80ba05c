"""What the resources of one AWS service share, declared once per service as data.

How the service names resources, tags them, says that a name is taken, and says "not found": the
last per operation, by error code, as terraform-provider-aws's find functions do (the service model
lists each operation's errors; a test checks every entry against it). A message that merely
mentions "not found" is never taken for it. Where an operation models no not-found error and the
service answers with its generic ValidationException instead (SageMaker's "Could not find model ...",
matched the same way by terraform-provider-aws), the rule names the code and how the message starts.
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
class NotFound:
    """How one operation says that a resource it names does not exist.

    code:             the error code
    message_prefixes: for a code that also means other things (a ValidationException), how the message of the
                      not-found answer starts; the code alone is then never enough
    """

    code: str
    message_prefixes: tuple[str, ...] = ()

    def matches(self, exc: ClientError) -> bool:
        if error_code(exc) != self.code:
            return False
        message = str(exc.response.get("Error", {}).get("Message", ""))
        return not self.message_prefixes or message.startswith(self.message_prefixes)


@dataclass(frozen=True)
class Service:
    """One AWS service as the resource providers see it.

    name:               the boto3 service name
    tags:               its tagging operations
    not_found:          {operation: the error code (or NotFound rule) with which it answers for a resource it names
                        that does not exist; for a Create operation, a resource the request refers to}
    name_taken:         the error codes with which a Create operation answers for a name in use
    acts_on_taken_name: the operations that make a resource but do not refuse a name in use (a Put replaces what
                        is there, an import into an existing model adds a version to it): the name is looked up
                        before calling them, where a Create is looked up only once it answers that the name is taken
    waiters:            its waiters (botocore's format), by name
    name_invalid_chars: what a generated name may not contain
    propagation_seconds: how long a change may take to be seen everywhere: a new resource answering describe,
                        its tags listed, a resource created just before being found by a Create that names it;
                        0 for a service that is consistent at once
    """

    name: str
    tags: TagApi
    not_found: Mapping[str, str | NotFound]
    name_taken: frozenset[str]
    waiters: Mapping[str, Waiter]
    acts_on_taken_name: frozenset[str] = frozenset()
    name_invalid_chars: str = r"[^0-9A-Za-z_-]"
    propagation_seconds: float = 0.0

    def not_found_rule(self, operation: str) -> NotFound | None:
        rule = self.not_found.get(operation)
        return NotFound(rule) if isinstance(rule, str) else rule

    def is_not_found(self, operation: str, exc: ClientError) -> bool:
        """Whether `exc`, raised by `operation`, says the resource (for a Create: one it refers to) does not exist."""
        rule = self.not_found_rule(operation)
        return rule is not None and rule.matches(exc)

    def is_name_taken(self, exc: ClientError) -> bool:
        return error_code(exc) in self.name_taken
