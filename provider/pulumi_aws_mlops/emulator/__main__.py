"""`python -m pulumi_aws_mlops.emulator`: serve the emulated services and moto's S3/IAM/STS on loopback.

The first line on stdout, printed once the port accepts connections, is
`AWS_ENDPOINT_URL=http://127.0.0.1:<port>`; SIGINT or SIGTERM stops the server cleanly.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from .core.clock import Clock
from .core.faults import KNOWN_DURATIONS, Faults
from .engine import Emulator
from .server import EmulatorServer


def _duration(text: str) -> tuple[str, float]:
    name, _, seconds = text.partition("=")
    if name not in KNOWN_DURATIONS or not seconds:
        raise argparse.ArgumentTypeError(f"expected NAME=SECONDS with NAME one of {sorted(KNOWN_DURATIONS)}")
    return name, float(seconds)


def _quota(text: str) -> tuple[str, int]:
    name, _, count = text.partition("=")
    if not name or not count.isdigit():
        raise argparse.ArgumentTypeError("expected NAME=N, e.g. models=100")
    return name, int(count)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pulumi_aws_mlops.emulator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="simulated seconds per real second (default 1; 3600 makes an hour pass in a second)")
    parser.add_argument("--throttle-rate", type=float, default=0.0, help="fraction of calls answered ThrottlingException")
    parser.add_argument("--server-error-rate", type=float, default=0.0, help="fraction of calls answered HTTP 500")
    parser.add_argument("--duration", type=_duration, action="append", default=[], metavar="NAME=SECONDS",
                        help="simulated duration of a transition, e.g. training=1800 (repeatable; a training's "
                             "duration otherwise grows with its data)")
    parser.add_argument("--fail-next", action="append", default=[], metavar="KIND",
                        help="make the next run of KIND fail: ingestion, training, scheduler_start, import, experiment, "
                             "recommendations")
    parser.add_argument("--eventual-consistency", type=float, default=0.0, metavar="SECONDS",
                        help="a new SageMaker experiment or job answers 'not found' for this long after its creation")
    parser.add_argument("--late-tags", type=float, default=0.0, metavar="SECONDS",
                        help="the tags a SageMaker experiment or job was created with are listed only this long after")
    parser.add_argument("--quota", type=_quota, action="append", default=[], metavar="NAME=N",
                        help="raise a service quota, e.g. models=100 (datasets, models, inference_schedulers, "
                             "label_groups, active_experiments, active_recommendation_jobs)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault injector")
    parser.add_argument("--enforce-iam", action="store_true",
                        help="authorize each request by the IAM policies of the user or role that signed it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    faults = Faults(throttle_rate=args.throttle_rate, server_error_rate=args.server_error_rate, seed=args.seed)
    faults.update({"durations": dict(args.duration), "eventual_consistency": args.eventual_consistency,
                   "late_tags": args.late_tags})
    for kind in args.fail_next:
        faults.fail_next(kind)
    emulator = Emulator(clock=Clock(time_scale=args.time_scale), faults=faults, quotas=dict(args.quota),
                        enforce_iam=args.enforce_iam)
    try:
        server = EmulatorServer(emulator, host=args.host, port=args.port)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def stop(*_: Any) -> None:
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"AWS_ENDPOINT_URL={server.endpoint_url}", flush=True)
    print(json.dumps({"time_scale": args.time_scale, "faults": faults.snapshot()}), file=sys.stderr, flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
