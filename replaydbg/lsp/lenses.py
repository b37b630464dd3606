"""CodeLens above ``@workflow.run``: how the workflow type fares against its saved histories.

"12 saved histories replay" re-runs them when clicked; "3 of 12 saved histories break" starts
a replay debug session on the first breaking history (the editor's command
:data:`DEBUG_COMMAND`, which the VS Code extension registers; other clients show the count).
The counts come from the language server's last replay run, so the lens is as fresh as the
last save.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from replaydbg.histcheck.findings import UNUSABLE
from replaydbg.lsp.history_replays import ReplayRun
from replaydbg.lsp.replay_results import broken_counts

#: Server command: replay the saved histories again now.
REPLAY_COMMAND = "replaydbg.replayHistories"
#: Server command: pull the recent histories (``[tool.replaydbg.recent_histories]``), replay.
PULL_COMMAND = "replaydbg.pullHistories"
#: Client command: debug a replay of ``historyFile`` with ``workflow``, to its divergence.
DEBUG_COMMAND = "temporalReplay.debugBreakingHistory"


@dataclass(frozen=True)
class WorkflowRun:
    """A ``@workflow.run`` method: its 0-based decorator line, workflow type and class."""

    line: int
    workflow_type: str
    class_name: str


def workflow_runs(text: str) -> list[WorkflowRun]:
    """The run methods of the workflow classes defined at the top of ``text``."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        workflow_type = _defined_type(node)
        if workflow_type is None:
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in item.decorator_list:
                    if _dotted(decorator) in ("workflow.run", "run", "temporalio.workflow.run"):
                        found.append(WorkflowRun(decorator.lineno - 1, workflow_type, node.name))
    return found


def history_lenses(text: str, path: Path, run: ReplayRun | None,
                   running: bool) -> list[types.CodeLens]:
    """One lens per run method whose type has saved histories in ``run``."""
    lenses = []
    broken = broken_counts(run) if run is not None else {}
    for method in workflow_runs(text):
        where = types.Range(types.Position(method.line, 0), types.Position(method.line, 0))
        if run is None or method.workflow_type not in run.totals:
            if running and run is None:
                lenses.append(types.CodeLens(where, types.Command("replaying saved histories…",
                                                                  "")))
            continue
        total = run.totals[method.workflow_type]
        noun = "history" if total == 1 else "histories"
        failing = broken.get(method.workflow_type, 0)
        if not failing:
            title = f"{total} saved {noun} replay" if total > 1 else "1 saved history replays"
            lenses.append(types.CodeLens(where, types.Command(title, REPLAY_COMMAND)))
            continue
        title = f"{failing} of {total} saved {noun} break{'s' if failing == 1 else ''}"
        first = _first_broken(run, method.workflow_type)
        command = types.Command(title, DEBUG_COMMAND, arguments=[{
            "historyFile": first[0], "eventId": first[1],
            "workflow": f"{path}:{method.class_name}"}]) if first else \
            types.Command(title, REPLAY_COMMAND)
        lenses.append(types.CodeLens(where, command))
    return lenses


def _first_broken(run: ReplayRun, workflow_type: str) -> tuple[str, int] | None:
    """A history of the type that the code breaks (a divergence first), and its event."""
    ordered = sorted(run.findings, key=lambda f: f.code == UNUSABLE)
    for found in ordered:
        if found.workflow_type == workflow_type and found.histories:
            return found.histories[0].source, found.histories[0].event_id
    return None


def _defined_type(node: ast.ClassDef) -> str | None:
    """The workflow type a ``@workflow.defn`` class registers (None for other classes)."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = _dotted(call.func if call else decorator)
        if name not in ("workflow.defn", "defn", "temporalio.workflow.defn"):
            continue
        for keyword in call.keywords if call else ():
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) \
                    and isinstance(keyword.value.value, str):
                return keyword.value.value
        return node.name
    return None


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""
