"""What a call's arguments hand over: serialised payloads, and objects a library calls back.

Both are read off the AST of one call, for facts (see :mod:`.scan`): the values an activity
or child workflow receives are serialised in iteration order (a set of strings gives another
payload in another process), and an object of your class handed to a library may have its
methods called from the workflow (agent hooks).
"""

from __future__ import annotations

import ast

from replaydbg.rules import settypes
from replaydbg.rules.astutil import Positions, dotted
from replaydbg.rules.facts import RawSpan

#: Calls whose arguments are serialised into the history (their order matters on replay).
PAYLOAD_CALLS = ("execute_activity", "start_activity", "execute_local_activity",
                 "start_local_activity", "execute_child_workflow", "start_child_workflow")
#: Calls whose result does not depend on the order of their argument.
ORDER_FREE = frozenset({"sorted", "set", "frozenset", "len", "sum", "min", "max", "any",
                        "all", "bool"})

Payload = tuple[str, bool, "str | None", RawSpan]


def payloads(values: list[ast.expr], set_names: dict[str, str],
             pos: Positions) -> list[Payload]:
    """Names and calls among ``values``, inside constructors too (``Input(nodes=nodes)``).

    Each is (dotted name, is a call, element kind when a known set, span); the analysis
    follows names to their helper's return value.
    """
    found: list[Payload] = []
    for value in values:
        if isinstance(value, ast.Call):
            callee = dotted(value.func)
            if callee in ORDER_FREE:
                continue
            if callee:
                found.append((callee, True, None, pos.span(value)))
            found.extend(payloads([*value.args, *(k.value for k in value.keywords)],
                                  set_names, pos))
        elif dotted(value):
            found.append((dotted(value), False, settypes.element_kind(value, set_names),
                          pos.span(value)))
    return found


def passed(values: list[ast.expr], pos: Positions) -> tuple[tuple[str, RawSpan], ...]:
    """Objects handed over: a plain name, or ``Cls()`` (a constructor without arguments)."""
    found: list[tuple[str, RawSpan]] = []
    for value in values:
        if isinstance(value, ast.Call) and not value.args and dotted(value.func):
            found.append((dotted(value.func) + "()", pos.span(value)))
        elif isinstance(value, ast.Name):
            found.append((value.id, pos.span(value)))
    return tuple(found)
