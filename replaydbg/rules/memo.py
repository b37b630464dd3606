"""What one analysis hands to the next: per-function results, valid while names stay alike.

An edit inside a function body leaves the workspace's *names* alone: the module bindings,
the functions with their decorators, the classes, the imports and the configuration. While
they are unchanged, a function whose facts are the same object as before (its chunk came
from the cache) calls the same things and has the same issues, so only the edited chunk's
functions are checked again. Any change of names empties the memo; so does a new workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from replaydbg.rules.config import Config
from replaydbg.rules.module import ModuleFacts
from replaydbg.rules.resolve import ModuleIndex

T = TypeVar("T")


def workspace_names(modules: dict[Path, ModuleFacts], index: ModuleIndex,
                    config: Config) -> tuple[object, ...]:
    """Everything name resolution and the per-function rules read beyond a function's facts.

    Class and function positions are left out (a line added above them keeps them valid:
    the memo keys results by the function's line offset), import positions are not (fixes
    insert imports next to them).
    """
    return (config, tuple(index.names.items()), tuple(
        (path, tuple(module.bindings.items()),
         tuple((name, placed.facts.decorators, placed.facts.cls)
               for name, placed in module.functions.items()),
         tuple((name, cls) for name, (cls, _) in module.classes.items()),
         tuple(module.imports))
        for path, module in modules.items()))


class Memo:
    """Results keyed by the identity of the facts they were computed from.

    Entries not used by an analysis are dropped at the next one, which bounds the memo to
    one workspace's worth. Not thread-safe, like the :class:`Workspace` that owns it.
    """

    def __init__(self) -> None:
        self._names: tuple[object, ...] | None = None
        self._current: dict[Hashable, tuple[object, Any]] = {}
        self._previous: dict[Hashable, tuple[object, Any]] = {}

    def begin(self, names: tuple[object, ...]) -> None:
        """Start an analysis of a workspace whose names are ``names``."""
        self._previous = self._current if names == self._names else {}
        self._current = {}
        self._names = names

    def get(self, owner: object, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave last time for the same ``owner`` object and ``key``."""
        full = (id(owner), key)
        hit = self._current.get(full) or self._previous.get(full)
        if hit is None or hit[0] is not owner:  # an id may be reused once its object is gone
            hit = (owner, compute())
        self._current[full] = hit
        return hit[1]
