"""The waiters written as data (each service's waiters.py), linted against their service models as botocore
lints its own (botocore's tests/functional/test_waiter_config.py): Lookout for Equipment and SageMaker alike."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_aws_mlops.lookoutequipment.waiters import DEFINITIONS as LOOKOUT_EQUIPMENT
from pulumi_aws_mlops.sagemaker.waiters import DEFINITIONS as SAGEMAKER
from pulumi_aws_mlops.service_model import service_model

WAITERS: dict[str, dict[str, dict[str, Any]]] = {"lookoutequipment": LOOKOUT_EQUIPMENT, "sagemaker": SAGEMAKER}
CASES = [(service, name) for service, definitions in WAITERS.items() for name in sorted(definitions)]


@pytest.mark.parametrize(("service", "name"), CASES, ids=[f"{service}.{name}" for service, name in CASES])
def test_waiter_matches_the_service_model(service: str, name: str) -> None:
    """Real operation, real status member and values, real errors, known states, every status decided."""
    definition = WAITERS[service][name]
    operation = service_model(service).operation_model(definition["operation"])
    statuses = set(operation.output_shape.members["Status"].enum)
    decided = set()
    for acceptor in definition["acceptors"]:
        assert acceptor["state"] in ("success", "failure", "retry")
        if acceptor["matcher"] == "path":
            assert acceptor["argument"] == "Status"
            assert acceptor["expected"] in statuses
            decided.add(acceptor["expected"])
        else:
            assert acceptor["matcher"] == "error"
            assert acceptor["expected"] in {error.name for error in operation.error_shapes}
    assert decided == statuses, f"statuses no acceptor decides: {sorted(statuses - decided)}"
    for path in definition.get("reasonPaths", []):
        assert path in operation.output_shape.members
