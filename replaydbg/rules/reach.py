"""Which functions are workflow code: the entry points and everything they call.

A breadth-first walk from every ``@workflow.defn`` entry method gives each reached function
its shortest call chain, which the findings then name ("reached from OrderWorkflow.run →
pricing.total → datetime.now"). Activities are not entered (calling one directly is not how
workflows run them), nor calls inside ``sandbox_unrestricted()`` blocks, nor callables the
configuration declares safe.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from replaydbg.rules.facts import UNRESTRICTED, FunctionFacts, RawSpan
from replaydbg.rules.memo import Memo
from replaydbg.rules.model import Span
from replaydbg.rules.module import ModuleFacts, Placed
from replaydbg.rules.resolve import Resolver, Target

WORKFLOW = "temporalio.workflow."
_HANDLER_KINDS = {"run": "run", "signal": "signal", "update": "update", "query": "query",
                  "init": "init"}

Key = tuple[Path, str]


@dataclass(frozen=True)
class Entry:
    """A method the SDK calls directly, and what kind of handler it is."""

    key: Key
    cls: str
    kind: str


class Hop(NamedTuple):
    """How a reached function was first reached: from ``parent`` by a call at ``span``."""

    parent: Key | None
    span: Span | None


def workflow_classes(module: ModuleFacts, resolver: Resolver) -> Iterator[tuple[str, bool]]:
    """Qualified names of the module's workflow classes, and whether they are sandboxed."""
    for name, (cls, _) in module.classes.items():
        for decorator in cls.decorators:
            target = resolver.resolve(module, decorator.name)
            if target is not None and resolver.qualified(target) == WORKFLOW + "defn":
                yield name, ("sandboxed", "False") not in decorator.keywords


def entries(module: ModuleFacts, resolver: Resolver) -> list[Entry]:
    """The entry methods of every workflow class of ``module``."""
    found: list[Entry] = []
    for cls, _ in workflow_classes(module, resolver):
        methods = module.classes[cls][0].methods
        for method in methods:
            placed = module.functions.get(f"{cls}.{method}")
            if placed is None:
                continue
            kind = handler_kind(placed.facts, module, resolver, methods)
            if kind:
                found.append(Entry((module.path, placed.facts.qualname), cls, kind))
    return found


def handler_kind(function: FunctionFacts, module: ModuleFacts, resolver: Resolver,
                 methods: tuple[str, ...]) -> str:
    """``run``/``signal``/``update``/``query``/``init``/``validator``, or "" for helpers."""
    if function.qualname.endswith(".__init__"):
        return "init"
    for decorator in function.decorators:
        head, _, tail = decorator.name.rpartition(".")
        if tail == "validator" and head in methods:
            return "validator"
        target = resolver.resolve(module, decorator.name, None)
        name = resolver.qualified(target) if target else ""
        if name.startswith(WORKFLOW) and name[len(WORKFLOW):] in _HANDLER_KINDS:
            return _HANDLER_KINDS[name[len(WORKFLOW):]]
    return ""


