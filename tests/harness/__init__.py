"""A minimal stand-in for the Pulumi engine, for tests: real program, real dynamic provider host, no CLI.

Usage::

    from tests.harness import Harness, HarnessError, UNKNOWN

    with Harness(program_dir=Path("examples/x"), state_path=tmp_path / "state.json", project="proj",
                 stack="dev", config={"aws:region": "us-east-1", "proj:bucket": "b"},
                 env={"AWS_ENDPOINT_URL": url}) as h:
        result = h.up()          # UpResult(outputs, steps, logs)
        h.set_config("bucket", "c")   # -> "proj:bucket"; non-strings are stored as JSON
        h.preview(); h.refresh(); h.destroy()
        h.state                  # parsed state file; h.resource("name") one entry; h.outputs stack outputs

``UpResult.outputs`` are plain stack outputs (secrets unwrapped; in a preview, values not known yet are the
``UNKNOWN`` sentinel). ``steps`` is ``[(op, urn), ...]`` in execution order with the engine's op names:
``same``, ``create``, ``update``, ``delete``, ``create-replacement``, ``replace``, ``delete-replaced``,
``import``, ``read``, ``discard`` (refresh reports ``same``/``update``/``delete`` per resource). ``logs``
holds :class:`LogRecord` (severity, message, source, urn); ``result.messages(source="provider")`` filters.
Any failure raises :class:`HarnessError` whose text contains the provider's error (the host sends the
traceback) or the program's error output, and whose ``.result`` holds the steps and logs so far.

How an operation runs (mirroring the engine and ``pulumi-language-python``):

* The harness serves ResourceMonitor and Engine over gRPC on 127.0.0.1 and starts the program with
  ``_exec.py`` (same contract as ``pulumi-language-python-exec``: ``--monitor --engine --project
  --root_directory --stack --pwd --dry_run --parallel --organization PROGRAM``, config in ``PULUMI_CONFIG``
  and ``PULUMI_CONFIG_SECRET_KEYS``), cwd = program dir, ``PYTHONPATH`` = repo root + yours, with a timeout.
* Each operation starts its own ``python -u -m pulumi.dynamic`` (like each CLI command does), with
  ``PULUMI_PROJECT`` and ``PULUMI_CONFIG`` in its environment, calls Configure with the whole stack config
  (namespaced keys, string values: what the engine gives dynamic providers), and stops it at the end.
* Custom resources must be dynamic (``pulumi-python:dynamic...``); others fail with a clear error.
  Register: Check(old inputs, news) -> Diff(old outputs, checked news) -> Create / Update / replace
  (create-before-delete, the old one deleted after the program; delete-before-replace when the diff or
  ``delete_before_replace`` says so). Secrets are stripped before provider calls and re-applied to
  outputs like the engine does; ``additional_secret_outputs`` too.
* Options honoured: ``protect`` (no delete, no replace), ``retain_on_delete`` (forget without Delete),
  ``delete_before_replace``, ``ignore_changes`` (ignored paths reset to the old inputs before Check),
  ``replace_on_changes`` (engine semantics: it only bites when the provider's diff returns ``changes=None``,
  because the dynamic host never reports which keys changed), ``import_`` (Read with the id; the provider's
  read must return inputs; a following diff becomes an update).
* Preview: Check and Diff only; a create or replace answers the checked inputs as outputs with an empty
  id (the SDK resolves everything else as unknown), an update answers the new inputs; no Create, Update
  or Delete reaches the provider; the state file is not written.
* After a successful program, replaced and no-longer-declared resources are deleted in reverse state
  order. A failed step answers the SDK with ``result=FAIL``, later registrations get UNAVAILABLE (the
  engine's "resource monitor shut down"), nothing more is deleted, and the state keeps what completed.
* ``refresh`` Reads each custom resource (outputs and inputs), replacing outputs and, when returned,
  inputs; an empty id removes it. ``destroy`` deletes everything in reverse order.

Logs: ``pulumi.log.*`` in the program arrive over Engine.Log (``source="program"``, with the URN when a
resource is given; the SDK also sends its own debug messages). Inside the provider host there is no engine
connection (``pulumi.dynamic.__main__`` reconfigures Settings without one), so ``pulumi.log.info/warn/error``
print ``info: ...``/``warning: ...``/``error: ...`` to the host's stderr and ``pulumi.log.debug`` is dropped;
the engine turns plugin stderr lines into ``infoerr`` diagnostics without a URN, and the harness records
them as ``LogRecord("infoerr", "info: ...", source="provider")``. Program stdout/stderr are recorded too.

The state file is JSON: ``{"version", "project", "stack", "resources": [...]}``, entries in dependency
order with ``urn, type, custom, id, parent, inputs, outputs, dependencies, propertyDependencies, protect,
retainOnDelete`` (+ ``external``, ``delete``, ``importID`` ...). Values are in wire form: secrets as
``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": ...}`` (e.g. the
pickled ``__provider``, which the SDK makes secret), numbers as floats.
"""

from typing import TYPE_CHECKING, Any

from ._types import HarnessError, LogRecord, UpResult
from ._wire import UNKNOWN

if TYPE_CHECKING:
    from ._harness import Harness

__all__ = ["UNKNOWN", "Harness", "HarnessError", "LogRecord", "UpResult"]


def __getattr__(name: str) -> Any:
    # Lazy: programs and provider hosts import tests.harness.fixtures.* and need none of the engine side.
    if name == "Harness":
        from ._harness import Harness

        return Harness
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
