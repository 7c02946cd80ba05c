"""The resource packages load each resource's module at its first use (`_internal/lazy.py`)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ("pulumi_aws_mlops.lookoutequipment", "pulumi_aws_mlops.sagemaker")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves_from_its_own_module(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert value.__module__.startswith(f"{package}.") and value.__name__ == name
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        module.Nothing  # noqa: B018


def test_a_program_declaring_datasets_loads_no_other_resource_module() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from pulumi_aws_mlops.lookoutequipment import Dataset; "
         "print(sorted(m for m in sys.modules if m.startswith('pulumi_aws_mlops.')))"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "pulumi_aws_mlops.lookoutequipment.dataset" in loaded
    for other in ("model", "inference_scheduler", "label_group", "resource_policy", "retraining_scheduler"):
        assert f"pulumi_aws_mlops.lookoutequipment.{other}'" not in loaded
    assert "pulumi_aws_mlops.sagemaker" not in loaded
