"""RDB304: ``run`` may return while signal or update handlers are still running.

The SDK warns (and the handlers' work is lost) when a workflow completes while an async
handler is suspended. That needs three things at once, each checked here over the functions
reached from ``run`` or from the handler:

- a handler can be suspended across workflow tasks: it awaits something that can wait
  (a timer, an activity, a condition, a lock, an unknown coroutine), not only what completes
  at once (``put()`` on an unbounded ``asyncio.Queue``);
- ``run`` can return: it does not end in ``await asyncio.Future()`` or a loop never left;
- ``run`` never waits for ``workflow.all_handlers_finished``, named or called, directly, in a
  lambda or compound condition, or in a helper it calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from replaydbg.rules.checks import FunctionChecker, Issue
from replaydbg.rules.facts import CallFact, FunctionFacts
from replaydbg.rules.module import ModuleFacts
from replaydbg.rules.reach import Key, Reach

#: Awaited calls that complete without giving up the workflow task.
_NEVER_SUSPEND = frozenset({"asyncio.Queue.put", "asyncio.LifoQueue.put",
                            "asyncio.PriorityQueue.put"})
_WAIT_FOR_HANDLERS = "all_handlers_finished"


class HandlerRules:
    """RDB304 for the workflow classes of one analysis."""

    def __init__(self, modules: dict[Path, ModuleFacts], reach: Reach,
                 checker: Callable[[Path], FunctionChecker]) -> None:
        self.modules = modules
        self.reach = reach
        self.checker = checker

    def issues(self, run: Key, handlers: list[Key]) -> Iterator[Issue]:
        """RDB304 on ``run`` when one of ``handlers`` may outlive it."""
        placed = self.modules[run[0]].functions[run[1]]
        if placed.facts.never_returns or not any(self._suspends(h, set()) for h in handlers):
            return
        if any(self._waits_for_handlers(self._facts(key)) for key in self._scope(run)):
            return
        yield Issue("RDB304", "run may return while signal or update handlers are still "
                    "running; end it with await workflow.wait_condition("
                    "workflow.all_handlers_finished)", placed.span(placed.facts.span))

    def _facts(self, key: Key) -> FunctionFacts:
        return self.modules[key[0]].functions[key[1]].facts

    def _scope(self, start: Key) -> Iterator[Key]:
        """``start`` and every workspace function it reaches."""
        seen, pending = {start}, [start]
        while pending:
            key = pending.pop()
            yield key
            for callee, _ in self.reach.callees(key):
                if callee not in seen:
                    seen.add(callee)
                    pending.append(callee)

    @staticmethod
    def _waits_for_handlers(facts: FunctionFacts) -> bool:
        return any(r.name.endswith(_WAIT_FOR_HANDLERS) for r in facts.refs) or any(
            c.callee.endswith(_WAIT_FOR_HANDLERS) for c in facts.calls)

    def _suspends(self, key: Key, seen: set[Key]) -> bool:
        """Whether the async function ``key`` may give up the workflow task mid-way."""
        seen.add(key)
        facts = self._facts(key)
        if not facts.is_async:
            return False
        if facts.awaits_other:
            return True
        checker = self.checker(key[0])
        for call in facts.calls:
            if call.awaited and self._call_suspends(checker, call, facts, seen):
                return True
        return False

    def _call_suspends(self, checker: FunctionChecker, call: CallFact, facts: FunctionFacts,
                       seen: set[Key]) -> bool:
        target, name = checker.call_name(call, facts)
        if name in _NEVER_SUSPEND:
            return False
        callee = self.reach.function(target)
        if callee is None or not self._facts(callee).is_async:
            return True  # anything unknown may wait
        return callee not in seen and self._suspends(callee, seen)
