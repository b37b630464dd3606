"""Name resolution: which workspace function or external callable a dotted name refers to.

Modules are found the way imports find them on a typical ``sys.path``: by their dotted name
relative to the workspace root *or any of its folders* (``examples/orders/workflows.py`` answers
to ``orders.workflows`` too), preferring the candidate nearest the importing file. Local names
shadow module-level ones; ``self.m()`` resolves within the class and its bases.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from replaydbg.rules.facts import Binding, CallFact, FunctionFacts
from replaydbg.rules.module import ModuleFacts

#: What a few factories return, so that methods on their results resolve (``log.info``).
_FACTORY_TYPES = {"logging.getLogger": "logging.Logger",
                  "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
                  "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
                  "pathlib.Path.cwd": "pathlib.Path", "pathlib.Path.home": "pathlib.Path"}
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


@dataclass(frozen=True)
class Target:
    """A resolved name: an external dotted name, or a module of the workspace and a qualname."""

    external: str = ""
    path: Path | None = None
    qualname: str = ""

    def extended(self, rest: str) -> Target:
        """The target of ``self.rest``."""
        if not rest:
            return self
        if self.path is None:
            return Target(external=f"{self.external}.{rest}")
        return Target(path=self.path, qualname=f"{self.qualname}.{rest}".lstrip("."))


class ModuleIndex:
    """Dotted module names of the workspace's files."""

    def __init__(self, root: Path, paths: list[Path]) -> None:
        self.root = root
        self.names: dict[Path, str] = {}
        self._by_name: dict[str, list[Path]] = {}
        #: First parts of every dotted name that can find a workspace file.
        self.heads: set[str] = set()
        self._splits: dict[tuple[str, Path], Target] = {}
        for path in paths:
            self._register(path)

    def _register(self, path: Path) -> None:
        # String operations: building a relative Path per file costs more than the rest.
        text, root = str(path), str(self.root).rstrip(os.sep) + os.sep
        relative = text[len(root):] if text.startswith(root) else path.name
        parts = relative[:-3].split(os.sep) if relative.endswith(".py") else \
            [*relative.split(os.sep)[:-1], path.stem]
        if parts and parts[-1] == "__init__":
            parts.pop()
        if not parts:
            return
        self.names[path] = ".".join(parts)
        for start in range(len(parts)):
            name = ".".join(parts[start:])
            if start and start == len(parts) - 1 and name in _STDLIB:
                continue  # a workspace file named time.py must not hide the stdlib's
            self._by_name.setdefault(name, []).append(path)
            self.heads.add(parts[start])

    def find(self, name: str, near: Path) -> Path | None:
        """The workspace file of module ``name``, nearest to ``near`` when several match."""
        candidates = self._by_name.get(name)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        return max(candidates, key=lambda p: (_common(p, near), -len(p.parts), str(p)))

    def split(self, full: str, near: Path) -> Target:
        """Split ``pkg.mod.func`` into the longest workspace module prefix and the rest."""
        key = (full, near)
        cached = self._splits.get(key)
        if cached is None:
            cached = self._splits[key] = self._split(full, near)
        return cached

    def _split(self, full: str, near: Path) -> Target:
        parts = full.split(".")
        for end in range(len(parts), 0, -1):
            path = self.find(".".join(parts[:end]), near)
            if path is not None:
                return Target(path=path, qualname=".".join(parts[end:]))
        return Target(external=full)

    def label(self, path: Path) -> str:
        """A short module name for chains (``pricing`` for ``app/pricing.py``)."""
        return self.names.get(path, path.stem).rsplit(".", 1)[-1]


def _common(a: Path, b: Path) -> int:
    count = 0
    for x, y in zip(a.parts, b.parts, strict=False):
        if x != y:
            break
        count += 1
    return count


