"""Scanning one function body (or a module's top level) into facts.

One pass over the body's nodes records every call, dotted read, set ordering, ``while`` loop
and state change, with flags for the context (async, inside a sandbox-unrestricted block,
guarded by ``is_replaying()``). Nested functions are left to their own scan.
"""

from __future__ import annotations

import ast
from typing import Any

from replaydbg.rules import arguments, flow, settypes
from replaydbg.rules.astutil import (
    CHILD_FIELDS,
    LEAF_TYPES,
    Positions,
    assigned_self_attrs,
    child_fields,
    dotted,
    is_not_replaying,
    self_attrs,
    subscript_base,
    walk_scope,
)
from replaydbg.rules.facts import (
    DEFAULT_VALUE,
    IN_ASYNC,
    PASSTHROUGH,
    REPLAY_GUARDED,
    UNRESTRICTED,
    CallFact,
    LoopFact,
    MutationFact,
    RawSpan,
    RefFact,
    SetOrderFact,
)

#: Calls that consume an iterable in order (so a set argument is ordered by hash).
_ORDERING_CALLS = frozenset({"list", "tuple", "enumerate", "iter", "next", "zip", "map",
                             "filter", "reversed"})
#: Calls whose result does not depend on iteration order.
_ORDER_FREE = arguments.ORDER_FREE
_MUTATORS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "add",
                       "discard", "update", "setdefault", "popitem", "appendleft",
                       "extendleft", "difference_update", "intersection_update"})


