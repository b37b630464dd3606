"""From one parsed chunk to its facts: bindings, imports, classes, functions, top level."""

from __future__ import annotations

import ast
import re

from replaydbg.rules import flow, settypes
from replaydbg.rules.facts import (
    DEFAULT_VALUE,
    IN_ASYNC,
    PASSTHROUGH,
    Binding,
    ChunkFacts,
    ClassFacts,
    DecoratorFact,
    FunctionFacts,
    ImportFact,
    RawSpan,
)
from replaydbg.rules.scan import BodyScanner, Positions, dotted
from replaydbg.rules.source import ParsedChunk, code_lines

_DIRECTIVE = re.compile(
    r"#\s*(?:replaydbg:\s*ignore(?:\[(?P<codes>[^\]]*)\])?|noqa(?::\s*(?P<noqa>[A-Z0-9, ]+))?)",
)
_MUTABLE_CALLS = frozenset({"list", "dict", "set", "defaultdict", "deque", "Counter",
                            "OrderedDict", "collections.defaultdict", "collections.deque",
                            "collections.Counter", "collections.OrderedDict"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def chunk_facts(parsed: ParsedChunk, text: str) -> ChunkFacts:
    """The facts of one chunk, positions relative to the chunk's first line."""
    lines = code_lines(text, keepends=False)
    extractor = _ModuleExtractor(Positions(lines, ascii_only=text.isascii()))
    extractor.statements(parsed.tree.body, passthrough=False)
    return ChunkFacts(
        bindings=extractor.bindings, functions=extractor.functions,
        classes=extractor.classes, imports=extractor.imports,
        toplevel=extractor.toplevel_facts(),
        # Most chunks hold no directive: skip the per-line scan for them.
        suppressions=suppressions(lines) if "noqa" in text or "replaydbg" in text else {},
        syntax_error=parsed.error,
    )


def suppressions(lines: list[str]) -> dict[int, frozenset[str]]:
    """1-based line -> codes suppressed there (``*`` for a bare directive)."""
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(lines, 1):
        if "#" not in line or ("noqa" not in line and "replaydbg" not in line):
            continue
        for match in _DIRECTIVE.finditer(line):
            codes = match.group("codes") if match.group("codes") is not None \
                else match.group("noqa")
            parsed = frozenset(c.strip() for c in (codes or "*").split(",") if c.strip())
            found[number] = found.get(number, frozenset()) | (parsed or frozenset("*"))
    return found


class _ModuleExtractor:
    """Walks top-level statements; function bodies go to a :class:`BodyScanner` each."""

    def __init__(self, positions: Positions) -> None:
        self.pos = positions
        self.bindings: dict[str, Binding] = {}
        self.functions: list[FunctionFacts] = []
        self.classes: list[ClassFacts] = []
        self.imports: list[ImportFact] = []
        self.top = BodyScanner(positions)

    def toplevel_facts(self) -> FunctionFacts:
        """The module's top level as a pseudo-function named ``<module>``."""
        return _facts(self.top, "<module>", None, self.pos, None, ())

    def statements(self, body: list[ast.stmt], *, passthrough: bool) -> None:
        """Handle a list of module-level statements."""
        for node in body:
            self.statement(node, passthrough=passthrough)

    def statement(self, node: ast.stmt, *, passthrough: bool) -> None:
        """Handle one module-level statement."""
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, passthrough)
        elif isinstance(node, _FUNCTIONS):
            self.bindings[node.name] = Binding("def", member=node.name)
            self.function(node, node.name, None)
        elif isinstance(node, ast.ClassDef):
            self.bindings[node.name] = Binding("def", member=node.name)
            self.klass(node, node.name)
        elif isinstance(node, (ast.With, ast.AsyncWith)) and _passes_through(node):
            self.top.scan([item.context_expr for item in node.items])
            self.statements(node.body, passthrough=True)
        elif isinstance(node, ast.If):
            self.top.visit(node.test)
            self.statements(node.body, passthrough=passthrough)
            self.statements(node.orelse, passthrough=passthrough)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse,
                          node.finalbody):
                self.statements(block, passthrough=passthrough)
        else:
            self._assignment_binding(node)
            self.top.visit(node)

    def _import(self, node: ast.Import | ast.ImportFrom, passthrough: bool,
                local: bool = False) -> None:
        if local:  # a function's own import: bind the name unless the module already does
            saved, count = self.bindings, len(self.imports)
            self.bindings = {}
            self._import(node, passthrough)
            del self.imports[count:]
            self.bindings = {**self.bindings, **saved}
            return
        span = self.pos.span(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else alias.name.split(".")[0]
                self.bindings[name] = Binding("import", module=target)
                self.imports.append(ImportFact(alias.name, 0, (), span, passthrough))
            return
        module = node.module or ""
        for alias in node.names:
            if alias.name != "*":
                self.bindings[alias.asname or alias.name] = Binding(
                    "import", module=module, level=node.level, member=alias.name)
        names = tuple(a.name for a in node.names)
        self.imports.append(ImportFact(module, node.level, names, span, passthrough))

    def _assignment_binding(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            return
        constructor = dotted(value.func) if isinstance(value, ast.Call) else ""
        mutable = isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp,
                                     ast.SetComp)) or constructor in _MUTABLE_CALLS
        for target in targets:
            if isinstance(target, ast.Name):
                self.bindings[target.id] = Binding("value", member=constructor, mutable=mutable)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str,
                 cls: str | None, set_names: dict[str, str] | None = None,
                 attr_types: dict[str, str] | None = None) -> None:
        """Scan a function; its decorators and defaults run at import (the top level)."""
        self.top.scan(node.decorator_list)
        self.top.scan([d for d in [*node.args.defaults, *node.args.kw_defaults] if d],
                      extra_flags=DEFAULT_VALUE)
        scanner = BodyScanner(self.pos, flags=IN_ASYNC if isinstance(node, ast.AsyncFunctionDef)
                              else 0, set_names=set_names, attr_types=attr_types)
        scanner.add_parameters(node.args)
        scanner.scan(node.body)
        for statement in scanner.imports:
            self._import(statement, passthrough=False, local=True)
        decorators = tuple(self._decorator(d) for d in node.decorator_list)
        self.functions.append(_facts(scanner, qualname, cls, self.pos, node, decorators))
        for inner in scanner.nested:
            self.function(inner, f"{qualname}.{inner.name}", cls)

    def klass(self, node: ast.ClassDef, qualname: str) -> None:
        """Scan a class: its body runs at import, its methods are functions."""
        self.top.scan(node.decorator_list)
        self.top.scan(node.bases)
        attribute_sets = _attribute_set_kinds(node)
        attribute_types = _attribute_types(node)
        methods: list[str] = []
        for item in node.body:
            if isinstance(item, _FUNCTIONS):
                methods.append(item.name)
                self.function(item, f"{qualname}.{item.name}", qualname, attribute_sets,
                              attribute_types)
            elif isinstance(item, ast.ClassDef):
                self.klass(item, f"{qualname}.{item.name}")
            else:
                self.top.scan([item], extra_flags=DEFAULT_VALUE)
        self.classes.append(ClassFacts(
            qualname=qualname, span=self._name_span(node),
            decorators=tuple(self._decorator(d) for d in node.decorator_list),
            bases=tuple(dotted(b) for b in node.bases if dotted(b)), methods=tuple(methods),
        ))

    def _decorator(self, node: ast.expr) -> DecoratorFact:
        target = node.func if isinstance(node, ast.Call) else node
        keywords: tuple[tuple[str, str], ...] = ()
        if isinstance(node, ast.Call):
            keywords = tuple((k.arg, repr(k.value.value)) for k in node.keywords
                             if k.arg and isinstance(k.value, ast.Constant))
        return DecoratorFact(dotted(target), self.pos.span(node), keywords)

    def _name_span(self, node: ast.ClassDef) -> RawSpan:
        return name_span(self.pos, node)


