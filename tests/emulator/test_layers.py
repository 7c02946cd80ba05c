"""The emulator's shape: a shared layer that knows no service, services that know only it, moto behind one adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pulumi_aws_mlops.emulator as emulator_package

ROOT = Path(emulator_package.__file__).parent
PACKAGE = "pulumi_aws_mlops.emulator"
SERVICES = ("lookoutequipment", "sagemaker")
# Top-level modules of the package both the resources and the emulator use.
NEUTRAL = {"pulumi_aws_mlops.service_model", "pulumi_aws_mlops.dataset_schema"}
MODULES = sorted(ROOT.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)))


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute, including the `from x import module` forms."""
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _own(imports: set[str]) -> set[str]:
    return {name for name in imports if name.startswith("pulumi_aws_mlops")}


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name == "core"], ids=lambda p: p.name)
def test_the_shared_layer_knows_no_service(path: Path) -> None:
    allowed = (f"{PACKAGE}.core", *NEUTRAL)
    assert {name for name in _own(_imports(path)) if not name.startswith(allowed)} == set()


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name in SERVICES], ids=lambda p: p.parent.name + "/" + p.name)
def test_a_service_knows_only_the_shared_layer_and_itself(path: Path) -> None:
    allowed = (f"{PACKAGE}.core", f"{PACKAGE}.{path.parent.name}", *NEUTRAL)
    assert {name for name in _own(_imports(path)) if not name.startswith(allowed)} == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_adapter_reaches_into_moto(path: Path) -> None:
    moto = {name for name in _imports(path) if name == "moto" or name.startswith("moto.")}
    if path.relative_to(ROOT) == Path("core/moto_adapter.py"):
        return
    # Besides the adapter: the check that moto is installed, and moto's public `mock_aws`.
    assert moto <= {"moto", "moto.mock_aws"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_500_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 500
