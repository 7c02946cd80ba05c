"""The constraints the resources read straight from the service models' JSON are the ones botocore's model holds, and
importing the resources loads neither boto3 nor botocore's session, client or waiter modules (a provider host starts
afresh for every `pulumi preview`)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from botocore.model import StructureShape

from pulumi_aws_mlops.service_model import (
    constraints_of,
    member_constraints,
    service_model,
    service_shapes,
    shape_constraints,
)


@pytest.mark.parametrize("service", ["lookoutequipment", "sagemaker"])
def test_constraints_read_from_the_json_are_botocores(service: str) -> None:
    model = service_model(service)
    for name in service_shapes(service):
        shape = model.shape_for(name)
        assert shape_constraints(service, name) == constraints_of(shape), name
        if isinstance(shape, StructureShape):
            for member, member_shape in shape.members.items():
                assert member_constraints(service, name, member) == constraints_of(member_shape), f"{name}.{member}"


def test_importing_the_resources_loads_no_aws_client_code() -> None:
    heavy = ["boto3", "botocore.session", "botocore.client", "botocore.waiter", "botocore.loaders", "regex"]
    code = ("import sys; import pulumi_aws_mlops.lookoutequipment, pulumi_aws_mlops.sagemaker; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
