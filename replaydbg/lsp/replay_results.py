"""From the project's configuration to a replay request, and from a run to diagnostics.

The language server replays what ``replaydbg check --replay-histories`` would: the folders
``[tool.replaydbg] histories`` lists and the one recent histories are pulled into, against
the project's ``workflows`` (else everything under the root) with its worker setup. A run's
findings become rules findings (the same codes, messages and related history locations as in
CI) keyed by file for the publisher.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from replaydbg.errors import ReplaydbgError
from replaydbg.histcheck.as_rules import as_finding
from replaydbg.histcheck.findings import DIVERGENCE, TASK_FAILURE, UNUSABLE, HistoryFinding
from replaydbg.histcheck.standby import Request
from replaydbg.lsp.analysis import Results
from replaydbg.lsp.history_replays import ReplayRun
from replaydbg.project.pyproject import load_project
from replaydbg.project.specs import SetupSpecs


class Replaying(NamedTuple):
    """What the project's configuration says to replay, read once."""

    #: The replay request (None: no histories, or a broken table).
    request: Request | None
    #: Why nothing is replayed when the table is broken ('' otherwise).
    problem: str
    #: Whether recent histories are pulled (``[tool.replaydbg.recent_histories]``).
    pulls: bool


def replay_request(root: Path) -> Replaying:
    """What to replay for the project at ``root``, and whether it pulls recent histories."""
    try:
        project = load_project(root)
    except ReplaydbgError as err:
        return Replaying(None, f"saved histories are not replayed: {err}", False)
    pulls = project.recent is not None
    if not project.replayed_folders:
        return Replaying(None, "", pulls)
    workflows = project.workflows or (str(root),)
    setup = project.merged_setup(SetupSpecs(), sandbox=None)
    return Replaying(Request(project.replayed_folders, workflows, setup.to_json()), "", pulls)


def run_results(run: ReplayRun, root: Path) -> Results:
    """The run's findings by file.

    Code that cannot be imported shows where the import error says (the innermost frame in
    the project), else on the module just saved.
    """
    results: Results = {}
    for found in run.findings:
        if found.code == UNUSABLE and found.workflow_type and not found.located:
            found = _at_error_line(found, root, run.trigger)
        finding = as_finding(found, run.trigger)
        results.setdefault(finding.path.resolve(), []).append(finding)
    return results


#: A traceback or SyntaxError frame: ``File "path", line N``.
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


def _at_error_line(found: HistoryFinding, root: Path, trigger: Path | None) -> HistoryFinding:
    """``found`` placed on the last frame its message names in a file under ``root``."""
    for path, line in reversed(_FRAME.findall(found.message)):
        where = Path(path)
        if where.is_file() and where.resolve().is_relative_to(root.resolve()):
            return replace(found, path=str(where), line=int(line))
    return found if trigger is None else replace(found, path=str(trigger), line=1)


def broken_counts(run: ReplayRun) -> dict[str, int]:
    """Per workflow type, how many of its saved histories the code breaks."""
    broken: dict[str, int] = {}
    for found in run.findings:
        if found.code in (DIVERGENCE, TASK_FAILURE, UNUSABLE) and found.workflow_type:
            broken[found.workflow_type] = broken.get(found.workflow_type, 0) + found.broken
    return broken
