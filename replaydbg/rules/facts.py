"""What the extractor records about a module, before any name is resolved.

Facts are computed once per chunk of source text and cached by that text, so they hold raw
dotted names (``dt.datetime.now``) and chunk-relative positions; resolving names against the
module's imports and deciding what is a finding happens later, when the whole workspace is
known (see :mod:`replaydbg.rules.analysis`).

The facts are named tuples rather than frozen dataclasses: as immutable, and several times
cheaper to build, which matters for the thousands of them a cold analysis creates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

#: A chunk-relative span: (line, column, end line, end column), 1-based lines and character
#: columns. A plain tuple, because a module has thousands of facts and few are reported:
#: :meth:`replaydbg.rules.module.Placed.span` builds the :class:`~replaydbg.rules.model.Span`
#: (in file positions) only for those.
RawSpan = tuple[int, int, int, int]

# Bit flags describing where a call or reference sits.
IN_ASYNC = 1
#: Inside ``with workflow.unsafe.sandbox_unrestricted():`` (reported once, as the hatch).
UNRESTRICTED = 2
#: Inside ``if not workflow.unsafe.is_replaying():`` (side effects run once).
REPLAY_GUARDED = 4
#: Inside a ``with workflow.unsafe.imports_passed_through():`` block.
PASSTHROUGH = 8
#: A default value (argument default, class attribute): evaluated once, at import.
DEFAULT_VALUE = 16


class CallFact(NamedTuple):
    """One call expression."""

    #: Dotted name of the callee (``dt.datetime.now``), or "" for other callees.
    callee: str
    #: Last attribute of the callee (``astimezone``), or "" for a plain name.
    method: str
    span: RawSpan
    func: RawSpan
    nargs: int
    kwargs: tuple[str, ...]
    star_kwargs: bool
    awaited: bool
    #: The value is thrown away (an expression statement).
    discarded: bool
    flags: int
    #: Dotted name of the receiver's constructor when known (``Path`` for ``Path(x).open()``).
    receiver_type: str = ""
    #: Dotted names passed as keyword values (``default_factory=datetime.now``).
    value_refs: tuple[tuple[str, RawSpan], ...] = ()
    #: Objects handed over as arguments: a dotted name (``hooks``), or a constructor's
    #: dotted name with ``()`` appended (``Hooks()``), with the argument's span.
    passed: tuple[tuple[str, RawSpan], ...] = ()


class RefFact(NamedTuple):
    """A dotted name read without calling it (``os.environ``, ``sys.argv``)."""

    name: str
    span: RawSpan
    #: ``load``, ``in`` (right side of ``in``) or ``iter`` (iterated).
    kind: str
    flags: int


class SetOrderFact(NamedTuple):
    """A set whose elements may hash differently per process is iterated or ordered."""

    span: RawSpan
    #: What orders it: ``for``, ``comprehension``, ``list()``, ``pop()``...
    how: str
    #: Element kind: ``str``, ``bytes``, ``tuple``, ``unknown``.
    element: str
    flags: int
    fixable: bool


class LoopFact(NamedTuple):
    """A ``while`` loop, with what the loop rules need to know."""

    span: RawSpan
    always_true: bool
    has_await: bool
    #: ``break``, ``return`` or ``raise`` inside the body.
    has_exit: bool
    #: ``self.x`` attributes the condition reads and the body assigns.
    condition_attrs: tuple[str, ...]
    assigned_attrs: tuple[str, ...]
    #: Dotted names of the calls awaited in the body.
    awaited_calls: tuple[str, ...]
    flags: int
    #: A ``return``, or a ``break`` of this loop (not of a loop inside it).
    leaves: bool = False
    #: Dotted names of the calls in the body that add commands (see :mod:`.flow`).
    commands: tuple[str, ...] = ()


class MutationFact(NamedTuple):
    """A change of state: ``target`` is ``self.x`` or a module-level name."""

    target: str
    span: RawSpan
    #: ``assign``, ``augassign``, ``subscript``, ``call`` (``x.append``), ``global``.
    kind: str
    flags: int


class DecoratorFact(NamedTuple):
    """A decorator: its dotted name and constant keyword arguments (``sandboxed=False``)."""

    name: str
    span: RawSpan
    keywords: tuple[tuple[str, str], ...] = ()


class FunctionFacts(NamedTuple):
    """A function or method (or a module's top level, named ``<module>``)."""

    qualname: str
    #: Qualified name of the enclosing class, for ``self.method()`` calls.
    cls: str | None
    span: RawSpan
    is_async: bool
    decorators: tuple[DecoratorFact, ...]
    calls: tuple[CallFact, ...]
    refs: tuple[RefFact, ...]
    sets: tuple[SetOrderFact, ...]
    loops: tuple[LoopFact, ...]
    mutations: tuple[MutationFact, ...]
    #: Names bound locally (parameters, assignments): they shadow module-level names.
    local_names: frozenset[str]
    #: Local variable -> dotted constructor of its value (``p = Path(x)``).
    local_types: tuple[tuple[str, str], ...]
    #: First line (of the decorators, else of ``def``) and last line of the definition,
    #: for function-level suppression comments.
    first_line: int
    end_line: int
    returns_value: bool = False
    #: Cannot return normally (ends in ``await asyncio.Future()`` or a loop never left).
    never_returns: bool = False
    #: Awaits something other than a call (``await task``, ``async with``, ``async for``).
    awaits_other: bool = False
    #: Element kind of the set it returns (annotation or return expression), if a set.
    returns_set: str | None = None
    #: Names and calls passed (maybe inside a constructor) to an activity or child
    #: workflow: (dotted name, is a call, element kind if a known set, span).
    payloads: tuple[tuple[str, bool, str | None, RawSpan], ...] = ()


class ClassFacts(NamedTuple):
    """A class definition."""

    qualname: str
    span: RawSpan
    decorators: tuple[DecoratorFact, ...]
    bases: tuple[str, ...]
    methods: tuple[str, ...]


class Binding(NamedTuple):
    """What a module-level name refers to.

    ``kind`` is ``import`` (``module``/``level``/``member`` say what), ``def`` (a function
    or class of this module, ``member`` is its qualname) or ``value`` (an assignment;
    ``member`` is the dotted constructor when the value is a call, ``mutable`` when it is a
    list, dict or set that code may change).
    """

    kind: str
    module: str = ""
    level: int = 0
    member: str = ""
    mutable: bool = False


class ImportFact(NamedTuple):
    """An ``import`` statement at module level, and whether it is passed through."""

    module: str
    level: int
    names: tuple[str, ...]
    span: RawSpan
    passthrough: bool


@dataclass
class ChunkFacts:
    """Everything one chunk contributes to its module (chunk-relative positions)."""

    bindings: dict[str, Binding]
    functions: list[FunctionFacts]
    classes: list[ClassFacts]
    imports: list[ImportFact]
    toplevel: FunctionFacts
    #: Comment directives: chunk-relative line -> codes ("*" for all).
    suppressions: dict[int, frozenset[str]]
    syntax_error: tuple[int, int, str] | None = None
