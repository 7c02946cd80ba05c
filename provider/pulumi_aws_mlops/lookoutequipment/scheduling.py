"""What the two Lookout for Equipment schedulers share: a status AWS moves (PENDING -> RUNNING when started,
STOPPING -> STOPPED when stopped) kept as the `desired_state` input says.

Inference and retraining schedulers change their settings only while STOPPED (the emulator enforces it for
both; the API reference says so of neither), so an update of a running one is stop -> wait -> update -> start ->
wait, as terraform-provider-aws updates a notebook instance. They are deleted only while STOPPED, and at once: their
statuses have no DELETING, and AWS's own samples delete a stopped scheduler without waiting.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from botocore.exceptions import ClientError

from .._internal.errors import MlopsError
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.timeouts import Deadline

DesiredState = Literal["RUNNING", "STOPPED"]
ACTIVE = frozenset({"PENDING", "RUNNING"})


class StartStopProvider(NamedResourceProvider):
    """A provider whose resource runs or stops: `converge` brings it to the desired state and waits, `delete` stops
    it if it runs and deletes it."""

    start_operation: ClassVar[str]
    stop_operation: ClassVar[str]
    delete_operation: ClassVar[str]
    running_waiter: ClassVar[str]
    stopped_waiter: ClassVar[str]

    def converge(self, name: str, desired: DesiredState, deadline: Deadline,
                 found: dict[str, Any] | None = None) -> dict[str, Any]:
        """Start or stop the resource as needed and wait until it is in the desired state; the description it ends
        with. `found`: the resource described a moment ago, if the caller has it (a wait that follows it with
        nothing changed in between takes it as its first poll)."""
        found = found or self.find(name)
        if found is None:
            raise MlopsError(f"{self.subject(name)} does not exist")
        status = found["Status"]
        if desired == "RUNNING":
            if status in ("STOPPED", "STOPPING"):
                if status == "STOPPING":
                    self.wait_for(self.stopped_waiter, name, deadline, first=found)
                self.call(self.start_operation, **{self.name_key: name})
                progress(f"{self.subject(name)}: starting")
                return self.wait_for(self.running_waiter, name, deadline).response
            if status != "RUNNING":
                return self.wait_for(self.running_waiter, name, deadline, first=found).response
        else:
            if status in ACTIVE:
                if status == "PENDING":
                    # A scheduler that is starting cannot be stopped until it runs.
                    self.wait_for(self.running_waiter, name, deadline, first=found)
                self.call(self.stop_operation, **{self.name_key: name})
                progress(f"{self.subject(name)}: stopping")
                return self.wait_for(self.stopped_waiter, name, deadline).response
            if status != "STOPPED":
                return self.wait_for(self.stopped_waiter, name, deadline, first=found).response
        return found

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Stop the resource if it runs, then delete it; gone already is deleted.

        The status the state last saw says which call comes first, so a delete describes nothing beforehand. Where
        the state is out of date (stopped or started outside Pulumi), the service refuses that call; the resource is
        then described and stopped as it is, and deleted.
        """
        deadline = self.deadline(props, "delete")
        key = {self.name_key: id_}
        try:
            if props.get("status") in ACTIVE:
                self.call(self.stop_operation, **key)
                progress(f"{self.subject(id_)}: stopping")
                self.wait_for(self.stopped_waiter, id_, deadline)
            self.call(self.delete_operation, **key)
            return
        except ClientError as exc:
            if self.service.is_not_found(exc.operation_name, exc):
                return
        found = self.find(id_)
        if found is None:
            return
        self.converge(id_, "STOPPED", deadline, found=found)
        self.call_unless_gone(self.delete_operation, **key)
