"""The report's located findings as SARIF 2.1.0: code scanning shows them on the lines.

Only groups with a user line become results (an unusable history has none); each says how
many histories it breaks. The rule codes are the replay-backed ones of ``replaydbg check``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from replaydbg import __version__
from replaydbg.errors import InputError
from replaydbg.shadow.outcome import NONDETERMINISM
from replaydbg.shadow.report import Group, ShadowReport, relative

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES = [
    {"id": "RDB901", "name": "replay-divergence",
     "shortDescription": {"text": "the code no longer replays recorded histories"},
     "fullDescription": {"text": "Replaying a recorded history against this code issues a "
                         "different command than the history recorded: deploying it fails "
                         "those workflows with a non-determinism error. Guard the change with "
                         "workflow.patched()."},
     "defaultConfiguration": {"level": "error"}},
    {"id": "RDB902", "name": "replay-task-failure",
     "shortDescription": {"text": "the code raises while replaying recorded histories"},
     "fullDescription": {"text": "A workflow task fails when this code replays a recorded "
                         "history: the workflow is stuck, retrying the task."},
     "defaultConfiguration": {"level": "error"}},
]


def write_sarif(report: ShadowReport, path: str) -> None:
    """Write the SARIF document of ``report`` to ``path``."""
    total = report.totals()["histories"]
    results = [_result(g, total) for g in report.groups() if g.first.path]
    driver = {"name": "replaydbg", "version": __version__, "rules": RULES}
    document = {"$schema": SCHEMA, "version": "2.1.0",
                "runs": [{"tool": {"driver": driver}, "results": results}]}
    try:
        Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write the SARIF report to {path}: {err.strerror}",
                         hint="give a path in a folder that exists and is writable") from err


def _result(group: Group, total: int) -> dict[str, Any]:
    first = group.first
    index = 0 if first.status == NONDETERMINISM else 1
    examples = ", ".join(o.source for o in group.outcomes[:3])
    return {"ruleId": RULES[index]["id"], "ruleIndex": index, "level": "error",
            "message": {"text": f"breaks {group.count} of {total} shadowed histories: "
                        f"{first.message} (e.g. {examples})"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": Path(relative(first.path)).as_posix()},
                "region": {"startLine": first.line}}}]}
