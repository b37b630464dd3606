"""Which modules workflow modules import (at any depth), how, and which of their names.

Import-time code of a module imported without pass-through runs in every sandboxed run, but
its values only matter to workflows through the names they import from it: a workflow module
that takes ``TASK_QUEUE`` from a settings module does not read the ``API_KEY`` that module
computes from the environment. So the closure also keeps, per module, the names imported
from it (``None`` when the whole module is: ``import m``, ``from m import *``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from replaydbg.rules.facts import Binding, ImportFact
from replaydbg.rules.module import ModuleFacts
from replaydbg.rules.resolve import ModuleIndex, absolute_name


@dataclass
class ImportClosure:
    """Modules imported by the roots: normally, passed through, and the names taken."""

    normal: set[Path]
    passed: set[Path] = field(default_factory=set)
    #: Module -> names other modules of the closure import from it; None for all of them.
    wanted: dict[Path, set[str] | None] = field(default_factory=dict)

    def uses(self, path: Path, bound: frozenset[str]) -> bool:
        """Whether a top-level statement of ``path`` binding ``bound`` matters to workflows.

        A statement that binds nothing (a bare call) may act on anything: it matters.
        """
        wanted = self.wanted.get(path)
        return wanted is None or not bound or bool(wanted & bound)


def import_closure(modules: dict[Path, ModuleFacts], index: ModuleIndex,
                   roots: set[Path]) -> ImportClosure:
    """The closure of the imports of ``roots`` (workflow modules: all their names matter)."""
    closure = ImportClosure(normal=set(roots), wanted=dict.fromkeys(roots))
    pending = list(roots)
    while pending:
        module = modules[pending.pop()]
        for fact, _ in module.imports:
            for path, names in _targets(module, fact, index):
                if path not in modules:
                    continue
                _want(closure, path, names)
                if path in closure.normal or path in closure.passed:
                    continue
                passed = fact.passthrough or module.path in closure.passed
                (closure.passed if passed else closure.normal).add(path)
                pending.append(path)
    return closure


def _want(closure: ImportClosure, path: Path, names: set[str] | None) -> None:
    if path not in closure.wanted:
        closure.wanted[path] = set() if names is not None else None
    current = closure.wanted[path]
    if current is not None:
        if names is None:
            closure.wanted[path] = None
        else:
            current.update(names)


def _targets(module: ModuleFacts, fact: ImportFact,
             index: ModuleIndex) -> Iterator[tuple[Path, set[str] | None]]:
    """Each module an import statement loads, and the names it takes from it."""
    base = absolute_name(index, module.path, Binding("import", module=fact.module,
                                                      level=fact.level))
    path = index.find(base, module.path)
    if path is not None:
        whole = not fact.names or "*" in fact.names
        yield path, None if whole else set(fact.names)
    for name in fact.names:
        sub = index.find(f"{base}.{name}", module.path) if name != "*" else None
        if sub is not None:
            yield sub, None