def name_span(pos: Positions, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
        -> RawSpan:
    """The span of the name in ``def name`` / ``class name`` (what an editor underlines)."""
    line = pos.lines[node.lineno - 1] if node.lineno <= len(pos.lines) else ""
    column = line.find(node.name, node.col_offset)
    if column < 0:
        return pos.span(node)
    return node.lineno, column, node.lineno, column + len(node.name)


def _facts(scanner: BodyScanner, qualname: str, cls: str | None, pos: Positions,
           node: ast.FunctionDef | ast.AsyncFunctionDef | None,
           decorators: tuple[DecoratorFact, ...]) -> FunctionFacts:
    if node is None:
        span, first, last = (1, 0, 1, 0), 1, len(pos.lines)
    else:
        span = name_span(pos, node)
        first = min([d.lineno for d in node.decorator_list] + [node.lineno])
        last = node.end_lineno or node.lineno
    return FunctionFacts(
        qualname=qualname, cls=cls, span=span,
        is_async=isinstance(node, ast.AsyncFunctionDef), decorators=decorators,
        calls=tuple(scanner.calls), refs=tuple(scanner.refs), sets=tuple(scanner.sets),
        loops=tuple(scanner.loops), mutations=tuple(scanner.mutations),
        local_names=frozenset(scanner.local_names),
        local_types=tuple(scanner.local_types.items()), first_line=first, end_line=last,
        returns_value=scanner.returns_value,
        never_returns=node is not None and flow.never_returns(node.body),
        awaits_other=scanner.awaits_other,
        returns_set=(settypes.annotation_kind(node.returns) if node is not None else None)
        or scanner.returns_set,
        payloads=tuple(scanner.payloads),
    )


def _attribute_set_kinds(node: ast.ClassDef) -> dict[str, str]:
    """``self.x`` -> element kind, from class annotations and ``self.x`` assignments."""
    kinds: dict[str, str] = {}
    for item in _attribute_statements(node):
        if isinstance(item, ast.AnnAssign):
            kind = settypes.annotation_kind(item.annotation)
            target = dotted(item.target)
            if kind is not None and target:
                kinds[target if target.startswith("self.") else f"self.{target}"] = kind
        elif isinstance(item, ast.Assign) and len(item.targets) == 1:
            target = dotted(item.targets[0])
            kind = settypes.element_kind(item.value, {})
            if kind is not None and target.startswith("self."):
                kinds.setdefault(target, kind)
    return kinds


def _attribute_types(node: ast.ClassDef) -> dict[str, str]:
    """``self.x`` -> constructor, for the attribute types the rules need: unbounded queues.

    Kept narrow on purpose: typing every attribute would resolve ``self.x.m()`` calls that
    no rule was written for. ``put()`` on an unbounded ``asyncio.Queue`` never suspends.
    """
    types: dict[str, str] = {}
    for item in _attribute_statements(node):
        value = getattr(item, "value", None)
        targets = getattr(item, "targets", None) or [getattr(item, "target", None)]
        if not isinstance(value, ast.Call) or len(targets) != 1 or targets[0] is None:
            continue
        name, target = dotted(value.func), dotted(targets[0])
        if name.endswith("Queue") and target.startswith("self.") and _unbounded(value):
            types[target] = name
    return types


def _unbounded(call: ast.Call) -> bool:
    sizes = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "maxsize")]
    return all(isinstance(s, ast.Constant) and s.value in (0, None) for s in sizes)


def _attribute_statements(node: ast.ClassDef) -> list[ast.stmt]:
    """Class-level statements and those of ``__init__`` (where attributes are declared)."""
    found: list[ast.stmt] = list(node.body)
    for item in node.body:
        if isinstance(item, _FUNCTIONS) and item.name == "__init__":
            found.extend(item.body)
    return found


def _passes_through(node: ast.With | ast.AsyncWith) -> bool:
    return any(isinstance(i.context_expr, ast.Call)
               and dotted(i.context_expr.func).endswith("imports_passed_through")
               for i in node.items)


__all__ = ["PASSTHROUGH", "chunk_facts", "suppressions"]
