"""The engine side of one operation: resource monitor, engine log service and step execution."""

from __future__ import annotations

import contextlib
import copy
import threading
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, resource_pb2, resource_pb2_grpc

from . import _wire
from ._provider_host import ProviderCallError, ProviderHost
from ._types import LogRecord, UpResult

Entry = dict[str, Any]

STACK_TYPE = "pulumi:pulumi:Stack"
DYNAMIC_PREFIX = "pulumi-python:dynamic"
MONITOR_SHUT_DOWN = "resource monitor shut down while waiting on step's done channel"

_SEVERITIES = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


def make_urn(stack: str, project: str, type_: str, name: str, parent: str = "") -> str:
    """URN as the engine builds it: the parent's qualified type prefixes the type, except for the stack."""
    qualified = type_
    if parent:
        parent_type = parent.split("::")[2]
        if parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def is_dynamic(type_: str) -> bool:
    return type_.startswith(DYNAMIC_PREFIX + ":") or type_.startswith(DYNAMIC_PREFIX + "/")


class StepFailed(Exception):
    """A resource step failed; the message is what the engine would print."""


class HostSlot:
    """The operation's dynamic provider host: started at most once (optionally in the background)."""

    def __init__(self, start: Callable[[], ProviderHost]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._host: ProviderHost | None = None
        self._error: BaseException | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    def prestart(self) -> None:
        def run() -> None:
            # A start failure is remembered and reported by the first real use.
            with contextlib.suppress(Exception):
                self.get()

        self._thread = threading.Thread(target=run, name="provider-host-start", daemon=True)
        self._thread.start()

    def get(self) -> ProviderHost:
        with self._lock:
            if self._closed:
                raise ProviderCallError("the operation is over; the provider host is stopped")
            if self._host is None and self._error is None:
                try:
                    self._host = self._start()
                except Exception as exc:
                    self._error = exc
            if self._error is not None:
                raise ProviderCallError(f"could not start the dynamic provider host: {self._error}")
            assert self._host is not None
            return self._host

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=60)
        with self._lock:
            self._closed = True
            if self._host is not None:
                self._host.stop()
                self._host = None


