"""Names a package re-exports, imported on first use.

A package's ``__init__`` that imports every re-exported module makes any import of one of its
light modules pay for all of them (the SDK's client, protobufs, the replay engine: ~0.4 s).
The debug adapter must answer ``initialize`` and forward ``launch`` before that cost
matters, so the packages bind their exports lazily (PEP 562) instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, namespace: dict[str, Any],
                 where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` importing ``name`` from ``where[name]`` on first access."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # bound now: the next access is a plain lookup
        return value

    return __getattr__
