"""Run a Pulumi Python program the way ``pulumi-language-python-exec`` does (harness-side runner).

The Go language host (``pulumi-language-python``) starts::

    python -u pulumi-language-python-exec --monitor ADDR --engine ADDR --project P --root_directory DIR
        --stack S --pwd DIR --dry_run true|false --parallel N --organization ORG PROGRAM [ARGS...]

with ``PULUMI_CONFIG`` (JSON object of namespaced keys to string values) and
``PULUMI_CONFIG_SECRET_KEYS`` (JSON list) in the environment. The shim loads the config, configures
``pulumi.runtime.Settings`` from the arguments, chdirs to ``--pwd`` and runs
``pulumi.runtime.run_in_stack(lambda: runpy.run_path(PROGRAM, run_name="__main__"))`` on a fresh event
loop; errors are reported through ``pulumi.log.error`` (Engine.Log) and the exit code (1, or 32 for "an
error was already shown to the user"). This file reproduces that contract; it is started by path, so it
removes its own directory from ``sys.path``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    del sys.path[0]

import pulumi  # noqa: E402
import pulumi.runtime  # noqa: E402

EXIT_ERROR_SHOWN = 32


def main() -> int:
    ap = argparse.ArgumentParser(description="Execute a Pulumi Python program (test harness)")
    for flag in (
        "project",
        "root_directory",
        "stack",
        "parallel",
        "dry_run",
        "pwd",
        "monitor",
        "engine",
        "tracing",
        "organization",
    ):
        ap.add_argument(f"--{flag}")
    ap.add_argument("PROGRAM")
    ap.add_argument("ARGS", nargs="*")
    args = ap.parse_args()

    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    parallel = int(args.parallel) if args.parallel else None
    settings = pulumi.runtime.Settings(
        monitor=args.monitor,
        engine=args.engine,
        project=args.project,
        stack=args.stack,
        parallel=parallel,
        dry_run=args.dry_run == "true",
        organization=args.organization,
        root_directory=args.root_directory,
    )
    pulumi.runtime.configure(settings)

    sys.argv = [args.PROGRAM, *args.ARGS]
    if args.pwd:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    executor = ThreadPoolExecutor(max_workers=max(parallel or 1, 1) * 4)
    loop.set_default_executor(executor)
    # Like the real shim: unobserved futures after a failure are expected, keep asyncio quiet about them.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    def run_program() -> None:
        runpy.run_path(args.PROGRAM, run_name="__main__")

    exit_code = 1
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(run_program))
        exit_code = 0
    except pulumi.RunError as exc:
        pulumi.log.error(str(exc))
    except Exception:
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        exit_code = EXIT_ERROR_SHOWN
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