class Operation:
    """Steps, logs, outputs and the new state of one ``up``/``preview`` (also used by refresh/destroy)."""

    def __init__(
        self,
        *,
        project: str,
        stack: str,
        dry_run: bool,
        old_entries: list[Entry],
        host_factory: Callable[[Callable[[LogRecord], None]], ProviderHost],
    ) -> None:
        self.project = project
        self.stack = stack
        self.dry_run = dry_run
        self.lock = threading.RLock()
        self.old_entries = old_entries
        self.old_live: dict[str, Entry] = {e["urn"]: e for e in old_entries if not e.get("delete")}
        self.new_entries: list[Entry] = []
        self.registered: set[str] = set()
        self.removed: set[int] = set()  # id() of old entries whose resource is gone
        self.pending_replaced: set[int] = set()  # id() of old entries replaced create-before-delete
        self.steps: list[tuple[str, str]] = []
        self.logs: list[LogRecord] = []
        self.outputs: _wire.Props = {}
        self.root_urn = ""
        self.failure: str | None = None
        self.hosts = HostSlot(lambda: host_factory(self.log))

    # -- bookkeeping -------------------------------------------------------------------------------
    def log(self, record: LogRecord) -> None:
        with self.lock:
            self.logs.append(record)

    def step(self, op: str, urn: str) -> None:
        with self.lock:
            self.steps.append((op, urn))

    def fail(self, message: str, urn: str = "") -> None:
        with self.lock:
            if self.failure is None:
                self.failure = message
            self.logs.append(LogRecord(severity="error", message=message, source="engine", urn=urn))

    def result(self) -> UpResult:
        with self.lock:
            return UpResult(outputs=_wire.plain(self.outputs), steps=list(self.steps), logs=list(self.logs))

    def _commit(self, entry: Entry, *ops: str) -> None:
        with self.lock:
            self.new_entries.append(entry)
            self.steps.extend((op, entry["urn"]) for op in ops)

    def _provider(self, what: str, urn: str, call: Callable[[ProviderHost], Any]) -> Any:
        try:
            return call(self.hosts.get())
        except ProviderCallError as exc:
            raise StepFailed(f"{what} of {urn} failed: {exc}") from None

    # -- RegisterResource --------------------------------------------------------------------------
    def register_resource(self, req: resource_pb2.RegisterResourceRequest) -> resource_pb2.RegisterResourceResponse:
        urn = make_urn(self.stack, self.project, req.type, req.name, req.parent)
        try:
            entry = self._register(req, urn)
        except StepFailed as exc:
            self.fail(str(exc), urn)
            return resource_pb2.RegisterResourceResponse(urn=urn, result=resource_pb2.FAIL)
        except Exception:
            self.fail(f"harness error while registering {urn}:\n{traceback.format_exc()}", urn)
            return resource_pb2.RegisterResourceResponse(urn=urn, result=resource_pb2.FAIL)
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=entry.get("id", ""), object=_wire.to_struct(entry["outputs"])
        )

    def _base_entry(self, req: resource_pb2.RegisterResourceRequest, urn: str) -> Entry:
        entry: Entry = {
            "urn": urn,
            "type": req.type,
            "custom": req.custom,
            "parent": req.parent,
            "protect": req.protect if req.HasField("protect") else False,
            "retainOnDelete": req.retainOnDelete if req.HasField("retainOnDelete") else False,
            "dependencies": list(req.dependencies),
            "propertyDependencies": {k: list(v.urns) for k, v in req.propertyDependencies.items()},
        }
        if req.custom:
            entry["id"] = ""
        if req.importId:
            entry["importID"] = req.importId
        for key, value in (
            ("ignoreChanges", list(req.ignoreChanges)),
            ("replaceOnChanges", list(req.replaceOnChanges)),
            ("additionalSecretOutputs", list(req.additionalSecretOutputs)),
        ):
            if value:
                entry[key] = value
        if req.deleteBeforeReplaceDefined:
            entry["deleteBeforeReplace"] = req.deleteBeforeReplace
        return entry

    def _register(self, req: resource_pb2.RegisterResourceRequest, urn: str) -> Entry:
        with self.lock:
            if urn in self.registered:
                raise StepFailed(f"Duplicate resource URN '{urn}'; try giving it a unique name")
            self.registered.add(urn)
            if req.type == STACK_TYPE and not req.parent:
                self.root_urn = urn
        props = _wire.from_struct(req.object)
        old = self.old_live.get(urn)
        entry = self._base_entry(req, urn)

        if not req.custom:
            if req.remote:
                raise StepFailed(
                    f"cannot register {urn}: the harness does not support remote (multi-language) components"
                )
            entry["inputs"] = props
            entry["outputs"] = copy.deepcopy(old["outputs"]) if old else {}
            op = "create"
            if old is not None:
                op = "same" if _wire.unwrap(old["inputs"]) == _wire.unwrap(props) else "update"
            self._commit(entry, op)
            return entry

        if not is_dynamic(req.type):
            raise StepFailed(
                f"cannot register {urn}: the harness only runs dynamic resources (type '{DYNAMIC_PREFIX}...'); "
                f"'{req.type}' needs its provider plugin and the Pulumi CLI"
            )
        return self._register_custom(req, urn, entry, props, old)

    def _register_custom(
        self, req: resource_pb2.RegisterResourceRequest, urn: str, entry: Entry, news: _wire.Props, old: Entry | None
    ) -> Entry:
        secret_outs = list(req.additionalSecretOutputs)
        ignore = list(req.ignoreChanges)
        imported = False
        if old is not None and old.get("external"):
            old = None  # a resource that was only read before is now managed: create it
        if old is None and req.importId:
            old = self._import(urn, req.importId, news)
            imported = True

        if old is not None:
            news = _wire.apply_ignore_changes(news, old["inputs"], ignore)
        inputs = self._check(urn, old["inputs"] if old is not None else {}, news)

        if old is None:
            if self.dry_run:
                id_, outputs = "", inputs  # the engine's preview of a create: the inputs, id unknown
            else:
                id_, outs = self._provider("create", urn, lambda h: h.create(urn, inputs))
                outputs = _wire.annotate_secrets(outs, inputs)
            entry.update(id=id_, inputs=inputs, outputs=_wire.mark_secret_keys(outputs, secret_outs))
            self._commit(entry, "create")
            return entry

        diff: provider_pb2.DiffResponse = self._provider(
            "diff", urn, lambda h: h.diff(urn, old["id"], old["outputs"], old["inputs"], inputs, ignore)
        )
        changes = diff.changes
        replace_keys = list(diff.replaces)
        changed: list[str] = []
        if changes == provider_pb2.DiffResponse.DIFF_UNKNOWN:
            # Only an unknown diff makes the engine compute changed keys itself; the dynamic host never
            # reports `diffs`, so replace_on_changes only applies when the provider's diff returns changes=None.
            changed = _wire.changed_keys(old["inputs"], inputs)
            changes = provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE
        if changes == provider_pb2.DiffResponse.DIFF_SOME:
            for key in changed:
                if any(_wire.path_contains(p, key) for p in req.replaceOnChanges) and key not in replace_keys:
                    replace_keys.append(key)

        if changes != provider_pb2.DiffResponse.DIFF_SOME:
            entry.update(id=old["id"], inputs=inputs, outputs=copy.deepcopy(old["outputs"]))
            if imported:
                self._commit(entry)
            else:
                self._commit(entry, "same")
            return entry

        if not replace_keys:
            if self.dry_run:
                outputs = inputs
            else:
                outs = self._provider(
                    "update", urn, lambda h: h.update(urn, old["id"], old["outputs"], old["inputs"], inputs, ignore)
                )
                outputs = _wire.annotate_secrets(outs, inputs)
            entry.update(id=old["id"], inputs=inputs, outputs=_wire.mark_secret_keys(outputs, secret_outs))
            self._commit(entry, "update")
            return entry

        return self._replace(req, urn, entry, news, old, diff, replace_keys, secret_outs)

    def _replace(
        self,
        req: resource_pb2.RegisterResourceRequest,
        urn: str,
        entry: Entry,
        news: _wire.Props,
        old: Entry,
        diff: provider_pb2.DiffResponse,
        replace_keys: list[str],
        secret_outs: list[str],
    ) -> Entry:
        if entry["protect"] and old.get("protect"):
            raise StepFailed(
                f'unable to replace resource "{urn}"\nas it is currently marked for protection '
                f"(replacement forced by {', '.join(replace_keys)})"
            )
        if req.importId:
            message = (
                "previously-imported resources that still specify an ID may not be replaced; "
                f"please remove the `import` declaration from your program ({urn}; keys {', '.join(replace_keys)})"
            )
            if not self.dry_run:
                raise StepFailed(message)
            self.log(LogRecord(severity="warning", message=message, source="engine", urn=urn))
        # A replacement is a new resource: the engine re-checks the inputs without the old ones.
        inputs = self._check(urn, {}, news)
        delete_before_replace = diff.deleteBeforeReplace
        if req.deleteBeforeReplaceDefined:
            delete_before_replace = req.deleteBeforeReplace

        if delete_before_replace:
            self._delete_old(old, "delete-replaced")
            self.step("replace", urn)
            if self.dry_run:
                id_, outputs = "", inputs
            else:
                id_, outs = self._provider("create", urn, lambda h: h.create(urn, inputs))
                outputs = _wire.annotate_secrets(outs, inputs)
            entry.update(id=id_, inputs=inputs, outputs=_wire.mark_secret_keys(outputs, secret_outs))
            self._commit(entry, "create-replacement")
            return entry

        if self.dry_run:
            id_, outputs = "", inputs
        else:
            id_, outs = self._provider("create", urn, lambda h: h.create(urn, inputs))
            outputs = _wire.annotate_secrets(outs, inputs)
        entry.update(id=id_, inputs=inputs, outputs=_wire.mark_secret_keys(outputs, secret_outs))
        with self.lock:
            self.pending_replaced.add(id(old))  # deleted after the program, with the other deletes
        self._commit(entry, "create-replacement", "replace")
        return entry

    def _check(self, urn: str, olds: _wire.Props, news: _wire.Props) -> _wire.Props:
        checked, failures = self._provider("check", urn, lambda h: h.check(urn, olds, news))
        if failures:
            type_, name = urn.split("::")[2].rsplit("$", 1)[-1], urn.split("::", 3)[3]
            plain = _wire.unwrap(news)
            lines = [
                f"{type_} resource '{name}': property {prop} value {plain.get(prop)!r} has a problem: {reason}"
                if prop
                else f"{type_} resource '{name}' has a problem: {reason}"
                for prop, reason in failures
            ]
            raise StepFailed("\n".join(lines))
        return _wire.annotate_secrets(checked, news)

    def _import(self, urn: str, import_id: str, news: _wire.Props) -> Entry:
        # The real engine sends no inputs with an import Read; the dynamic host then cannot find
        # `__provider`. The harness sends the program's inputs so the provider can be unpickled.
        id_, outs, ins = self._provider("import", urn, lambda h: h.read(urn, import_id, {}, news))
        if not id_:
            raise StepFailed(f"importing {urn} failed: resource '{import_id}' does not exist")
        if ins is None:
            raise StepFailed(
                f"importing {urn} failed: provider does not support importing resources "
                "(the dynamic provider's read must return ReadResult(id, outs, inputs))"
            )
        self.step("import", urn)
        return {
            "urn": urn,
            "id": id_,
            "inputs": _wire.annotate_secrets(ins, news),
            "outputs": _wire.annotate_secrets(outs, news),
        }

    def _delete_old(self, old: Entry, op: str) -> None:
        """Delete an old resource (honouring retainOnDelete), or plan it in a preview."""
        if not self.dry_run and old.get("custom") and not old.get("external") and not old.get("retainOnDelete"):
            self._provider(
                "delete", old["urn"], lambda h: h.delete(old["urn"], old.get("id", ""), old["outputs"], old["inputs"])
            )
        with self.lock:
            self.removed.add(id(old))
            self.steps.append((op, old["urn"]))

    # -- ReadResource, outputs ---------------------------------------------------------------------
    def read_resource(self, req: resource_pb2.ReadResourceRequest) -> tuple[str, _wire.Props]:
        urn = make_urn(self.stack, self.project, req.type, req.name, req.parent)
        if not is_dynamic(req.type):
            raise StepFailed(f"cannot read {urn}: the harness only runs dynamic resources; '{req.type}' is not one")
        props = _wire.from_struct(req.properties)
        # A get passes no prior state, only the inputs (the dynamic host falls back to them).
        id_, outs, _ = self._provider("read", urn, lambda h: h.read(urn, req.id, {}, props))
        if not id_:
            raise StepFailed(f"reading {urn} failed: resource '{req.id}' does not exist")
        outputs = _wire.mark_secret_keys(_wire.annotate_secrets(outs, props), list(req.additionalSecretOutputs))
        entry: Entry = {
            "urn": urn,
            "type": req.type,
            "custom": True,
            "external": True,
            "id": id_,
            "parent": req.parent,
            "inputs": props,
            "outputs": outputs,
            "dependencies": list(req.dependencies),
        }
        with self.lock:
            self.registered.add(urn)
        self._commit(entry, "read")
        return urn, outputs

    def register_outputs(self, urn: str, outputs: _wire.Props) -> None:
        with self.lock:
            for entry in reversed(self.new_entries):
                if entry["urn"] == urn:
                    entry["outputs"] = outputs
                    break
            if urn == self.root_urn:
                self.outputs = outputs

    # -- after the program ---------------------------------------------------------------------------
    def finish(self) -> None:
        """Delete replaced and unregistered resources in reverse order (only after a successful program)."""
        for old in reversed(self.old_entries):
            if self.failure is not None:
                return
            if id(old) in self.removed:
                continue
            replaced = id(old) in self.pending_replaced or bool(old.get("delete"))
            if not replaced and old["urn"] in self.registered:
                continue
            urn = old["urn"]
            if old.get("external"):
                self._forget(old, "discard")
            elif not old.get("custom"):
                self._forget(old, "delete")
            elif not replaced and old.get("protect"):
                self.fail(
                    f'unable to delete resource "{urn}"\nas it is currently marked for protection. '
                    "To unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
                    "program and run `pulumi up`",
                    urn,
                )
            else:
                try:
                    self._delete_old(old, "delete-replaced" if replaced else "delete")
                except StepFailed as exc:
                    self.fail(str(exc), urn)

    def _forget(self, old: Entry, op: str) -> None:
        with self.lock:
            self.removed.add(id(old))
            self.steps.append((op, old["urn"]))

    def final_entries(self) -> list[Entry]:
        """The new state: registered resources in completion order, then what is left of the old state."""
        with self.lock:
            final = list(self.new_entries)
            new_urns = {e["urn"] for e in self.new_entries}
            for old in self.old_entries:
                if id(old) in self.removed:
                    continue
                if id(old) in self.pending_replaced or old.get("delete"):
                    final.append({**old, "delete": True})
                elif old["urn"] not in new_urns:
                    final.append(old)
            return final


