"""The Python language host that sits beside a CLI built here (tools/pulumi/host): the official host's rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

HOST = Path(__file__).resolve().parents[2] / "tools" / "pulumi" / "host" / "language_host.py"


@pytest.fixture(scope="module")
def host() -> ModuleType:
    spec = importlib.util.spec_from_file_location("language_host", HOST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("package", "plugin"), [
    ("1.0", "1.0.0"), ("3.272.0", "3.272.0"), ("1.2.3a4", "1.2.3-alpha.4"), ("1.2.3rc4", "1.2.3-rc.4"),
    ("1.2.3.post4", "1.2.3+post4"), ("1.2.3.post4.dev5", "1.2.3+post4dev5"), ("1.2.3.dev5", "1.2.3+dev5"),
    ("1!2.0", None), ("banana", None),
])
def test_package_versions_become_plugin_versions_as_the_official_host_does(
    host: ModuleType, package: str, plugin: str | None
) -> None:
    assert host.plugin_version(package) == plugin


def test_this_package_asks_for_no_plugin_and_pulumi_aws_for_its_own(host: ModuleType) -> None:
    toolchain = host.PipToolchain(str(Path(sys.prefix).parent), "", {"virtualenv": sys.prefix})
    required = {dependency.name: dependency.version for dependency in host.required_packages(toolchain)}
    assert "aws-mlops" not in required, "pulumi-plugin.json says resource: false"
    assert required.get("aws", "").startswith("v"), "pulumi-aws ships a pulumi-plugin.json naming its plugin"


def test_a_relative_virtualenv_is_found_from_the_project_root(host: ModuleType, tmp_path: Path) -> None:
    toolchain = host.PipToolchain(str(tmp_path), str(tmp_path / "examples" / "app"), {"virtualenv": ".venv"})
    assert toolchain.path == str(tmp_path / ".venv")
    with pytest.raises(host.ToolchainError, match=r"'virtualenv' option in Pulumi.yaml is set to '.venv'.*doesn't exist"):
        toolchain.validate()


def test_only_the_pip_toolchain_is_served(host: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(host.ToolchainError, match="pip toolchain only"):
        host.PipToolchain(str(tmp_path), str(tmp_path), {"toolchain": "uv"})
