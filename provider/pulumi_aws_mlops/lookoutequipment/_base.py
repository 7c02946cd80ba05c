"""What the three Lookout for Equipment providers share: adopt-or-create by ClientToken and owner tag, waits.

Finding by name, the owner tag, tags on the ARN and outputs are `_internal.named_resource`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from .._internal.aws_values import error_code, tag_list
from .._internal.errors import OwnershipError
from .._internal.named_resource import NamedResourceProvider, TagApi
from .._internal.reporting import progress
from .._internal.waiting import WaitResult, wait
from .shapes import SERVICE
from .waiters import WAITERS


class LookoutEquipmentProvider(NamedResourceProvider):
    service = SERVICE
    tag_api = TagApi("ListTagsForResource", "TagResource", "UntagResource")

    def create_or_adopt(
        self, operation: str, request: dict[str, Any], props: Mapping[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """Call Create*, tagged with this stack resource's owner token; adopt what an interrupted run created.

        Returns the description and whether it was adopted. A name already taken by something this
        stack resource did not create is an error, never adopted.
        """
        name = request[self.name_key]
        request = {**request, "Tags": tag_list(props.get("tags"), self.owner(props))}
        if not request["Tags"]:
            request.pop("Tags")
        try:
            self._call(operation, **request)
        except ClientError as exc:
            if error_code(exc) != "ConflictException":
                raise
            found = self.find(name)
            if found is None:
                raise
            self.ensure_owned(found, props)
            progress(f"{self.subject(name)}: found it from an interrupted run of this stack; resuming")
            return found, True
        found = self.find(name)
        if found is None:
            raise OwnershipError(f"{self.subject(name)} vanished right after it was created")
        return found, False

    def wait_for(self, waiter: str, params: Mapping[str, Any], *, name: str, timeout: float) -> WaitResult:
        return wait(self.client(), WAITERS[waiter], params, timeout=timeout, subject=self.subject(name))
