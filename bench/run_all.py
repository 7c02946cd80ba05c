"""Run every benchmark and end with a summary of the goals: `make bench`.

Figures are measured side by side in one run (ratios, not absolute times): the machines are shared.
Exit code 1 when a goal is missed, so the summary can gate a release.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_check_diff
import bench_cli
import bench_overhead
import bench_quality
import bench_waits


def main() -> int:
    logging.disable(logging.INFO)  # progress lines would drown the tables
    results = []
    for module in (bench_waits, bench_check_diff, bench_overhead, bench_quality, bench_cli):
        results += module.main()
    missed = [name for name, ok in results if not ok]
    print(f"\n{len(results) - len(missed)} of {len(results)} goals met" + (f"; missed: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
