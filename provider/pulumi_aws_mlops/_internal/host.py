"""Two adjustments to Pulumi's dynamic-provider host that long waits need, made from inside the host process.

1. Room: `python -m pulumi.dynamic` serves every call on a `ThreadPoolExecutor(max_workers=4)`, so a stack with
   sixteen trainings would wait for them four at a time. Waits cannot give their thread back (a create must answer
   with the finished resource), so the pool's worker limit is raised. It touches only the standard library's
   `ThreadPoolExecutor._max_workers`, which `_adjust_thread_count` reads on every submit (Python 3.8 to 3.13).
2. Cancel: on Ctrl-C the engine calls the host's `Cancel`, which the host ignores, then waits for the running
   steps: a training would keep `pulumi up` waiting for its whole deadline. The host's gRPC handler for `Cancel`
   is wrapped so that it also sets `waiting.cancellation`, and every wait stops at once (the next `up` resumes it).
   It touches grpc's `DictionaryGenericHandler._method_handlers`, the table the generated
   `add_ResourceProviderServicer_to_server` fills.

Both act only inside the provider host process, once. Both objects are found from the thread `configure` runs on,
one of the pool's workers, whose server state refers to the pool: walking every object of the process instead cost a
`pulumi preview` some 60 ms, and is kept only for when that way finds nothing. When the thing to adjust cannot be
found at all, the provider warns once and goes on without it: waits then queue four at a time, or Ctrl-C waits for
them (a second Ctrl-C ends `pulumi up` at once, and the next `up` still resumes the waits).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from .reporting import warning
from .waiting import cancellation

THREADS_ENV = "PULUMI_AWS_MLOPS_HOST_THREADS"
DEFAULT_THREADS = 64
HOST_POOL_SIZE = 4
CANCEL_METHOD = "/pulumirpc.ResourceProvider/Cancel"

_lock = threading.Lock()
_adapted: dict[str, Any] = {}


def in_provider_host() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def adapt_provider_host() -> None:
    """Widen the host's pool and listen for the engine's Cancel, once per host process (a no-op elsewhere)."""
    if not in_provider_host():
        return
    with _lock:
        if _adapted:
            return
        objects = _near_this_worker() or gc.get_objects()
        _adapted["pool"] = widen_pool(objects)
        _adapted["cancel"] = listen_for_cancel(objects, cancellation.set)


def _near_this_worker() -> list[Any]:
    """The pool whose worker runs this call and what refers to it (grpc's server state) with its generic handlers;
    empty when this thread is no pool worker (`ThreadPoolExecutor` starts each with a weak reference to the pool)."""
    args = getattr(threading.current_thread(), "_args", None)
    reference = args[0] if isinstance(args, tuple) and args else None
    pool = reference() if isinstance(reference, weakref.ReferenceType) else None
    if not isinstance(pool, ThreadPoolExecutor):
        return []
    states = [state for state in gc.get_referrers(pool) if isinstance(getattr(state, "generic_handlers", None), list)]
    return [pool, *(handler for state in states for handler in state.generic_handlers)]


def widen_pool(objects: list[Any]) -> int | None:
    """Raise the host's gRPC worker limit; the new limit, or None (with a warning) when the pool is not found."""
    wanted = int(os.environ.get(THREADS_ENV) or DEFAULT_THREADS)
    # A Python whose executor no longer has `_max_workers` finds no pool, and the host keeps its four threads.
    pools = [obj for obj in objects
             if isinstance(obj, ThreadPoolExecutor) and getattr(obj, "_max_workers", None) == HOST_POOL_SIZE]
    if len(pools) != 1:
        warning(f"pulumi-aws-mlops could not find the provider host's thread pool (found {len(pools)} pools of "
                f"{HOST_POOL_SIZE} threads), so it keeps {HOST_POOL_SIZE} threads: more than {HOST_POOL_SIZE} long "
                f"waits at once queue behind each other")
        return None
    pools[0]._max_workers = max(wanted, HOST_POOL_SIZE)
    return wanted


def listen_for_cancel(objects: list[Any], on_cancel: Callable[[], None]) -> bool:
    """Make the host's Cancel handler also call `on_cancel`; False (with a warning) when it is not found."""
    tables = [table for obj in objects if isinstance(obj, grpc.GenericRpcHandler)
              and isinstance(table := vars(obj).get("_method_handlers"), dict) and CANCEL_METHOD in table]
    if len(tables) != 1:
        warning("pulumi-aws-mlops could not find the provider host's Cancel handler: on Ctrl-C, `pulumi up` waits "
                "for running trainings and ingestions (press Ctrl-C twice to stop at once; the next `up` resumes them)")
        return False
    table = tables[0]
    handler = table[CANCEL_METHOD]
    answer = handler.unary_unary

    def cancel(request: Any, context: Any) -> Any:
        on_cancel()
        return answer(request, context)

    table[CANCEL_METHOD] = handler._replace(unary_unary=cancel)
    return True
