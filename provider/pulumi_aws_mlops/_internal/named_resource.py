"""A provider of one AWS resource known by its name: find it, create or adopt it, wait for it, tag it, report it.

What every resource provider shares on the AWS side. A resource is found with one describe call by
name (a missing one is None, not an error: "not found" is what the service says it is for that
operation, see `service.Service`); what this stack resource created carries the owner tag
(`naming.OWNER_TAG_KEY`), so an interrupted create is adopted only when the tag says it is ours; user
tags are kept in sync on the ARN without ever touching the owner tag.

A service that is eventually consistent (`Service.propagation_seconds`) gets that long for what a create
changes to be seen: a Create that answers "not found" for a resource it names (made just before, e.g. by
another provider in the same `pulumi up`) is tried again, the new resource is described until it answers,
and its tags are listed until the owner tag shows, so the outputs hold the tags it was created with.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any, ClassVar, Literal, NamedTuple

from botocore import xform_name
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult
from pydantic import BaseModel
from pydantic.alias_generators import to_pascal

from .aws_values import owner_of, tag_list, user_tags
from .errors import MlopsError, OwnershipError
from .fields import aws_request
from .naming import NAME_SEED_KEY, OWNER_TAG_KEY, owner_token
from .provider import BaseProvider
from .reporting import progress
from .timeouts import Deadline, format_duration
from .waiting import WaitResult, poll_until, wait


class Created(NamedTuple):
    """What `create_or_adopt` ended with: the description, and whether it was there before this call.

    adopted:   an earlier, interrupted run of this stack resource created it (it carries our owner tag)
    took_over: it existed outside the stack and `adopt_existing` made it this stack resource's
    """

    description: dict[str, Any]
    adopted: bool
    took_over: bool = False


_pascal = cache(to_pascal)

# What was learnt a moment ago and stands in for a call (see `known`), per thread: the provider host serves many
# resources at once with one provider object.
_known = threading.local()
_UNSET: Any = object()


class NamedResourceProvider(BaseProvider):
    create_operation: ClassVar[str]
    describe_operation: ClassVar[str]
    arn_key: ClassVar[str]
    # Whether the resource has tags of its own (the owner tag among them); one without is adopted by what it is
    # (the provider's `adopt`), since no tag can say who made it.
    tagged: ClassVar[bool] = True

    @property
    def name_key(self) -> str:
        """The request (and describe) member holding the name: the name input in PascalCase."""
        return _pascal(self.name_field)

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
        """One describe call; a missing resource is None, not an error. Within `known`, the description it was given
        instead, once."""
        known: dict[str, dict[str, Any]] = getattr(_known, "descriptions", {})
        if name in known:
            return known.pop(name)
        return self.call_unless_gone(self.describe_operation, **{self.name_key: name})

    @contextmanager
    def known(self, name: str, description: Mapping[str, Any] | None = None, tags: Any = _UNSET) -> Iterator[None]:
        """Within the block, what was learnt a moment ago, with nothing changed since, answers in place of a call:
        the first `find(name)` answers `description` (e.g. the poll that ended a wait), and the first `observed_tags`
        answers `tags` (the user tags the resource was just created with, or just given)."""
        saved = getattr(_known, "descriptions", None), getattr(_known, "tags", _UNSET)
        _known.descriptions = {name: dict(description)} if description is not None else {}
        _known.tags = dict(tags) if isinstance(tags, Mapping) else tags
        try:
            yield
        finally:
            _known.descriptions = saved[0] if saved[0] is not None else {}
            _known.tags = saved[1]

    def request(
        self, args: BaseModel, operation: Literal["create", "update"], only: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """The members of the Create or Update request the inputs declare (those of `only`, when given)."""
        members = self.fields.create_members if operation == "create" else self.fields.update_members
        return aws_request(args, members, only)

    # -- create, adopting what an interrupted run left ----------------------------------------------
    def create_or_adopt(self, request: Mapping[str, Any], props: Mapping[str, Any],
                        operation: str | None = None) -> Created:
        """Call the Create operation tagged as this stack resource's; when it answers that the name is taken, look.

        What is there already is adopted when an interrupted run of this stack resource made it (its owner tag
        says so: the wait resumes and nothing is created twice), or taken over when `adopt_existing` asks for it
        (see `take_over`); anything else under the name is an OwnershipError. An operation that does not refuse
        a name in use (`Service.acts_on_taken_name`: a Put, an import into an existing model) is preceded by the
        look instead. `operation` makes it another way than the Create operation (an import).
        """
        name = request[self.name_key]
        operation = operation or self.create_operation
        if operation in self.service.acts_on_taken_name and (found := self.find(name)) is not None:
            return self.adopt(found, props)
        tags = tag_list(props.get("tags"), self.owner(props)) if self.tagged else []
        try:
            self.create_once_its_references_are_seen(name, {**request, **({"Tags": tags} if tags else {})}, operation)
        except ClientError as exc:
            if not self.service.is_name_taken(exc) or (found := self.seen(name, self.find)) is None:
                raise
            return self.adopt(found, props)
        found = self.seen(name, self.find)
        if found is None:
            raise MlopsError(f"{self.subject(name)} vanished right after it was created")
        arn, owner = found[self.arn_key], self.owner(props)
        if (owner is not None and self.tagged and self.service.propagation_seconds
                and self.seen(arn, self.owner_tag_of) is None):
            progress(f"{self.subject(name)}: its tags are not listed yet; the outputs show them after `pulumi refresh`")
        return Created(found, adopted=False)

    def create_once_its_references_are_seen(self, name: str, request: Mapping[str, Any], operation: str) -> None:
        """The Create call, made again while it answers that a resource it names does not exist, for as long as
        the service may take to show a resource created just before (`Service.propagation_seconds`)."""
        refused: list[ClientError] = []

        def attempt() -> bool | None:
            try:
                self.call(operation, **request)
            except ClientError as exc:
                if not self.service.is_not_found(operation, exc):
                    raise
                if not refused:
                    progress(f"{self.subject(name)}: {exc.response['Error'].get('Message')} Waiting for it to "
                             f"appear (a resource created just before takes a while to be seen)")
                refused.append(exc)
                return None
            return True

        if poll_until(attempt, within=self.service.propagation_seconds) is None:
            window = format_duration(self.service.propagation_seconds)
            raise MlopsError(f"{self.subject(name)} was not created: {refused[-1].response['Error'].get('Message')} "
                             f"(still after {window}). Check the name, and that it is in this account and region"
                             ) from refused[-1]

    def seen(self, name: str, probe: Callable[[str], Any]) -> Any:
        """`probe(name)` until it answers (not None) within `Service.propagation_seconds`; None if it never did."""
        return poll_until(lambda: probe(name), within=self.service.propagation_seconds)

    def adopt(self, found: dict[str, Any], props: Mapping[str, Any]) -> Created:
        name = found[self.name_key]
        owner = self.owner_tag_of(found[self.arn_key])
        if owner is not None and owner == self.owner(props):
            progress(f"{self.subject(name)}: found it from an interrupted run of this stack; resuming")
            return Created(found, adopted=True)
        if props.get("adopt_existing") and owner is None:
            return self.take_over(found, props)
        if owner is not None:
            raise OwnershipError(f"{self.subject(name)} already exists and belongs to another stack resource "
                                 f"(its {OWNER_TAG_KEY} tag is {owner}); choose another name")
        raise OwnershipError(f"{self.subject(name)} already exists and was not created by this stack resource; "
                             f"choose another name, or set `adopt_existing=True` to manage it from this stack")

    def take_over(self, found: dict[str, Any], props: Mapping[str, Any]) -> Created:
        """Make an existing resource this stack resource's, as `pulumi import` would (which a dynamic provider
        cannot serve: pulumi/pulumi#16175): only when what it was created with matches every input that would
        force a replacement; it then carries the owner tag, and the create converges the rest in place."""
        name = found[self.name_key]
        observed = self.observe(name, props) or {}
        checkable = (self.fields.replace_keys & self.fields.read_back) - {self.name_field}
        declared = self.comparable(self.with_defaults({k: props[k] for k in checkable if props.get(k) is not None}))
        existing = self.comparable(self.with_defaults({k: observed[k] for k in checkable if observed.get(k) is not None}))
        differing = sorted(key for key in declared.keys() | existing.keys() if declared.get(key) != existing.get(key))
        if differing:
            raise OwnershipError(
                f"cannot adopt {self.subject(name)}: {', '.join(differing)} differ from what it was created with, "
                f"and a change of {'it' if len(differing) == 1 else 'them'} needs a new resource. Declare what it "
                f"has ({'; '.join(f'{key}={existing.get(key)!r}' for key in differing)}) or choose another name"
            )
        owner = self.owner(props)
        if owner is not None and self.tagged:
            self.call(self.service.tags.add_operation, ResourceArn=found[self.arn_key], Tags=tag_list({}, owner))
        progress(f"{self.subject(name)}: adopted the existing resource (adopt_existing); it is now managed by this "
                 f"stack")
        return Created(found, adopted=True, took_over=True)

    def created(self, name: str, props: dict[str, Any], created: Created,
                described: Mapping[str, Any] | None = None) -> CreateResult:
        """The create's result; a resource taken over is first brought to the declared inputs, as an update would.
        `described`: as for `outputs`. A resource this call created has the tags it was created with."""
        if created.took_over:
            olds = self.observe(name, props) or {}
            return CreateResult(name, self.update(name, olds, props).outs)
        return CreateResult(name, self.outputs(name, props, described, tags_known=not created.adopted))

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
        first: Mapping[str, Any] | None = None,
    ) -> WaitResult:
        """Wait with one of the service's waiters until it succeeds, fails, or `deadline` passes.

        The waiter describes `name` unless `params` say what else (an ingestion job of the dataset `name`);
        `percent` reports progress the describe lacks; `first` is the waiter's call answered a moment ago, with
        nothing changed since (it saves the first poll).
        """
        chosen = self.service.waiters[waiter]
        if percent is not None:
            chosen = dataclasses.replace(chosen, percent=percent)
        params = {self.name_key: name} if params is None else params
        return wait(self.client(), chosen, params, deadline=deadline, subject=self.subject(name), first=first)

    # -- outputs --------------------------------------------------------------------------------------
    def outputs(self, name: str, props: Mapping[str, Any], described: Mapping[str, Any] | None = None, *,
                tags_known: bool = False) -> dict[str, Any]:
        """Outputs after create or update: what the service reports plus the inputs it does not store. `described`:
        the describe response that ended the last wait, when nothing changed since; it saves describing again.
        `tags_known`: the resource's user tags are `props["tags"]` (it was just created with them, or they were just
        set, or left as they were set): they are not listed again."""
        with self.known(name, described, (props.get("tags") or {}) if tags_known else _UNSET):
            observed = self.observe(name, props)
        if observed is None:
            raise MlopsError(f"{self.subject(name)} disappeared while it was being created or updated")
        return self.stored_outputs({**observed, **self.carried_inputs(props)})

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

    def owner_tag_of(self, arn: str) -> str | None:
        return owner_of(self.tags_of(arn))

    def observed_tags(self, arn: str) -> dict[str, str] | None:
        """The user tags (the owner tag left out), None when there are none (within `known`, the tags it was given)."""
        known = getattr(_known, "tags", _UNSET)
        if known is not _UNSET:
            _known.tags = _UNSET
            return dict(known) or None
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
