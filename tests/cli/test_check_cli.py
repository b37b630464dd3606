"""``replaydbg check`` through the real entry point (``python -mreplaydbg check``)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from .conftest import EXAMPLES, Result, run_cli

FLOW = """\
import time
from datetime import datetime

from temporalio import workflow

import helpers


@workflow.defn
class Flow:
    @workflow.run
    async def run(self) -> None:
        time.sleep(1)
        helpers.stamp()
        with workflow.unsafe.sandbox_unrestricted():
            datetime.now()
"""
HELPERS = """\
import uuid


def stamp() -> str:
    return str(uuid.uuid4())
"""


@pytest.fixture(autouse=True)
def _cache_folder(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the facts cache of every check run here in a temporary folder."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("REPLAYDBG_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "flows.py").write_text(FLOW)
    (tmp_path / "helpers.py").write_text(HELPERS)
    return tmp_path


def test_text_output_and_exit_1(project: Path) -> None:
    result = run_cli("check", ".", cwd=project)
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    assert lines[0] == "flows.py:13:9: RDB102 time.sleep() blocks the workflow thread"
    assert lines[1].startswith("flows.py:15:14: RDB401 sandbox_unrestricted()")
    assert lines[2] == ("helpers.py:5:16: RDB104 uuid.uuid4() is random (reached from Flow.run "
                        "→ helpers.stamp → uuid.uuid4)")
    assert lines[-1] == "Found 3 finding(s): 2 error, 1 information."


def test_json_output_has_chain_and_fix(project: Path) -> None:
    result = run_cli("check", "--format", "json", str(project / "helpers.py"), cwd=project)
    assert result.code == 1, result.err
    [finding] = json.loads(result.out)
    assert finding["code"] == "RDB104"
    assert [s["label"] for s in finding["chain"]] == ["Flow.run", "helpers.stamp"]
    assert finding["fixes"][0]["title"] == "Use workflow.uuid4()"
    edits = finding["fixes"][0]["edits"]
    assert edits[0]["new_text"] == "workflow.uuid4()"
    assert edits[1]["new_text"] == "from temporalio import workflow\n"
    page, _, anchor = finding["doc_url"].partition("#")
    assert page.startswith("file:///") and anchor == "rdb104"
    installed = Path(url2pathname(urlparse(page).path))
    assert '<a id="rdb104"></a>' in installed.read_text()


def test_sarif_is_2_1_0_with_rules_and_related_locations(project: Path) -> None:
    result = run_cli("check", "--format", "sarif", ".", cwd=project)
    assert result.code == 1, result.err
    sarif = json.loads(result.out)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] in ("error", "warning", "note")
        region = item["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["RDB401"]["level"] == "note"
    assert run["tool"]["driver"]["informationUri"].startswith("file:///")
    assert all(r["helpUri"].startswith("file:///") and r["helpUri"].endswith(f"#{r['id'].lower()}")
               for r in rules)
    related = by_rule["RDB104"]["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "flows.py"
    fix = by_rule["RDB102"]["fixes"][0]["artifactChanges"][0]
    assert fix["replacements"][0]["insertedContent"]["text"] == "await asyncio.sleep"


def test_clean_code_exits_0_and_hatches_alone_do_not_fail(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(textwrap.dedent("""\
        from temporalio import workflow

        @workflow.defn(sandboxed=False)
        class Flow:
            @workflow.run
            async def run(self) -> str:
                return str(workflow.now())
        """))
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert "RDB402" in result.out


def test_select_ignore_and_pyproject(project: Path) -> None:
    assert run_cli("check", "--ignore", "RDB1", ".", cwd=project).code == 0
    selected = run_cli("check", "--select", "RDB104", ".", cwd=project)
    assert [line.split()[1] for line in selected.out.splitlines()[:-1]] == ["RDB104"]
    (project / "pyproject.toml").write_text('[tool.replaydbg]\nignore = ["RDB10"]\n')
    assert run_cli("check", ".", cwd=project).code == 0


def test_usage_errors_exit_2(project: Path) -> None:
    missing = run_cli("check", "missing.py", cwd=project)
    assert missing.code == 2 and "no such file" in missing.err
    assert run_cli("check", "--format", "xml", ".", cwd=project).code == 2
    assert run_cli("check", "--select", "XYZ", ".", cwd=project).code == 2


def test_suppression_comment(project: Path) -> None:
    text = FLOW.replace("time.sleep(1)", "time.sleep(1)  # replaydbg: ignore[RDB102]")
    (project / "flows.py").write_text(text)
    result = run_cli("check", "flows.py", cwd=project)
    assert "RDB102" not in result.out


def test_bundled_examples(cli) -> None:
    # Both findings are real: the recorded incident's wall-clock stamp in a helper, and
    # fault_injection's module-level switch shared by every run in the worker (harmless only
    # because nothing arms it during replays). The incidents' order loops end with a return:
    # no unbounded history.
    result = cli("check", "--no-cache", str(EXAMPLES))
    assert result.code == 1
    found = [line.split()[:2] for line in result.out.splitlines()[:-1]]
    assert [(Path(where.split(":")[0]).name, code) for where, code in found] == [
        ("workflows.py", "RDB101"), ("fault_injection.py", "RDB214")]
    assert "incidents" in found[0][0]


_FAULTY_CHECK = """
import sys
from replaydbg.cli import main
from replaydbg.rules import workspace

original = workspace.parsed_chunks


def failing(text, *args):
    if text.startswith("x = 1"):
        raise RecursionError("maximum recursion depth exceeded")
    return original(text, *args)


workspace.parsed_chunks = failing
sys.exit(main(sys.argv[1:]))
"""


def test_a_file_that_cannot_be_analysed_exits_3_not_1(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(FLOW.replace("import helpers", "import deep, helpers"))
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "deep.py").write_text("x = 1\n")
    # No input makes the analysis fail any more: a planted fault stands in for a future one.
    proc = subprocess.run([sys.executable, "-c", _FAULTY_CHECK, "check", "--no-cache",
                           "--format", "json", "."], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    assert result.code == 3, result.err
    found = json.loads(result.out)
    assert [(f["path"], f["code"]) for f in found] == [
        ("deep.py", "RDB002"), ("flows.py", "RDB102"), ("flows.py", "RDB401"),
        ("helpers.py", "RDB104")]
    assert "could not be analysed (RDB002)" in result.err


def test_an_expression_too_deep_to_compile_is_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(FLOW.replace("import helpers", "import deep, feed, helpers"))
    (tmp_path / "helpers.py").write_text(HELPERS)
    # Python's own parser gives up on this expression (RecursionError): so would Python.
    (tmp_path / "deep.py").write_text("x = " + "+".join(["a"] * 200_000) + "\n")
    (tmp_path / "feed.py").write_text("import os\n\x0c\nos.getcwd()\n")
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert result.code == 1, result.err
    found = json.loads(result.out)
    assert ("deep.py", "RDB001") in [(f["path"], f["code"]) for f in found]
    assert "RDB002" not in result.out and "internal error" not in result.err


def test_facts_are_cached_between_runs_unless_told_not_to(project: Path,
                                                           _cache_folder: Path) -> None:
    first = run_cli("check", "--no-cache", ".", cwd=project)
    assert list(_cache_folder.iterdir()) == []
    second = run_cli("check", ".", cwd=project)
    assert len(list(_cache_folder.glob("facts-*.pickle"))) == 1
    third = run_cli("check", ".", cwd=project)
    assert first.out == second.out == third.out
    assert (first.code, second.code, third.code) == (1, 1, 1)