class Resolver:
    """Resolves dotted names used in one workspace's modules."""

    def __init__(self, index: ModuleIndex, modules: dict[Path, ModuleFacts]) -> None:
        self.index = index
        self.modules = modules
        #: (module id, raw name) -> target, for names that no function scope shadows: the
        #: same few names (``workflow.defn``, ``datetime.now``) are resolved again and again.
        self._global: dict[tuple[int, str], Target | None] = {}
        #: Local names whose type is being worked out: ``s = s.strip()`` types ``s`` by
        #: ``s`` itself, and ``a = b.f(); b = a.g()`` by each other. A name met again while
        #: its own type is pending has no known type (instead of recursing without end).
        self._pending: set[tuple[int, str]] = set()

    def resolve(self, module: ModuleFacts, raw: str,
                function: FunctionFacts | None = None) -> Target | None:
        """What ``raw`` (``a.b.c``) means inside ``function`` of ``module``; None if unknown."""
        if not raw:
            return None
        head, _, rest = raw.partition(".")
        if function is not None and head in ("self", "cls") and function.cls:
            return self._member(module, function.cls, rest)
        if function is not None and head in function.local_names:
            return self._local(module, function, head, rest)
        key = (id(module), raw)
        if key in self._global:
            return self._global[key]
        binding = module.bindings.get(head)
        target = Target(external=f"builtins.{raw}") if binding is None else \
            self._bound(module, binding, rest)
        self._global[key] = target
        return target

    def resolve_call(self, module: ModuleFacts, call: CallFact,
                     function: FunctionFacts | None) -> Target | None:
        """The callee of ``call``, through its receiver's type when the name alone is unknown."""
        target = self.resolve(module, call.callee, function)
        if target is None and call.receiver_type and call.method:
            receiver = self.type_of(module, call.receiver_type, function)
            target = receiver.extended(call.method) if receiver else None
        return target

    def _bound(self, module: ModuleFacts, binding: Binding, rest: str) -> Target | None:
        if binding.kind == "import":
            return self.index.split(_join(self.absolute(module, binding), rest), module.path)
        if binding.kind == "def":
            return Target(path=module.path, qualname=_join(binding.member, rest))
        if not binding.member:
            return None
        key = (id(module), binding.member)
        if key in self._pending:
            return None
        self._pending.add(key)
        try:
            value_type = self.type_of(module, binding.member, None)
        finally:
            self._pending.discard(key)
        return value_type.extended(rest) if value_type else None

    def _local(self, module: ModuleFacts, function: FunctionFacts, head: str,
               rest: str) -> Target | None:
        nested = f"{function.qualname}.{head}"
        if nested in module.functions:
            return Target(path=module.path, qualname=_join(nested, rest))
        constructor = dict(function.local_types).get(head)
        if not constructor or not rest:
            return None
        key = (id(function), head)
        if key in self._pending:
            return None
        self._pending.add(key)
        try:
            value_type = self.type_of(module, constructor, function)
        finally:
            self._pending.discard(key)
        return value_type.extended(rest) if value_type else None

    def _member(self, module: ModuleFacts, cls: str, rest: str) -> Target | None:
        if not rest or "." in rest:
            return None
        seen: set[tuple[Path, str]] = set()
        pending = [(module, cls)]
        while pending:
            owner, name = pending.pop(0)
            if (owner.path, name) in seen or name not in owner.classes:
                continue
            seen.add((owner.path, name))
            if rest in owner.classes[name][0].methods:
                return Target(path=owner.path, qualname=f"{name}.{rest}")
            pending.extend(self._bases(owner, name))
        return None

    def _bases(self, module: ModuleFacts, cls: str) -> list[tuple[ModuleFacts, str]]:
        result = []
        for base in module.classes[cls][0].bases:
            target = self.resolve(module, base)
            if target and target.path in self.modules:
                result.append((self.modules[target.path], target.qualname))
        return result

    def type_of(self, module: ModuleFacts, constructor: str,
                function: FunctionFacts | None) -> Target | None:
        """The type of ``constructor(...)``: the class itself, or a known factory's result."""
        target = self.resolve(module, constructor, function)
        if target is not None and target.external in _FACTORY_TYPES:
            return Target(external=_FACTORY_TYPES[target.external])
        return target

    def absolute(self, module: ModuleFacts, binding: Binding) -> str:
        """The absolute dotted name an import binding refers to."""
        return absolute_name(self.index, module.path, binding)

    def qualified(self, target: Target) -> str:
        """A dotted name for any target (``pkg.mod.func`` for workspace ones)."""
        if target.path is None:
            return target.external
        return _join(self.index.names.get(target.path, target.path.stem), target.qualname)


def absolute_name(index: ModuleIndex, path: Path, binding: Binding) -> str:
    """The absolute dotted name an import binding of the module at ``path`` refers to."""
    base = _join(binding.module, binding.member) if binding.module else binding.member
    if binding.level == 0:
        return base
    package = index.names.get(path, "").split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    package = package[: max(len(package) - (binding.level - 1), 0)]
    return ".".join([*package, base] if base else package)


def imported_paths(module: ModuleFacts, index: ModuleIndex) -> set[Path]:
    """Workspace files ``module`` imports, at module level or in its functions."""
    names = {absolute_name(index, module.path, b) for b in module.bindings.values()
             if b.kind == "import"}
    for fact, _ in module.imports:
        base = absolute_name(index, module.path, Binding("import", module=fact.module,
                                                          level=fact.level))
        names.update([base, *(_join(base, n) for n in fact.names if n != "*")])
    found: set[Path] = set()
    for name in names:
        if name.partition(".")[0] not in index.heads:
            continue  # temporalio, datetime...: most imports are of no workspace module
        target = index.split(name, module.path)
        if target.path is not None:
            found.add(target.path)
        # ``import a.b`` loads package ``a`` too; so does ``from a.b import c``.
        parts = name.split(".")
        for end in range(1, len(parts)):
            parent = index.find(".".join(parts[:end]), module.path)
            if parent is not None:
                found.add(parent)
    return found


def _join(left: str, right: str) -> str:
    return f"{left}.{right}" if left and right else left or right
