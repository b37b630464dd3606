"""Exact findings on real, public workflow code (temporalio/samples-python, pinned).

Every finding on code that Temporal's own engineers ship is suspect: each one asserted here
was reasoned true (see corpus/samples_python/README.md), so a new finding is a false
positive to fix and a missing one is lost recall.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from replaydbg.rules import Config, Workspace

CORPUS = Path(__file__).resolve().parent / "corpus" / "samples_python"

#: (code, path in the corpus, 1-based line) of every finding, in path and line order.
EXPECTED = [
    # run returns once _done is set while message_from_user may still wait (true).
    ("RDB304", "langsmith_tracing/chatbot/workflows.py", 86),
    # perform_health_checks passes a set[str] from a helper's return value to an activity.
    ("RDB201", "message_passing/safe_message_handlers/workflow.py", 203),
    # print in the methods of agent hooks handed to Runner.run from the workflow.
    ("RDB210", "openai_agents/basic/workflows/agent_lifecycle_workflow.py", 15),
    ("RDB210", "openai_agents/basic/workflows/agent_lifecycle_workflow.py", 23),
    ("RDB210", "openai_agents/basic/workflows/agent_lifecycle_workflow.py", 31),
    ("RDB210", "openai_agents/basic/workflows/agent_lifecycle_workflow.py", 39),
    ("RDB210", "openai_agents/basic/workflows/agent_lifecycle_workflow.py", 47),
    ("RDB210", "openai_agents/basic/workflows/lifecycle_workflow.py", 25),
    ("RDB210", "openai_agents/basic/workflows/lifecycle_workflow.py", 33),
    ("RDB210", "openai_agents/basic/workflows/lifecycle_workflow.py", 41),
    ("RDB210", "openai_agents/basic/workflows/lifecycle_workflow.py", 49),
    ("RDB210", "openai_agents/basic/workflows/lifecycle_workflow.py", 57),
    # print("Done!") in run itself.
    ("RDB210", "openai_agents/basic/workflows/lifecycle_workflow.py", 105),
    # os.getpid() in run (the sample shows which process ran it).
    ("RDB105", "worker_multiprocessing/workflows.py", 14),
]


def test_the_corpus_is_third_party_data_only() -> None:
    assert (CORPUS / "LICENSE").read_text().startswith("The MIT License")
    assert "e652a4d0e85042a34ec8fc46a4a03e51681fd7f9" in (CORPUS / "README.md").read_text()
    names = [p.name for p in CORPUS.rglob("*.py")]
    assert not [n for n in names if n.startswith("test_") or n.endswith("_test.py")]
    assert sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()) < 300_000


def test_the_engine_reports_exactly_the_reasoned_findings() -> None:
    found = Workspace(CORPUS, Config()).analyze()
    actual = [(f.code, path.relative_to(CORPUS).as_posix(), f.span.start.line)
              for path, items in sorted(found.items()) for f in items]
    assert actual == EXPECTED


def test_check_reports_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLAYDBG_CACHE_DIR", str(tmp_path))
    result = subprocess.run([sys.executable, "-mreplaydbg", "check", "--format", "json", "."],
                            cwd=CORPUS, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    actual = sorted((f["code"], f["path"], f["span"]["line"]) for f in json.loads(result.stdout))
    assert actual == sorted(EXPECTED)