class BodyScanner(ast.NodeVisitor):
    """Collects the facts of one scope; :meth:`scan` may be called for several bodies."""

    _dispatch: dict[type, Any] = {}

    def __init__(self, positions: Positions, *, flags: int = 0,
                 set_names: dict[str, str] | None = None,
                 attr_types: dict[str, str] | None = None) -> None:
        self.pos = positions
        self.flags = flags
        self.set_names: dict[str, str] = dict(set_names or {})
        #: ``self.x`` -> constructor of its value, from the class (see extract).
        self.attr_types = attr_types or {}
        self.awaits_other = False
        self.calls: list[CallFact] = []
        self.refs: list[RefFact] = []
        self.sets: list[SetOrderFact] = []
        self.loops: list[LoopFact] = []
        self.mutations: list[MutationFact] = []
        self.local_names: set[str] = set()
        self.local_types: dict[str, str] = {}
        self.returns_value = False
        self.returns_set: str | None = None
        self.payloads: list[tuple[str, bool, str | None, RawSpan]] = []
        self.imports: list[ast.Import | ast.ImportFrom] = []
        #: Functions defined inside this body, scanned separately.
        self.nested: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self._awaited: set[int] = set()
        self._discarded: set[int] = set()
        self._callees: set[int] = set()
        self._order_free: set[int] = set()
        self._globals: set[str] = set()

    # A leaner walk than NodeVisitor's: the scan is the cold-analysis hot path. Fields and
    # nodes that cannot hold anything of interest (see astutil.child_fields) are skipped.
    def visit(self, node: ast.AST) -> None:  # noqa: D102
        method: Any = self._dispatch.get(node.__class__) or self._method(node.__class__)
        method(self, node)

    @classmethod
    def _method(cls, node_class: type) -> Any:
        method = getattr(cls, f"visit_{node_class.__name__}", BodyScanner.generic_visit)
        cls._dispatch[node_class] = method
        return method

    def generic_visit(self, node: ast.AST) -> None:  # noqa: D102
        dispatch = self._dispatch
        for name in CHILD_FIELDS.get(node.__class__) or child_fields(node.__class__):
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if item.__class__ not in LEAF_TYPES and isinstance(item, ast.AST):
                        (dispatch.get(item.__class__) or self._method(item.__class__))(self, item)
            elif value.__class__ not in LEAF_TYPES and isinstance(value, ast.AST):
                (dispatch.get(value.__class__) or self._method(value.__class__))(self, value)

    def scan(self, nodes: list[ast.stmt] | list[ast.expr], *, extra_flags: int = 0) -> None:
        """Visit ``nodes`` with ``extra_flags`` added to the context."""
        saved = self.flags
        self.flags |= extra_flags
        for node in nodes:
            self.visit(node)
        self.flags = saved

    def add_parameters(self, args: ast.arguments) -> None:
        """Parameters are local names; annotated ones give set and receiver types."""
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is None:
                continue
            self.local_names.add(arg.arg)
            kind = settypes.annotation_kind(arg.annotation)
            if kind is not None:
                self.set_names[arg.arg] = kind
            elif arg.annotation is not None and dotted(arg.annotation):
                self.local_types[arg.arg] = dotted(arg.annotation)

    # Scopes: nested definitions are scanned separately.
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:  # noqa: D102
        self.local_names.add(node.name)
        self.nested.append(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: D102
        self.local_names.add(node.name)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:  # noqa: D102
        # Imports inside functions bind like module-level ones for resolution purposes.
        self.imports.append(node)

    visit_ImportFrom = visit_Import

    def visit_Await(self, node: ast.Await) -> None:  # noqa: D102
        self._awaited.add(id(node.value))
        if not isinstance(node.value, ast.Call):
            self.awaits_other = True
        self.generic_visit(node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:  # noqa: D102
        self.awaits_other = True
        self.visit_For(node)

    def visit_Expr(self, node: ast.Expr) -> None:  # noqa: D102
        self._discarded.add(id(node.value))
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:  # noqa: D102
        if node.value is not None:
            self.returns_value = True
            self.returns_set = self.returns_set or settypes.element_kind(node.value,
                                                                         self.set_names)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:  # noqa: D102
        self._globals.update(node.names)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: D102
        self._callees.add(id(node.func))
        name = dotted(node.func)
        self.calls.append(self._call_fact(node, name))
        self._check_ordering_call(node, name)
        if name.rsplit(".", 1)[-1].startswith(arguments.PAYLOAD_CALLS):
            self.payloads.extend(arguments.payloads(
                [*node.args[1:], *(k.value for k in node.keywords)], self.set_names, self.pos))
        self._check_mutating_call(node)
        if not name:
            self.generic_visit(node)
            return
        # A dotted callee holds nothing more to record (visit_Attribute skips callees).
        for argument in node.args:
            self.visit(argument)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def _call_fact(self, node: ast.Call, name: str) -> CallFact:
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else ""
        keywords: tuple[str, ...] = ()
        refs: tuple[tuple[str, RawSpan], ...] = ()
        star_kwargs = False
        if node.keywords:  # most calls have none: skip building empty tuples the slow way
            keywords = tuple(k.arg for k in node.keywords if k.arg is not None)
            star_kwargs = len(keywords) < len(node.keywords)
            refs = tuple((value, self.pos.span(k.value)) for k in node.keywords
                         if k.arg is not None and (value := dotted(k.value)))
        return CallFact(
            name, method, self.pos.span(node), self.pos.span(func), len(node.args), keywords,
            star_kwargs, id(node) in self._awaited, id(node) in self._discarded, self.flags,
            self._receiver_type(func), refs,
            arguments.passed([*node.args, *(k.value for k in node.keywords)], self.pos)
            if node.args or node.keywords else (),
        )

    def _receiver_type(self, func: ast.expr) -> str:
        if not isinstance(func, ast.Attribute):
            return ""
        receiver = func.value
        if isinstance(receiver, ast.Call):
            return dotted(receiver.func)
        if isinstance(receiver, ast.Name):
            return self.local_types.get(receiver.id, "")
        if isinstance(receiver, ast.Attribute) and self.attr_types:
            return self.attr_types.get(dotted(receiver), "")
        return ""

    def _check_ordering_call(self, node: ast.Call, name: str) -> None:
        if name in _ORDER_FREE:
            self._order_free.update(id(a) for a in node.args)
            return
        if name in _ORDERING_CALLS or (isinstance(node.func, ast.Attribute)
                                       and node.func.attr == "join"):
            for argument in node.args:
                self._set_ordered(argument, f"{name or 'join'}()", fixable=True)
                self._iterated_name(argument)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "pop" and not node.args:
            self._set_ordered(node.func.value, "pop()", fixable=False)

    def _check_mutating_call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _MUTATORS:
            target = dotted(func.value)
            if target and target.count(".") <= 1:
                self._mutation(target, node, "call")

    def _set_ordered(self, node: ast.expr, how: str, *, fixable: bool) -> None:
        kind = settypes.element_kind(node, self.set_names)
        if kind is not None and kind != settypes.SAFE:
            self.sets.append(SetOrderFact(self.pos.span(node), how, kind, self.flags, fixable))

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: D102
        name = dotted(node)
        if not name:
            self.generic_visit(node)
            return
        if id(node) not in self._callees and isinstance(node.ctx, ast.Load) \
                and not name.startswith(("self.", "cls.")):
            self.refs.append(RefFact(name, self.pos.span(node), "load", self.flags))

    def visit_Compare(self, node: ast.Compare) -> None:  # noqa: D102
        for op, right in zip(node.ops, node.comparators, strict=False):
            if isinstance(op, (ast.In, ast.NotIn)) and dotted(right):
                self.refs.append(RefFact(dotted(right), self.pos.span(right), "in", self.flags))
                self._callees.add(id(right))
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:  # noqa: D102
        self._iterated(node.iter, "for")
        self._bind_target(node.target)
        self.generic_visit(node)


    def visit_comprehension(self, node: ast.comprehension) -> None:  # noqa: D102
        self._iterated(node.iter, "comprehension")
        self.generic_visit(node)

    def _visit_ordered_comp(self, node: ast.ListComp | ast.GeneratorExp | ast.DictComp) -> None:
        if id(node) in self._order_free:
            self._order_free.update(id(g.iter) for g in node.generators)
        self.generic_visit(node)

    visit_ListComp = visit_GeneratorExp = visit_DictComp = _visit_ordered_comp

    def visit_SetComp(self, node: ast.SetComp) -> None:  # noqa: D102
        # A set built from a set has no order to lose.
        self._order_free.update(id(g.iter) for g in node.generators)
        self.generic_visit(node)

    def _iterated(self, node: ast.expr, how: str) -> None:
        if id(node) in self._order_free:
            return
        self._iterated_name(node)
        self._set_ordered(node, how, fixable=True)

    def _iterated_name(self, node: ast.expr) -> None:
        """Record ``for k in os.environ`` / ``list(os.environ)`` as an iteration, not a read."""
        if dotted(node) and id(node) not in self._callees:
            self.refs.append(RefFact(dotted(node), self.pos.span(node), "iter", self.flags))
            self._callees.add(id(node))

    def visit_Starred(self, node: ast.Starred) -> None:  # noqa: D102
        self._set_ordered(node.value, "unpacking", fixable=True)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:  # noqa: D102
        self.loops.append(self._loop_fact(node))
        self.generic_visit(node)

    def _loop_fact(self, node: ast.While) -> LoopFact:
        inner = [n for s in node.body for n in walk_scope(s)]
        awaited = tuple(dotted(n.value.func) for n in inner
                        if isinstance(n, ast.Await) and isinstance(n.value, ast.Call))
        start, test = self.pos.span(node), self.pos.span(node.test)
        header = (start[0], start[1], test[2], test[3])
        return LoopFact(
            span=header,
            always_true=isinstance(node.test, ast.Constant) and bool(node.test.value),
            has_await=any(isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for n in inner),
            has_exit=any(isinstance(n, (ast.Break, ast.Return, ast.Raise)) for n in inner),
            condition_attrs=tuple(sorted(self_attrs(ast.walk(node.test)))),
            assigned_attrs=tuple(sorted(assigned_self_attrs(inner))),
            awaited_calls=awaited, flags=self.flags, leaves=flow.leaves(node),
            commands=flow.command_calls(node),
        )

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:  # noqa: D102
        extra = 0
        for item in node.items:
            self.visit(item)
            name = dotted(item.context_expr.func) if isinstance(item.context_expr, ast.Call) \
                else ""
            extra |= UNRESTRICTED if name.endswith("sandbox_unrestricted") else 0
            extra |= PASSTHROUGH if name.endswith("imports_passed_through") else 0
        self.scan(node.body, extra_flags=extra)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:  # noqa: D102
        self.awaits_other = True
        self.visit_With(node)

    def visit_If(self, node: ast.If) -> None:  # noqa: D102
        self.visit(node.test)
        guarded = is_not_replaying(node.test)
        self.scan(node.body, extra_flags=REPLAY_GUARDED if guarded else 0)
        self.scan(node.orelse)

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: D102
        for target in node.targets:
            self._assigned(target, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:  # noqa: D102
        kind = settypes.annotation_kind(node.annotation)
        name = dotted(node.target)
        if kind is not None and name:
            self.set_names[name] = kind
        if node.value is not None:
            self._assigned(node.target, node.value, node)
        elif isinstance(node.target, ast.Name):
            self.local_names.add(node.target.id)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:  # noqa: D102
        self._mutation(dotted(node.target) or subscript_base(node.target), node, "augassign")
        self.generic_visit(node)

    def _assigned(self, target: ast.expr, value: ast.expr, node: ast.stmt) -> None:
        if isinstance(target, ast.Subscript):
            self._mutation(subscript_base(target), node, "subscript")
            return
        name = dotted(target)
        if not name:
            self._bind_target(target)
            return
        kind = settypes.element_kind(value, self.set_names)
        if kind is not None and name not in self.set_names:
            self.set_names[name] = kind
        if isinstance(value, ast.Call) and dotted(value.func) and "." not in name:
            self.local_types[name] = dotted(value.func)
        if isinstance(target, ast.Name):
            if name in self._globals:
                self._mutation(name, node, "global")
            self.local_names.add(name)
        else:
            self._mutation(name, node, "assign")

    def _bind_target(self, target: ast.expr) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self.local_names.add(node.id)

    def _mutation(self, target: str, node: ast.AST, kind: str) -> None:
        if target and (target.startswith("self.") or "." not in target):
            self.mutations.append(MutationFact(target, self.pos.span(node), kind, self.flags))


__all__ = ["BodyScanner", "DEFAULT_VALUE", "IN_ASYNC", "Positions", "dotted"]
