"""The rules that look at one function of workflow code: calls, reads, sets, loops, state.

Each check turns resolved facts into :class:`Issue` objects in file positions; the analysis
adds the call chain, suppression and configuration on top.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from replaydbg.rules import callables
from replaydbg.rules.config import Config
from replaydbg.rules.facts import (
    REPLAY_GUARDED,
    UNRESTRICTED,
    CallFact,
    FunctionFacts,
    RawSpan,
)
from replaydbg.rules.fixes import FixContext, await_fix, call_fix, sorted_fix
from replaydbg.rules.model import Fix, Span
from replaydbg.rules.module import ModuleFacts, Placed
from replaydbg.rules.resolve import Resolver, Target
from replaydbg.rules.settypes import SAFE

WF = "temporalio.workflow."
_ACTIVITY_CALLS = frozenset(WF + n for n in (
    "execute_activity", "start_activity", "execute_activity_method", "start_activity_method",
    "execute_activity_class", "start_activity_class", "execute_local_activity",
    "start_local_activity", "execute_local_activity_method", "start_local_activity_method",
    "execute_local_activity_class", "start_local_activity_class"))
_TIMEOUTS = frozenset({"start_to_close_timeout", "schedule_to_close_timeout"})
_COROUTINES = frozenset({
    *(WF + n for n in ("execute_activity", "execute_activity_method", "execute_activity_class",
                       "execute_local_activity", "execute_local_activity_method",
                       "execute_local_activity_class", "execute_child_workflow",
                       "start_child_workflow", "sleep", "wait_condition", "wait",
                       "execute_update_with_start_workflow")),
    "asyncio.sleep", "asyncio.gather", "asyncio.wait_for"})
#: Calls that issue a command or block: forbidden in queries and update validators.
COMMANDS = frozenset({*_ACTIVITY_CALLS, *_COROUTINES, WF + "continue_as_new",
                      WF + "upsert_search_attributes", WF + "upsert_memo",
                      WF + "get_external_workflow_handle"})
_SILENT_WHEN_GUARDED = frozenset({"RDB210"})


class Issue(NamedTuple):
    """A problem found in one function, in file positions, before chains and filtering.

    A named tuple: as immutable as a frozen dataclass and cheaper to build, by the thousand.
    """

    code: str
    message: str
    span: Span
    fixes: tuple[Fix, ...] = ()
    #: How the offending call is written, e.g. ``datetime.now`` (the chain's last step).
    label: str = ""


class FunctionChecker:
    """Runs the per-function rules over the functions of one module."""

    def __init__(self, resolver: Resolver, module: ModuleFacts, config: Config,
                 fix_context: FixContext) -> None:
        self.resolver = resolver
        self.module = module
        self.config = config
        self.fix = fix_context
        #: (call id, function id) -> callee: several rules ask about the same call.
        self._callees: dict[tuple[int, int], tuple[Target | None, str]] = {}

    def target_name(self, raw: str, function: FunctionFacts | None) -> tuple[Target | None, str]:
        """Resolve ``raw`` and give its qualified name ("" when unknown)."""
        target = self.resolver.resolve(self.module, raw, function)
        return target, self.resolver.qualified(target) if target else ""

    def call_name(self, call: CallFact,
                  function: FunctionFacts | None) -> tuple[Target | None, str]:
        """The callee of ``call``, through its receiver's type when the name alone is unknown."""
        key = (id(call), id(function))
        known = self._callees.get(key)
        if known is None:
            target = self.resolver.resolve_call(self.module, call, function)
            known = self._callees[key] = (target,
                                          self.resolver.qualified(target) if target else "")
        return known

    def check(self, placed: Placed) -> Iterator[Issue]:
        """Every issue in one reached function."""
        function = placed.facts
        for call in function.calls:
            if not call.flags & UNRESTRICTED:
                yield from self._call(placed, call)
        for ref in function.refs:
            if not ref.flags & UNRESTRICTED:
                yield from self._read(placed, ref.name, ref.kind, ref.span)
        for item in function.sets:
            if not item.flags & UNRESTRICTED:
                span = placed.span(item.span)
                yield Issue("RDB201", f"{item.how} over a set of {item.element} values: its "
                            "order changes between processes (hash randomisation); sort it",
                            span, (sorted_fix(span, self.module.path),) if item.fixable else ())
        for name, is_call, kind, raw in function.payloads:
            kind = kind or self._returned_set(name if is_call else
                                              dict(function.local_types).get(name, ""), function)
            if kind is not None and kind != SAFE:
                yield Issue("RDB201", f"{name} is a set of {kind} values passed to an activity "
                            "or child workflow: it is serialised in iteration order, which "
                            "changes between processes (hash randomisation); pass sorted(...)",
                            placed.span(raw), label=name)

    def _returned_set(self, callee: str, function: FunctionFacts) -> str | None:
        """The element kind of the set a workspace function called as ``callee`` returns."""
        if not callee:
            return None
        target = self.resolver.resolve(self.module, callee, function)
        module = self.resolver.modules.get(target.path) if target and target.path else None
        placed = module.functions.get(target.qualname) if module and target else None
        return placed.facts.returns_set if placed is not None else None

    def _call(self, placed: Placed, call: CallFact) -> Iterator[Issue]:
        _, name = self.call_name(call, placed.facts)
        if not name or self._known_safe(name):
            return
        label = call.callee or call.method
        hazard = self._hazard(name, call)
        if hazard is not None and not (call.flags & REPLAY_GUARDED
                                       and hazard.code in _SILENT_WHEN_GUARDED):
            yield self._call_issue(placed, call, hazard, label)
        if name == WF + "unsafe.sandbox_unrestricted":
            yield Issue("RDB401", "sandbox_unrestricted(): the sandbox does not check the code "
                        "in this block; nothing inside it is reported either",
                        placed.span(call.span), label=label)
        yield from self._hygiene(placed, call, name, label)

    def _hazard(self, name: str, call: CallFact) -> callables.Hazard | None:
        if self._configured(name):
            return callables.Hazard("RDB120", "is configured as non-deterministic")
        hazard = callables.lookup(name) or callables.METHODS.get(call.method)
        if hazard is None:
            return _conditional(name, call)
        if name.startswith("os.path.") and self._from_os_path(call.callee):
            return callables.Hazard("RDB207", "touches the filesystem (imported from os.path, "
                                    "so the sandbox does not see it)")
        return hazard

    def _from_os_path(self, raw: str) -> bool:
        binding = self.module.bindings.get(raw.split(".", 1)[0])
        return binding is not None and binding.module == "os.path"

    def _call_issue(self, placed: Placed, call: CallFact, hazard: callables.Hazard,
                    label: str) -> Issue:
        whole, func = placed.span(call.span), placed.span(call.func)
        fix = call_fix(hazard.fix, call, func, whole, self.fix) if hazard.fix else None
        return Issue(hazard.code, f"{label or call.method}() {hazard.what}", whole,
                     (fix,) if fix else (), label)

    def _hygiene(self, placed: Placed, call: CallFact, name: str, label: str) -> Iterator[Issue]:
        if name not in _ACTIVITY_CALLS and name not in _COROUTINES:
            return
        span = placed.span(call.span)
        if name in _ACTIVITY_CALLS and not call.star_kwargs and not _TIMEOUTS & set(call.kwargs):
            yield Issue("RDB301", f"{label}() without start_to_close_timeout or "
                        "schedule_to_close_timeout: the SDK raises when this runs", span,
                        label=label)
        if name in _COROUTINES and call.discarded and not call.awaited:
            fixes = (await_fix(span, self.module.path),) if placed.facts.is_async else ()
            yield Issue("RDB302", f"{label}() is a coroutine that is never awaited: it does "
                        "nothing", span, fixes, label)

    def _read(self, placed: Placed, raw: str, kind: str, span: RawSpan) -> Iterator[Issue]:
        _, name = self.target_name(raw, placed.facts)
        hazard = callables.READS.get(name)
        if hazard is None or self._known_safe(name):
            return
        if name == "os.environ" and kind in ("in", "iter"):
            hazard = callables.Hazard("RDB209", "(membership or iteration) reads the worker's "
                                      "environment, and the sandbox does not catch it")
        yield Issue(hazard.code, f"{raw} {hazard.what}", placed.span(span), label=raw)

    def _known_safe(self, name: str) -> bool:
        return _matches(name, self.config.known_safe)

    def _configured(self, name: str) -> bool:
        return _matches(name, self.config.extra_nondeterministic)


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if pattern.endswith(".*"):
            stem = pattern[:-2]
            if name.startswith(stem + ".") or f".{stem}." in f".{name}":
                return True
        elif name == pattern or name.endswith("." + pattern):
            return True
    return False


def _conditional(name: str, call: CallFact) -> callables.Hazard | None:
    """Callables that are only a problem without some argument."""
    if name in ("time.gmtime", "time.ctime", "time.asctime") and call.nargs == 0:
        return callables.Hazard("RDB203", "without an argument reads the clock")
    if name == "time.strftime" and call.nargs < 2:
        return callables.Hazard("RDB203", "without a time tuple reads the clock")
    if name.endswith(".fromtimestamp") and name.startswith("datetime.") and call.nargs < 2 \
            and "tz" not in call.kwargs:
        return callables.Hazard("RDB204", "without tz uses the host's time zone")
    if call.method == "astimezone" and call.nargs == 0 and not call.kwargs:
        return callables.Hazard("RDB204", "without an argument uses the host's time zone")
    if name == "random.Random" and call.nargs == 0 and not call.kwargs:
        return callables.Hazard("RDB205", "without a seed is seeded from the OS; use "
                                "workflow.new_random() or pass a seed")
    return None
