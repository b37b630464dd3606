"""Control flow that the hygiene rules need, read off the AST of one function.

Whether a ``while`` loop can be left (``break`` at its own level, ``return``), whether it
issues commands on its iterations, and whether a function can return at all (``run`` that
ends in ``await asyncio.Future()`` or in a loop without exit serves handlers until the
workflow is terminated or continued as new). Purely syntactic, like the rest of the facts.
"""

from __future__ import annotations

import ast

from replaydbg.rules.astutil import dotted

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_CONDITIONAL = (ast.If, ast.IfExp, ast.Match, ast.ExceptHandler, ast.BoolOp, *_LOOPS)
#: Workflow calls that add a command to the history each time they run.
_COMMAND_PREFIXES = ("execute_activity", "start_activity", "execute_local_activity",
                     "start_local_activity", "execute_child_workflow", "start_child_workflow",
                     "sleep", "signal", "upsert_", "execute_update", "start_update")
#: Awaiting these never completes by itself.
_FOREVER = frozenset({"asyncio.Future", "Future"})


def leaves(loop: ast.While) -> bool:
    """Whether the body can leave ``loop``: a ``return``, or a ``break`` of this loop."""
    pending: list[tuple[ast.AST, bool]] = [(s, False) for s in loop.body]
    while pending:
        node, nested = pending.pop()
        if isinstance(node, ast.Return) or (isinstance(node, ast.Break) and not nested):
            return True
        inner = nested or isinstance(node, _LOOPS)
        pending.extend((c, inner) for c in ast.iter_child_nodes(node)
                       if not isinstance(c, _SCOPES))
    return False


def command_calls(loop: ast.While) -> tuple[str, ...]:
    """Dotted names of the calls that add a command to the history on every iteration.

    Calls under an ``if``, ``match``, ``except`` or inner loop may not run on each one
    and are left out. ``wait_condition`` adds a command (a timer) only with a timeout;
    without, it just waits.
    """
    found: list[str] = []
    pending: list[ast.AST] = list(loop.body)
    while pending:
        node = pending.pop()
        if not isinstance(node, _CONDITIONAL):
            pending.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, _SCOPES))
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if last.startswith(_COMMAND_PREFIXES) or (
                last == "wait_condition" and _has_timeout(node)):
            found.append(name)
    return tuple(found)


def _has_timeout(call: ast.Call) -> bool:
    return len(call.args) > 1 or any(k.arg in ("timeout", None) for k in call.keywords)


def never_returns(body: list[ast.stmt]) -> bool:
    """Whether a function with this body cannot return normally.

    A top-level statement that awaits a bare future (``await asyncio.Future()``), a
    condition that is never true (``wait_condition(lambda: False)``) or a ``while True``
    loop that nothing leaves; anything nested in an ``if`` may be skipped.
    """
    for statement in body:
        if isinstance(statement, ast.While) and _always_true(statement.test) \
                and not leaves(statement):
            return True
        value = getattr(statement, "value", None)
        if isinstance(value, ast.Await) and isinstance(value.value, ast.Call) \
                and _forever(value.value):
            return True
    return False


def _forever(call: ast.Call) -> bool:
    name = dotted(call.func)
    if name.endswith("wait_condition") and call.args and not _has_timeout(call):
        condition = call.args[0]  # wait_condition(lambda: False)
        return isinstance(condition, ast.Lambda) and isinstance(condition.body, ast.Constant) \
            and not condition.body.value
    return (name in _FOREVER and not call.args) or name.endswith(".create_future")


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value)
