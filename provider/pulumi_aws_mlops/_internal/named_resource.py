"""A provider of one AWS resource known by its name: find it, create or adopt it, wait for it, tag it, report it.

What every resource provider shares on the AWS side. A resource is found with one describe call by
name (a missing one is None, not an error: "not found" is what the service says it is for that
operation, see `service.Service`); what this stack resource created carries the owner tag
(`naming.OWNER_TAG_KEY`), so an interrupted create is adopted only when the tag says it is ours; user
tags are kept in sync on the ARN without ever touching the owner tag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Literal, NamedTuple

from botocore import xform_name
from botocore.exceptions import ClientError
from pydantic import BaseModel
from pydantic.alias_generators import to_pascal

from .aws_values import owner_of, tag_list, user_tags
from .errors import MlopsError, OwnershipError
from .fields import aws_request
from .naming import NAME_SEED_KEY, owner_token
from .provider import BaseProvider
from .reporting import progress
from .timeouts import Deadline
from .waiting import WaitResult, wait


class Created(NamedTuple):
    """What `create_or_adopt` found after the Create call: the description, and whether it was adopted."""

    description: dict[str, Any]
    adopted: bool


class NamedResourceProvider(BaseProvider):
    create_operation: ClassVar[str]
    describe_operation: ClassVar[str]
    arn_key: ClassVar[str]

    @property
    def name_key(self) -> str:
        """The request (and describe) member holding the name: the name input in PascalCase."""
        return to_pascal(self.name_field)

    # -- calls ----------------------------------------------------------------------------------------
    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        response: dict[str, Any] = getattr(self.client(), xform_name(operation))(**params)
        return response

    def call_unless_gone(self, operation: str, **params: Any) -> dict[str, Any] | None:
        """Call `operation`; None when it answers that the resource does not exist (as the service says it)."""
        try:
            return self.call(operation, **params)
        except ClientError as exc:
            if self.service.is_not_found(operation, exc):
                return None
            raise

    def find(self, name: str) -> dict[str, Any] | None:
        """One describe call; a missing resource is None, not an error."""
        return self.call_unless_gone(self.describe_operation, **{self.name_key: name})

    def request(
        self, args: BaseModel, operation: Literal["create", "update"], only: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """The members of the Create or Update request the inputs declare (those of `only`, when given)."""
        members = self.fields.create_members if operation == "create" else self.fields.update_members
        return aws_request(args, members, only)

    # -- create, adopting what an interrupted run left ----------------------------------------------
    def create_or_adopt(self, request: Mapping[str, Any], props: Mapping[str, Any]) -> Created:
        """Call the Create operation, tagged as this stack resource's; adopt what an interrupted run of it created.

        The service says whether to look first (no idempotency token: SageMaker) or only when the name
        turns out taken (Lookout for Equipment). Either way, a resource of that name is adopted only when
        `may_adopt` allows it; anything else under the name is an OwnershipError, never adopted.
        """
        name = request[self.name_key]
        if self.service.find_before_create:
            found = self.find(name)
            if found is not None:
                return self.adopt(found, props)
        tags = tag_list(props.get("tags"), self.owner(props))
        try:
            self.call(self.create_operation, **request, **({"Tags": tags} if tags else {}))
        except ClientError as exc:
            # The name is taken: by an interrupted run of this stack resource, or by something else.
            if not self.service.is_name_taken(exc) or (found := self.find(name)) is None:
                raise
            return self.adopt(found, props)
        found = self.find(name)
        if found is None:
            raise MlopsError(f"{self.subject(name)} vanished right after it was created")
        return Created(found, adopted=False)

    def adopt(self, found: dict[str, Any], props: Mapping[str, Any]) -> Created:
        self.may_adopt(found, props)
        progress(f"{self.subject(found[self.name_key])}: found it from an interrupted run of this stack; resuming")
        return Created(found, adopted=True)

    def may_adopt(self, found: Mapping[str, Any], props: Mapping[str, Any]) -> None:
        """Raise OwnershipError unless this stack resource may take over `found`: today, only what it created
        itself, which carries its owner tag. (The home of a future input that adopts an existing resource by
        name, which `pulumi import` cannot do for a dynamic provider.)"""
        owner = self.owner(props)
        if owner is None or owner_of(self.tags_of(found[self.arn_key])) != owner:
            raise OwnershipError(
                f"{self.subject(found[self.name_key])} already exists and was not created by this stack "
                f"resource; choose another name, or adopt it with `pulumi import`"
            )

    def owner(self, props: Mapping[str, Any]) -> str | None:
        """The owner tag's value for this stack resource (None outside a Resource class, which sets the seed)."""
        seed = props.get(NAME_SEED_KEY)
        return owner_token(seed) if isinstance(seed, str) and seed else None

    # -- waits ----------------------------------------------------------------------------------------
    def wait_for(
        self,
        waiter: str,
        name: str,
        deadline: Deadline,
        *,
        params: Mapping[str, Any] | None = None,
        percent: Callable[[Mapping[str, Any]], float | None] | None = None,
    ) -> WaitResult:
        """Wait with one of the service's waiters until it succeeds, fails, or `deadline` passes.

        The waiter describes `name` unless `params` say what else (an ingestion job of the dataset `name`);
        `percent` reports progress the describe lacks.
        """
        chosen = self.service.waiters[waiter]
        if percent is not None:
            chosen = dataclasses.replace(chosen, percent=percent)
        params = {self.name_key: name} if params is None else params
        return wait(self.client(), chosen, params, deadline=deadline, subject=self.subject(name))

    # -- outputs --------------------------------------------------------------------------------------
    def outputs(self, name: str, props: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs after create or update: what the service reports plus the inputs it does not store."""
        observed = self.observe(name, props)
        if observed is None:
            raise MlopsError(f"{self.subject(name)} disappeared while it was being created or updated")
        return {**observed, **self.carried_inputs(props)}

    def require(self, name: str) -> dict[str, Any]:
        found = self.find(name)
        if found is None:
            raise MlopsError(f"{self.subject(name)} does not exist (deleted outside Pulumi?); run `pulumi refresh`")
        return found

    # -- tags on the ARN ------------------------------------------------------------------------------
    def tags_of(self, arn: str) -> list[Mapping[str, str]]:
        api = self.service.tags
        operation = xform_name(api.list_operation)
        if self.client().can_paginate(operation):
            pages = self.client().get_paginator(operation).paginate(ResourceArn=arn)
            return [tag for page in pages for tag in page.get("Tags", [])]
        tags: list[Mapping[str, str]] = self.call(api.list_operation, ResourceArn=arn).get("Tags", [])
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
            self.call(self.service.tags.remove_operation, ResourceArn=arn, TagKeys=removed)
        changed = {key: value for key, value in wanted.items() if current.get(key) != value}
        if changed:
            self.call(self.service.tags.add_operation, ResourceArn=arn, Tags=tag_list(changed))
