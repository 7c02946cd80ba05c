"""`make demo`'s program: the example stack against the emulator through the real CLI, with the CLI's own output."""

from __future__ import annotations

import subprocess
import sys

from .cli import REPO_ROOT


def test_demo_runs_the_real_cli(pulumi: str) -> None:
    done = subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "run_demo.py"), "--pulumi", pulumi,
                           "--days", "45"], capture_output=True, text=True, timeout=900, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for line in ("Updating (dev)", "+ 4 created", "~ 1 updated", "- 4 deleted", "Duration:", "done in",
                 "Updating (retraining)", "+ 6 created", "(2, 'RETRAINING', 'SUCCESS')", "version 2 is active",
                 "version 1 is active (it was version 2)", "- 6 deleted"):
        assert line in output, f"{line!r} missing from the demo's output:\n{output}"
    assert "harness" not in output and "in-process" not in output
    # What the scheduler found in the files the demo uploaded: real results from S3 and the fault's event.
    assert '/results.jsonl: {"timestamp": ' in output and '"prediction_reason": "ANOMALY_DETECTED"' in output
    assert "Anomalies found (ListInferenceEvents): 1\n" in output and "bearing\\bearing_vibration" in output
