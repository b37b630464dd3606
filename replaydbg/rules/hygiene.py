"""Workflow hygiene: loops, shared state, handlers, queries and validators.

These rules need to know what kind of handler a function is (a query must not change state)
or what its loop does (an endless loop of commands grows the history without bound), so they
run on reached functions with their :class:`~replaydbg.rules.reach.Entry` at hand.
"""

from __future__ import annotations

from collections.abc import Iterator

from replaydbg.rules.checks import COMMANDS, FunctionChecker, Issue
from replaydbg.rules.facts import IN_ASYNC, UNRESTRICTED, FunctionFacts, LoopFact
from replaydbg.rules.module import Placed

_CONTINUE = frozenset({"continue_as_new", "is_continue_as_new_suggested"})
_CACHES = frozenset({"functools.lru_cache", "functools.cache", "functools.cached_property"})


def continues_as_new(function: FunctionFacts) -> bool:
    """Whether ``function`` continues as new (or asks whether it should)."""
    return any(c.method in _CONTINUE for c in function.calls)


def loop_issues(placed: Placed) -> Iterator[Issue]:
    """RDB305 (endless loop of commands) and RDB306 (loop that never yields).

    RDB305 is for loops that nothing leaves, issuing commands on every iteration, in a
    function that does not continue as new; the analysis drops it too when a helper the
    function calls continues as new.
    """
    function = placed.facts
    continues = continues_as_new(function)
    for loop in function.loops:
        if loop.flags & UNRESTRICTED:
            continue
        span = placed.span(loop.span)
        if _busy(loop) and loop.flags & IN_ASYNC:
            yield Issue("RDB306", "this loop never awaits, so the workflow cannot make progress "
                        "(deadlock); use await workflow.wait_condition(...)", span)
        elif loop.always_true and not continues and not loop.leaves and loop.commands:
            yield Issue("RDB305", "endless loop issuing commands without continue_as_new: the "
                        "history grows without bound; check "
                        "workflow.info().is_continue_as_new_suggested()", span)


def _busy(loop: LoopFact) -> bool:
    if loop.has_await or loop.has_exit:
        return False
    if loop.always_true:
        return True
    waits_on = set(loop.condition_attrs)
    return bool(waits_on) and not waits_on & set(loop.assigned_attrs)


def state_issues(checker: FunctionChecker, placed: Placed, kind: str) -> Iterator[Issue]:
    """RDB303: a query or update validator that changes state or issues a command."""
    what = "query" if kind == "query" else "update validator"
    for mutation in placed.facts.mutations:
        if mutation.target.startswith("self."):
            yield Issue("RDB303", f"this {what} changes {mutation.target}: queries and "
                        "validators must not change workflow state",
                        placed.span(mutation.span))
    for call in placed.facts.calls:
        _, name = checker.call_name(call, placed.facts)
        if name in COMMANDS:
            yield Issue("RDB303", f"this {what} calls {call.callee}(): queries and validators "
                        "must not issue commands or wait", placed.span(call.span),
                        label=call.callee)


def shared_state_issues(checker: FunctionChecker, placed: Placed) -> Iterator[Issue]:
    """RDB214: mutable module-level state changed from workflow code, or a process cache."""
    function = placed.facts
    bindings = checker.module.bindings
    for mutation in function.mutations:
        name = mutation.target
        if "." in name or name in function.local_names and mutation.kind != "global":
            continue
        binding = bindings.get(name)
        if mutation.kind == "global" or (binding is not None and binding.mutable):
            yield Issue("RDB214", f"changes the module-level {name}: it is shared by every "
                        "workflow run in the worker (and survives replays)",
                        placed.span(mutation.span))
    for decorator in function.decorators:
        target, name = checker.target_name(decorator.name, None)
        if name in _CACHES:
            yield Issue("RDB214", f"@{decorator.name} caches results across workflow runs in "
                        "the worker", placed.span(decorator.span))
