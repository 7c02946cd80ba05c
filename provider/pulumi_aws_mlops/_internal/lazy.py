"""A package's public names, each imported from its module at first use (PEP 562).

A program imports the resources it declares, and the provider host the providers it unpickles: with every
resource module loaded by the package itself, each would pay for all of them (a third of what a preview of a
stack of datasets spends on this package's imports).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """The package's `__getattr__`: `modules` maps each module (relative to `package`) to the names it exports."""
    home = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f".{module}", package), name)

    return __getattr__
