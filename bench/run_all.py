"""Run every benchmark and end with a summary of the goals: `make bench`.

Each benchmark runs in a process of its own, as the provider host does for every `pulumi` command: what one leaves
in memory (the in-process emulator's state, a garbage collector with more to walk) never weighs on the next. Figures
are ratios or CPU time, medians with their spread (see _common.py): the machines are shared. Exit code 1 when a goal
is missed, so the summary can gate a release.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import RESULTS_ENV, load, machine

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("bench_waits", "bench_check_diff", "bench_overhead", "bench_quality", "bench_cli")


def run(name: str) -> list[tuple[str, bool]]:
    with tempfile.NamedTemporaryFile(suffix=".json") as results:
        env = {**os.environ, RESULTS_ENV: results.name, "PYTHONPATH": os.pathsep.join(
            [str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])])}
        # Progress lines go to stderr; the tables to stdout.
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], env=env, stderr=subprocess.DEVNULL,
                              check=False)
        text = Path(results.name).read_text()
        if not text:
            return [(f"{name} (exit {done.returncode}, no results)", False)]
        return [(label, bool(ok)) for label, ok in json.loads(text)]


def main() -> int:
    print(f"{machine()}; load {load()} at the start")
    results = []
    for name in BENCHMARKS:
        results += run(name)
    missed = [name for name, ok in results if not ok]
    print(f"\n{len(results) - len(missed)} of {len(results)} goals met" + (f"; missed: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