def _abort(context: grpc.ServicerContext, code: grpc.StatusCode, message: str) -> NoReturn:
    context.abort(code, message)
    raise AssertionError("unreachable")


class Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The ResourceMonitor service the program's SDK talks to."""

    def __init__(
        self, op: Operation, *, organization: str, config: dict[str, str], secret_keys: list[str], parallel: int
    ) -> None:
        self._op = op
        self._organization = organization
        self._config = config
        self._secret_keys = secret_keys
        self._parallel = parallel

    def GetDeploymentInfo(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> resource_pb2.DeploymentInfo:
        return resource_pb2.DeploymentInfo(
            project=self._op.project,
            stack=self._op.stack,
            organization=self._organization,
            config=self._config,
            configSecretKeys=self._secret_keys,
            dryRun=self._op.dry_run,
            parallel=self._parallel,
            supportedFeatures=[resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS],
        )

    def SupportsFeature(
        self, request: resource_pb2.SupportsFeatureRequest, context: grpc.ServicerContext
    ) -> resource_pb2.SupportsFeatureResponse:
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id == "secrets")

    def RegisterResource(
        self, request: resource_pb2.RegisterResourceRequest, context: grpc.ServicerContext
    ) -> resource_pb2.RegisterResourceResponse:
        if self._op.failure is not None:
            _abort(context, grpc.StatusCode.UNAVAILABLE, MONITOR_SHUT_DOWN)
        return self._op.register_resource(request)

    def RegisterResourceOutputs(
        self, request: resource_pb2.RegisterResourceOutputsRequest, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        if self._op.failure is not None:
            _abort(context, grpc.StatusCode.UNAVAILABLE, MONITOR_SHUT_DOWN)
        self._op.register_outputs(request.urn, _wire.from_struct(request.outputs))
        return empty_pb2.Empty()

    def ReadResource(
        self, request: resource_pb2.ReadResourceRequest, context: grpc.ServicerContext
    ) -> resource_pb2.ReadResourceResponse:
        if self._op.failure is not None:
            _abort(context, grpc.StatusCode.UNAVAILABLE, MONITOR_SHUT_DOWN)
        try:
            urn, outputs = self._op.read_resource(request)
        except StepFailed as exc:
            self._op.fail(str(exc))
            _abort(context, grpc.StatusCode.UNKNOWN, str(exc))
        return resource_pb2.ReadResourceResponse(urn=urn, properties=_wire.to_struct(outputs))

    def Invoke(
        self, request: resource_pb2.ResourceInvokeRequest, context: grpc.ServicerContext
    ) -> resource_pb2.ResourceInvokeResponse:
        _abort(
            context,
            grpc.StatusCode.UNIMPLEMENTED,
            f"unknown function {request.tok!r}: the test harness implements no invokes",
        )

    def Call(self, request: resource_pb2.ResourceCallRequest, context: grpc.ServicerContext) -> Any:
        _abort(
            context, grpc.StatusCode.UNIMPLEMENTED, f"method calls ({request.tok!r}) are not supported by the harness"
        )

    def RegisterPackage(
        self, request: resource_pb2.RegisterPackageRequest, context: grpc.ServicerContext
    ) -> resource_pb2.RegisterPackageResponse:
        _abort(context, grpc.StatusCode.UNIMPLEMENTED, "parameterized packages are not supported by the harness")

    def SignalAndWaitForShutdown(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> empty_pb2.Empty:
        # Steps run synchronously inside RegisterResource, so everything is already done.
        return empty_pb2.Empty()


class Engine(engine_pb2_grpc.EngineServicer):
    """The Engine service: collects ``pulumi.log`` messages from the program."""

    def __init__(self, op: Operation) -> None:
        self._op = op
        self._root = ""

    def Log(self, request: engine_pb2.LogRequest, context: grpc.ServicerContext) -> empty_pb2.Empty:
        severity = _SEVERITIES.get(request.severity, str(request.severity))
        self._op.log(LogRecord(severity=severity, message=request.message, source="program", urn=request.urn))
        return empty_pb2.Empty()

    def GetRootResource(
        self, request: engine_pb2.GetRootResourceRequest, context: grpc.ServicerContext
    ) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn=self._root or self._op.root_urn)

    def SetRootResource(
        self, request: engine_pb2.SetRootResourceRequest, context: grpc.ServicerContext
    ) -> engine_pb2.SetRootResourceResponse:
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()

    def RequirePulumiVersion(
        self, request: engine_pb2.RequirePulumiVersionRequest, context: grpc.ServicerContext
    ) -> engine_pb2.RequirePulumiVersionResponse:
        return engine_pb2.RequirePulumiVersionResponse()