class Reach:
    """The reached functions of a workspace with the first hop that reached each."""

    def __init__(self, modules: dict[Path, ModuleFacts], resolver: Resolver,
                 skip: set[str], memo: Memo,
                 on_error: Callable[[Path, str, Exception], None] | None = None) -> None:
        self.modules = modules
        #: Told when resolving a function's calls fails; that function then calls nothing.
        self.on_error = on_error
        self.resolver = resolver
        self.skip = skip
        self.memo = memo
        self.hops: dict[Key, Hop] = {}
        self.entries: dict[Key, Entry] = {}

    def walk(self, starts: list[Entry]) -> None:
        """Breadth-first from ``starts``; the first hop to a function wins (shortest chain)."""
        queue: deque[Key] = deque()
        for entry in starts:
            if entry.key not in self.hops:
                self.hops[entry.key] = Hop(None, None)
                self.entries[entry.key] = entry
                queue.append(entry.key)
        while queue:
            key = queue.popleft()
            placed = self.placed(key)
            for callee, span in self._guarded_callees(key):
                if callee not in self.hops and placed is not None:
                    self.hops[callee] = Hop(key, placed.span(span))
                    queue.append(callee)

    def _guarded_callees(self, key: Key) -> tuple[tuple[Key, RawSpan], ...]:
        try:
            return self.callees(key)
        except Exception as error:  # one function's defect must not stop the walk
            if self.on_error is None:
                raise
            self.on_error(key[0], key[1], error)
            return ()

    def placed(self, key: Key) -> Placed | None:
        """The facts of a reached function."""
        module = self.modules.get(key[0])
        return module.functions.get(key[1]) if module else None

    def callees(self, key: Key) -> tuple[tuple[Key, RawSpan], ...]:
        """Workspace functions called from ``key`` (constructors go to ``__init__``).

        Spans are chunk-relative (shifting every call's span costs more than the walk).
        """
        facts = self.modules[key[0]].functions[key[1]].facts
        return self.memo.get(facts, ("callees", key[0]), lambda: tuple(self._callees(key)))

    def _callees(self, key: Key) -> Iterator[tuple[Key, RawSpan]]:
        module = self.modules[key[0]]
        placed = module.functions[key[1]]
        for call in placed.facts.calls:
            if call.flags & UNRESTRICTED:
                continue
            target = self.resolver.resolve_call(module, call, placed.facts)
            callee = self.function(target)
            if callee is not None:
                yield callee, call.span  # chunk-relative: the caller shifts what it keeps
            elif call.passed and self._outside(target):
                for name, span in call.passed:
                    for method in self._callbacks(module, placed.facts, name):
                        yield method, span

    def _callbacks(self, module: ModuleFacts, function: FunctionFacts,
                   name: str) -> Iterator[Key]:
        """Methods a library may call on an object of a workspace class handed to it.

        Only for classes derived from a class outside the workspace (agent ``RunHooks``,
        a callback interface): the library calls the methods it declares, so the
        overrides run in the workflow. Plain data classes are serialised, not called.
        """
        constructor = name[:-2] if name.endswith("()") else dict(function.local_types).get(name)
        target = self.resolver.resolve(module, constructor, function) if constructor else None
        owner = self.modules.get(target.path) if target and target.path else None
        if owner is None or target is None or target.qualname not in owner.classes:
            return
        cls = owner.classes[target.qualname][0]
        if not any(self._external(owner, base) for base in cls.bases):
            return
        for method in cls.methods:
            key = self.function(Target(path=owner.path, qualname=f"{cls.qualname}.{method}"))
            if key is not None and method != "__init__":
                yield key

    def _external(self, module: ModuleFacts, base: str) -> bool:
        return self._outside(self.resolver.resolve(module, base))

    def _outside(self, target: Target | None) -> bool:
        """Whether ``target`` is library code: outside the workspace, or not defined in it.

        A workspace folder can share a library's name (``agents/`` next to the ``agents``
        package): a name its module does not define is the library's.
        """
        if target is None or target.path is None:
            return _library(target)
        module = self.modules.get(target.path)
        head = target.qualname.split(".", 1)[0]
        return module is None or not head or (head not in module.bindings
                                              and head not in module.classes)

    def function(self, target: Target | None) -> Key | None:
        """The reachable workspace function ``target`` names (not an activity), if any."""
        if target is None or target.path is None or target.path not in self.modules:
            return None
        if self.resolver.qualified(target) in self.skip:
            return None
        module = self.modules[target.path]
        name = target.qualname
        if name in module.classes:
            name = f"{name}.__init__"
        placed = module.functions.get(name)
        if placed is None or _is_activity(placed.facts):
            return None
        return target.path, name

    def chain(self, key: Key) -> list[tuple[Key, Span | None]]:
        """From the entry point to ``key``: each function and the call it makes to the next."""
        steps: list[tuple[Key, Span | None]] = []
        current: Key | None = key
        span: Span | None = None
        while current is not None:
            steps.append((current, span))
            hop = self.hops[current]
            current, span = hop.parent, hop.span
        steps.reverse()
        return steps


def _library(target: Target | None) -> bool:
    """Whether ``target`` is outside the workspace and not Temporal's or Python's own."""
    return target is not None and target.path is None and not target.external.startswith(
        ("temporalio.", "builtins.", "typing.", "abc.", "enum.", "dataclasses."))


def _is_activity(function: FunctionFacts) -> bool:
    return any(d.name.endswith("activity.defn") or d.name == "defn" for d in function.decorators)
