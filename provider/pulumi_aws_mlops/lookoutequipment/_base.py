"""What the three Lookout for Equipment providers share: find, adopt-or-create, tags, waits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from botocore import xform_name
from botocore.exceptions import ClientError

from .._internal.aws_values import error_code, is_not_found, owner_of, tag_list, user_tags
from .._internal.errors import MlopsError, OwnershipError
from .._internal.naming import NAME_SEED_KEY, owner_token
from .._internal.provider import BaseProvider
from .._internal.reporting import progress
from .._internal.waiting import WaitResult, wait
from .shapes import SERVICE
from .waiters import WAITERS


class LookoutEquipmentProvider(BaseProvider):
    service = SERVICE
    describe_operation: ClassVar[str]
    arn_key: ClassVar[str]

    def find(self, name: str) -> dict[str, Any] | None:
        """One describe call; a missing resource is None, not an error."""
        try:
            response: dict[str, Any] = getattr(self.client(), xform_name(self.describe_operation))(
                **{self.describe_name_key: name}
            )
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        return response

    @property
    def describe_name_key(self) -> str:
        return self.name_field_aws

    @property
    def name_field_aws(self) -> str:
        return "".join(part.capitalize() for part in self.name_field.split("_"))

    def create_or_adopt(
        self, operation: str, request: dict[str, Any], props: Mapping[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """Call Create*, tagged with this stack resource's owner token; adopt what an interrupted run created.

        Returns the description and whether it was adopted. A name already taken by something this
        stack resource did not create is an error, never adopted.
        """
        name = request[self.name_field_aws]
        seed = props.get(NAME_SEED_KEY)
        owner = owner_token(seed) if seed else None
        request = {**request, "Tags": tag_list(props.get("tags"), owner)}
        if not request["Tags"]:
            request.pop("Tags")
        try:
            getattr(self.client(), xform_name(operation))(**request)
        except ClientError as exc:
            if error_code(exc) != "ConflictException":
                raise
            found = self.find(name)
            if found is None:
                raise
            if owner is None or owner_of(self.tags_of(found[self.arn_key])) != owner:
                raise OwnershipError(
                    f"{self.subject(name)} already exists and was not created by this stack resource; "
                    f"choose another name, or adopt it with `pulumi import`"
                ) from exc
            progress(f"{self.subject(name)}: found it from an interrupted run of this stack; resuming")
            return found, True
        found = self.find(name)
        if found is None:
            raise OwnershipError(f"{self.subject(name)} vanished right after it was created")
        return found, False

    def outputs(self, name: str, props: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs after create or update: what the service reports plus the inputs it does not store."""
        observed = self.observe(name, props)
        if observed is None:
            raise MlopsError(f"{self.subject(name)} disappeared while it was being created or updated")
        return {**observed, **self.carried_inputs(props)}

    def tags_of(self, arn: str) -> list[dict[str, str]]:
        tags: list[dict[str, str]] = self.client().list_tags_for_resource(ResourceArn=arn).get("Tags", [])
        return tags

    def sync_tags(self, arn: str, old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> None:
        """Make the resource's user tags `new`; the owner tag is never touched."""
        current = user_tags(self.tags_of(arn))
        wanted = dict(new or {})
        removed = sorted(set(current) - set(wanted))
        if removed:
            self.client().untag_resource(ResourceArn=arn, TagKeys=removed)
        changed = {k: v for k, v in wanted.items() if current.get(k) != v}
        if changed:
            self.client().tag_resource(ResourceArn=arn, Tags=tag_list(changed))

    def observed_tags(self, arn: str) -> dict[str, str]:
        return user_tags(self.tags_of(arn))

    def wait_for(self, waiter: str, params: Mapping[str, Any], *, name: str, timeout: float) -> WaitResult:
        return wait(self.client(), WAITERS[waiter], params, timeout=timeout, subject=self.subject(name))
