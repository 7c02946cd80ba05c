"""What the two SageMaker providers share: describe-first adoption by owner tag, deadlines, waits.

SageMaker takes no ClientToken for inference experiments or recommendations jobs, so a create that
was interrupted is recognised by the owner tag this stack resource puts on what it creates: the
next run describes the name first and adopts what it finds only when the tag matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from botocore.exceptions import ClientError

from .._internal.aws_values import error_code, tag_list
from .._internal.errors import MlopsError
from .._internal.named_resource import NamedResourceProvider, TagApi
from .._internal.reporting import progress
from .._internal.waiting import WaitResult, wait
from .shapes import SERVICE
from .waiters import WAITERS

# What SageMaker answers when a name is taken.
NAME_TAKEN_CODES = frozenset({"ResourceInUse", "ConflictException"})


class SageMakerProvider(NamedResourceProvider):
    service = SERVICE
    # SageMaker names: letters, digits and hyphens, starting and ending with a letter or digit.
    name_invalid_chars = r"[^0-9A-Za-z-]"
    tag_api = TagApi("ListTags", "AddTags", "DeleteTags")
    create_operation: ClassVar[str]

    def create_or_adopt(self, request: dict[str, Any], props: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """Adopt what an interrupted run of this stack resource created, or call Create* tagged as ours.

        Returns the description and whether it was adopted. A name taken by anything else is an
        OwnershipError, never adopted.
        """
        name = request[self.name_key]
        found = self.find(name)
        if found is not None:
            self.ensure_owned(found, props)
            progress(f"{self.subject(name)}: found it from an interrupted run of this stack; resuming")
            return found, True
        tags = tag_list(props.get("tags"), self.owner(props))
        try:
            self._call(self.create_operation, **request, **({"Tags": tags} if tags else {}))
        except ClientError as exc:
            # Another run created it between the describe and the create.
            if error_code(exc) not in NAME_TAKEN_CODES or (found := self.find(name)) is None:
                raise
            self.ensure_owned(found, props)
            return found, True
        found = self.find(name)
        if found is None:
            raise MlopsError(f"{self.subject(name)} vanished right after it was created")
        return found, False

    # -- waits against one deadline ---------------------------------------------------------------
    def wait_for(
        self,
        waiter: str,
        name: str,
        *,
        deadline: float,
        percent: Callable[[Mapping[str, Any]], float | None] | None = None,
    ) -> WaitResult:
        """Wait with a waiter of waiters.py until `deadline` (from `self.deadline`); `percent` reports progress
        the describe lacks."""
        chosen = WAITERS[waiter] if percent is None else dataclasses.replace(WAITERS[waiter], percent=percent)
        return wait(self.client(), chosen, {self.name_key: name}, timeout=deadline, subject=self.subject(name))
