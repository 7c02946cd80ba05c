"""Plausible, deterministic load-test results for Inference Recommender benchmarks.

Nothing is measured: every number derives from a hash of the model reference, the endpoint
configuration and its environment parameters, scaled by the instance's size and price. The same
model on the same instance therefore always gets the same results, whatever the job is called,
and bigger or accelerated instances are faster and dearer, as on the real service.

Units, as SageMaker reports them: `ModelLatency` and `ModelSetupTime` in microseconds, while the
stopping condition's threshold is `ValueInMilliseconds`. The developer guide contradicts itself on
`ModelLatency` (milliseconds in one table, microseconds in the load-test and Boto3 results pages); its
own examples decide it: the load test stopped at a 100 ms threshold reports `ModelLatency: 100000`, and
the Default job's 826019 and 1085446 could not be milliseconds (14 and 18 minutes a request), and the
value is the CloudWatch `ModelLatency` metric, which is in microseconds. `ModelSetupTime` is reported for
serverless configurations only (the service model: "The time it takes to launch new compute resources
for a serverless endpoint").
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

# Approximate us-east-1 on-demand prices (USD per hour) of real-time inference instances, with
# vCPUs, memory (GiB) and the kind of accelerator. Other instance types are estimated from their
# family and size by `instance_profile`.
KNOWN_INSTANCES: dict[str, tuple[float, int, float, str | None]] = {
    "ml.t2.medium": (0.056, 2, 4, None),
    "ml.m5.large": (0.115, 2, 8, None),
    "ml.m5.xlarge": (0.23, 4, 16, None),
    "ml.m5.2xlarge": (0.461, 8, 32, None),
    "ml.c5.large": (0.102, 2, 4, None),
    "ml.c5.xlarge": (0.204, 4, 8, None),
    "ml.c5.2xlarge": (0.408, 8, 16, None),
    "ml.c6i.large": (0.102, 2, 4, None),
    "ml.c6i.xlarge": (0.204, 4, 8, None),
    "ml.m6i.large": (0.115, 2, 8, None),
    "ml.r5.large": (0.151, 2, 16, None),
    "ml.g4dn.xlarge": (0.736, 4, 16, "gpu"),
    "ml.g5.xlarge": (1.408, 4, 16, "gpu"),
    "ml.inf1.xlarge": (0.297, 4, 8, "inferentia"),
    "ml.p3.2xlarge": (3.825, 8, 61, "gpu"),
}

# What a Default (instance recommendation) job benchmarks when the request names no instance types.
DEFAULT_CANDIDATES = (
    "ml.c5.xlarge",
    "ml.c6i.large",
    "ml.c6i.xlarge",
    "ml.m5.large",
    "ml.m5.xlarge",
    "ml.r5.large",
    "ml.g4dn.xlarge",
    "ml.inf1.xlarge",
)

# Price per vCPU-hour, GiB of memory per vCPU and accelerator, by the letters that open a family name.
_FAMILY_RATES: tuple[tuple[str, float, float, str | None], ...] = (
    ("trn", 0.34, 16, "trainium"),
    ("inf", 0.075, 2, "inferentia"),
    ("dl", 0.55, 8, "gpu"),
    ("p", 0.95, 7.6, "gpu"),
    ("g", 0.2, 4, "gpu"),
    ("r", 0.076, 8, None),
    ("m", 0.058, 4, None),
    ("c", 0.051, 2, None),
    ("t", 0.028, 2, None),
)

# Serverless inference: USD per GB-second of compute while serving.
_SERVERLESS_GB_SECOND = 0.00002
MICROSECONDS_PER_MILLISECOND = 1000
MICROSECONDS_PER_SECOND = 1_000_000


@dataclass(frozen=True)
class InstanceProfile:
    hourly_price: float
    vcpus: int
    memory_gib: float
    accelerator: str | None


def instance_profile(instance_type: str) -> InstanceProfile:
    if instance_type in KNOWN_INSTANCES:
        return InstanceProfile(*KNOWN_INSTANCES[instance_type])
    family, _, size = instance_type.removeprefix("ml.").partition(".")
    vcpus = _vcpus(size)
    for prefix, vcpu_price, gib_per_vcpu, accelerator in _FAMILY_RATES:
        if family.startswith(prefix):
            # Graviton families ("c7g", "m6gd", ...) cost about a fifth less than x86 ones.
            graviton = accelerator is None and re.fullmatch(r"[a-z]+\d+g[a-z]*", family) is not None
            price = vcpu_price * vcpus * (0.8 if graviton else 1.0)
            return InstanceProfile(round(price, 3), vcpus, gib_per_vcpu * vcpus, accelerator)
    return InstanceProfile(round(0.06 * vcpus, 3), vcpus, 4.0 * vcpus, None)


def _vcpus(size: str) -> int:
    if size == "medium":
        return 1
    if size == "large":
        return 2
    multiple = re.fullmatch(r"(\d*)xlarge", size)
    if multiple:
        return 4 * int(multiple.group(1) or 1)
    return 2


@dataclass(frozen=True)
class BenchmarkTarget:
    """One configuration a job load-tests: an instance type or a serverless config, plus environment values."""

    instance_type: str | None = None
    serverless_config: dict[str, Any] | None = None
    inference_specification_name: str | None = None
    environment: tuple[tuple[str, str], ...] = ()

    def identity(self) -> str:
        """What distinguishes this configuration's results (dictionary order in the request does not)."""
        serverless = sorted((self.serverless_config or {}).items())
        return f"{self.label()}|{serverless}|{self.inference_specification_name}|{self.environment}"

    def label(self) -> str:
        if self.instance_type:
            return self.instance_type
        memory = (self.serverless_config or {}).get("MemorySizeInMB")
        return f"serverless-{memory}MB"

    def model_configuration(self) -> dict[str, Any]:
        configuration: dict[str, Any] = {}
        if self.inference_specification_name:
            configuration["InferenceSpecificationName"] = self.inference_specification_name
        if self.environment:
            configuration["EnvironmentParameters"] = [
                {"Key": key, "ValueType": "String", "Value": value} for key, value in self.environment
            ]
        return configuration


