"""Naming a patch: readable in the history's markers, stable, and new to the file.

A patch id is recorded in every history that runs the new code and must keep meaning the
same change forever; reusing an id (even one a removed ``patched()`` call used, still
present in old histories) would replay those histories down the wrong branch. So the id names
the function and the commands the new code issues (``run-send-sms``), and is numbered away
from every id the file, its committed version or the caller knows.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from replaydbg.rules.astutil import dotted

_ACTIVITY_CALLS = frozenset(
    f"{verb}_{kind}{suffix}"
    for verb in ("execute", "start")
    for kind in ("activity", "local_activity")
    for suffix in ("", "_method", "_class"))
_CHILD_CALLS = frozenset({"execute_child_workflow", "start_child_workflow"})
_PATCH_CALLS = frozenset({"patched", "deprecate_patch"})
_MAX_NAMES = 3
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_ID = re.compile(r"[^a-z0-9]+")


def patch_id(function: str, new: Sequence[ast.stmt], old: Sequence[ast.stmt],
             taken: set[str]) -> str:
    """``<function>-<commands the new code issues>``, or ``-without-<removed commands>``.

    Falls back to ``<function>-change-<n>`` when the statements issue no command we know.
    """
    name = kebab(function.rsplit(".", 1)[-1]) or "workflow"
    issued = command_names(new)
    removed = command_names(old)
    if issued:
        return _unique(f"{name}-{'-'.join(issued)}", taken)
    if removed:
        return _unique(f"{name}-without-{'-'.join(removed)}", taken)
    number = 1
    while f"{name}-change-{number}" in taken:
        number += 1
    return f"{name}-change-{number}"


def command_names(statements: Sequence[ast.stmt]) -> list[str]:
    """Activities, child workflows and timers the statements start, kebab-cased, in order."""
    names: list[str] = []
    for node in (n for stmt in statements for n in ast.walk(stmt)):
        if isinstance(node, ast.Call):
            name = _command(node)
            if name and name not in names:
                names.append(name)
    return names[:_MAX_NAMES]


def _command(call: ast.Call) -> str:
    method = dotted(call.func).rsplit(".", 1)[-1]
    if method == "sleep":
        return "timer"
    if method in _ACTIVITY_CALLS or method in _CHILD_CALLS:
        target = call.args[0] if call.args else _keyword(call, "activity", "workflow")
        return kebab(_target_name(target, child=method in _CHILD_CALLS)) if target else ""
    return ""


def _keyword(call: ast.Call, *names: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg in names), None)


def _target_name(target: ast.expr, *, child: bool) -> str:
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        return target.value
    parts = dotted(target).split(".")
    # ``ChildWorkflow.run`` names the child by its class, not by its ``run`` method.
    if child and len(parts) > 1 and parts[-1] == "run":
        return parts[-2]
    return parts[-1]


def kebab(name: str) -> str:
    """``SendSMS``/``send_sms`` -> ``send-sms``: lowercase words joined by dashes."""
    return _NOT_ID.sub("-", _CAMEL.sub("-", name).lower()).strip("-")


def existing_ids(trees: Iterable[ast.Module]) -> set[str]:
    """The ids of the ``patched("...")``/``deprecate_patch("...")`` calls in the trees."""
    found: set[str] = set()
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] in _PATCH_CALLS \
                and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)
    return found


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
