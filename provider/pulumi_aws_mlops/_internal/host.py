"""Room for long waits in Pulumi's dynamic-provider host.

`python -m pulumi.dynamic` serves every call on a `ThreadPoolExecutor(max_workers=4)`, so a stack
with sixteen trainings would wait for them four at a time. Waits cannot give their thread back (a
create must answer with the finished resource), so instead the pool is widened, once, from inside
the host: the provider finds the executor that serves the gRPC calls and raises its worker limit.

It touches nothing but the standard library's `ThreadPoolExecutor._max_workers`, which
`_adjust_thread_count` reads on every submit (unchanged from Python 3.8 to 3.13), and it acts only
inside the provider host process; when it cannot find that pool there it warns, once, and leaves
things as they are: long waits then queue four at a time.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from .reporting import warning

THREADS_ENV = "PULUMI_AWS_MLOPS_HOST_THREADS"
DEFAULT_THREADS = 64
HOST_POOL_SIZE = 4

_lock = threading.Lock()
_widened: list[ThreadPoolExecutor] = []
_warned: list[bool] = []


def in_provider_host() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def widen_host_pool() -> int | None:
    """Raise the provider host's gRPC worker limit; returns the new limit, or None when not in the host
    or when the host's pool cannot be found (which it reports as a warning)."""
    if not in_provider_host():
        return None
    wanted = int(os.environ.get(THREADS_ENV) or DEFAULT_THREADS)
    with _lock:
        if _widened:
            return _widened[0]._max_workers
        pools = [obj for obj in gc.get_objects() if isinstance(obj, ThreadPoolExecutor)]
        # A Python whose executor no longer has `_max_workers` finds no pool, and the host keeps its four threads.
        host_pools = [pool for pool in pools if getattr(pool, "_max_workers", None) == HOST_POOL_SIZE]
        if len(host_pools) != 1:
            if not _warned:
                _warned.append(True)
                warning(
                    f"pulumi-aws-mlops could not find the provider host's thread pool (found {len(host_pools)} "
                    f"pools of {HOST_POOL_SIZE} threads), so it keeps {HOST_POOL_SIZE} threads: more than "
                    f"{HOST_POOL_SIZE} long waits at once queue behind each other"
                )
            return None
        pool = host_pools[0]
        pool._max_workers = max(wanted, HOST_POOL_SIZE)
        _widened.append(pool)
        return wanted