@dataclass(frozen=True)
class Measurement:
    """What one benchmark found: per-instance metrics at the highest load that met the stopping conditions."""

    cost_per_hour: float
    cost_per_inference: float
    max_invocations: int  # Per minute, per instance.
    model_latency_us: int  # Microseconds, at max_invocations.
    cpu_utilization: float
    memory_utilization: float
    model_setup_time_us: int | None  # Microseconds; serverless only.
    instance_count: int
    fits: bool  # The model fits in memory and meets the latency threshold at the lightest load.

    def metrics(self) -> dict[str, Any]:
        metrics: dict[str, Any] = {
            "CostPerHour": self.cost_per_hour,
            "CostPerInference": self.cost_per_inference,
            "MaxInvocations": self.max_invocations,
            "ModelLatency": self.model_latency_us,
            "CpuUtilization": self.cpu_utilization,
            "MemoryUtilization": self.memory_utilization,
        }
        if self.model_setup_time_us is not None:
            metrics["ModelSetupTime"] = self.model_setup_time_us
        return metrics


def _fractions(*parts: object) -> list[float]:
    """Eight numbers in [0, 1) that depend only on `parts`."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).digest()
    return [int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in range(0, 32, 4)]


def measure(model_key: str, target: BenchmarkTarget, stopping_conditions: dict[str, Any] | None) -> Measurement:
    """Synthesize the load test of `model_key` on `target` under the job's stopping conditions."""
    model = _fractions(model_key)
    # A model's single-core latency (ms) and memory footprint (GiB) are properties of the model alone.
    core_latency_ms = 15 + 85 * model[0]
    footprint_gib = 0.5 + 3.5 * model[1]
    jitter = [0.9 + 0.2 * value for value in _fractions(model_key, target.identity())]

    if target.serverless_config:
        memory_gb = target.serverless_config["MemorySizeInMB"] / 1024
        concurrency = target.serverless_config["MaxConcurrency"]
        idle_latency = core_latency_ms * math.sqrt(6 / memory_gb) * jitter[0]
        per_instance_rpm = concurrency * 60_000 / (idle_latency * 2.5)
        hourly_price = memory_gb * _SERVERLESS_GB_SECOND * 3600 * concurrency
        memory_gib, accelerated, setup_seconds = memory_gb, False, 4 + 10 * model[2]
    else:
        profile = instance_profile(target.instance_type or "")
        accelerated = profile.accelerator is not None
        speedup = 4.0 if profile.accelerator == "gpu" else 2.5 if accelerated else 1.0
        idle_latency = core_latency_ms / speedup * jitter[0]
        # Cores (or an accelerator's batching) serve requests in parallel; 70% is a realistic ceiling.
        parallelism = profile.vcpus * (3 if accelerated else 1)
        per_instance_rpm = parallelism * 60_000 / idle_latency * 0.7 * jitter[1]
        hourly_price = profile.hourly_price
        memory_gib, setup_seconds = profile.memory_gib, 60 + 30 * footprint_gib
    saturated_latency = idle_latency * 2.5

    threshold = _latency_threshold_ms(stopping_conditions)
    if threshold is not None and saturated_latency > threshold:
        # The load test stops where latency reaches the threshold, so fewer invocations fit.
        per_instance_rpm *= max(threshold - idle_latency, 0) / (saturated_latency - idle_latency)
        saturated_latency = float(threshold)
    max_invocations = max(int(per_instance_rpm), 1)
    expected_rpm = (stopping_conditions or {}).get("MaxInvocations")
    instance_count = max(1, math.ceil(expected_rpm / max_invocations)) if expected_rpm else 1
    memory_utilization = footprint_gib / memory_gib * 100 + 5
    fits = memory_utilization < 95 and (threshold is None or idle_latency <= threshold)
    return Measurement(
        cost_per_hour=round(hourly_price, 4),
        cost_per_inference=float(f"{hourly_price / (max_invocations * 60):.4g}"),
        max_invocations=max_invocations,
        model_latency_us=int(saturated_latency * MICROSECONDS_PER_MILLISECOND),
        cpu_utilization=round((25 + 20 * jitter[2] if accelerated else 65 + 25 * model[3]) * jitter[3], 2),
        memory_utilization=round(min(memory_utilization, 99.0), 2),
        model_setup_time_us=int(setup_seconds * jitter[4] * MICROSECONDS_PER_SECOND) if target.serverless_config else None,
        instance_count=instance_count,
        fits=fits,
    )


def _latency_threshold_ms(stopping_conditions: dict[str, Any] | None) -> int | None:
    thresholds = (stopping_conditions or {}).get("ModelLatencyThresholds") or []
    values = [threshold["ValueInMilliseconds"] for threshold in thresholds if "ValueInMilliseconds" in threshold]
    return min(values) if values else None


def default_candidates(model_key: str) -> list[str]:
    """The instance types a Default job tries, in an order that depends on the model."""
    return sorted(DEFAULT_CANDIDATES, key=lambda instance_type: _fractions(model_key, "rank", instance_type)[0])
