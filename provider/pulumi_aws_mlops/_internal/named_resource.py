"""A provider of one AWS resource known by its name: describe it, prove it is ours, tag its ARN, report it.

What the Lookout for Equipment and SageMaker providers share. A resource is found with one describe call
by name (a missing one is None, not an error); what this stack resource created carries the owner tag
(`naming.OWNER_TAG_KEY`), so an interrupted create is adopted only when the tag says it is ours; user tags
are kept in sync on the ARN without ever touching the owner tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from botocore import xform_name
from botocore.exceptions import ClientError
from pydantic.alias_generators import to_pascal

from .aws_values import is_not_found, owner_of, tag_list, user_tags
from .errors import MlopsError, OwnershipError
from .naming import NAME_SEED_KEY, owner_token
from .provider import BaseProvider


@dataclass(frozen=True)
class TagApi:
    """A service's tagging operations: each takes `ResourceArn`; adding takes `Tags`, removing `TagKeys`."""

    list_operation: str
    add_operation: str
    remove_operation: str


class NamedResourceProvider(BaseProvider):
    describe_operation: ClassVar[str]
    arn_key: ClassVar[str]
    tag_api: ClassVar[TagApi]

    @property
    def name_key(self) -> str:
        """The request (and describe) member holding the name: the name input in PascalCase."""
        return to_pascal(self.name_field)

    def find(self, name: str) -> dict[str, Any] | None:
        """One describe call; a missing resource is None, not an error."""
        try:
            response: dict[str, Any] = self._call(self.describe_operation, **{self.name_key: name})
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        return response

    def owner(self, props: Mapping[str, Any]) -> str | None:
        """The owner tag's value for this stack resource (None outside a Resource class, which sets the seed)."""
        seed = props.get(NAME_SEED_KEY)
        return owner_token(seed) if isinstance(seed, str) and seed else None

    def ensure_owned(self, found: Mapping[str, Any], props: Mapping[str, Any]) -> None:
        """Raise OwnershipError unless `found` carries this stack resource's owner tag."""
        owner = self.owner(props)
        if owner is None or owner_of(self.tags_of(found[self.arn_key])) != owner:
            raise OwnershipError(
                f"{self.subject(found[self.name_key])} already exists and was not created by this stack "
                f"resource; choose another name, or adopt it with `pulumi import`"
            )

    def outputs(self, name: str, props: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs after create or update: what the service reports plus the inputs it does not store."""
        observed = self.observe(name, props)
        if observed is None:
            raise MlopsError(f"{self.subject(name)} disappeared while it was being created or updated")
        return {**observed, **self.carried_inputs(props)}

    # -- tags on the ARN ------------------------------------------------------------------------------
    def tags_of(self, arn: str) -> list[Mapping[str, str]]:
        operation = xform_name(self.tag_api.list_operation)
        if self.client().can_paginate(operation):
            pages = self.client().get_paginator(operation).paginate(ResourceArn=arn)
            return [tag for page in pages for tag in page.get("Tags", [])]
        tags: list[Mapping[str, str]] = self._call(self.tag_api.list_operation, ResourceArn=arn).get("Tags", [])
        return tags

    def observed_tags(self, arn: str) -> dict[str, str] | None:
        """The user tags (the owner tag left out), None when there are none."""
        return user_tags(self.tags_of(arn)) or None

    def sync_tags(self, arn: str, wanted: Mapping[str, str] | None) -> None:
        """Make the resource's user tags `wanted`; the owner tag is never touched."""
        current = user_tags(self.tags_of(arn))
        wanted = dict(wanted or {})
        removed = sorted(set(current) - set(wanted))
        if removed:
            self._call(self.tag_api.remove_operation, ResourceArn=arn, TagKeys=removed)
        changed = {key: value for key, value in wanted.items() if current.get(key) != value}
        if changed:
            self._call(self.tag_api.add_operation, ResourceArn=arn, Tags=tag_list(changed))

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        response: dict[str, Any] = getattr(self.client(), xform_name(operation))(**params)
        return response
