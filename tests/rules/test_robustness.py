"""The analysis survives code it cannot follow: no endless recursion, one RDB002 per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.rules import Config, Workspace, workspace

from .conftest import Write, codes, workflow_module

#: A left-deep expression that Python's own parser cannot build (RecursionError).
TOO_DEEP = "x = " + "+".join(["a"] * 200_000) + "\n"


def test_a_local_rebound_from_its_own_method_resolves(write: Write, tmp_path: Path) -> None:
    write("flows.py", workflow_module("""\
        s = "a"
        s = s.strip()
        s.upper()
        x = y.f()
        y = x.g()
        y.h()
        time.sleep(1)
    """, imports="import time"))
    assert codes(Workspace(tmp_path, Config()).analyze()) == ["RDB102"]


def test_module_level_names_typed_by_each_other_resolve(write: Write, tmp_path: Path) -> None:
    write("flows.py", workflow_module("name.upper()\na.h()\ntime.sleep(1)", imports=(
        "import time\nname = 'x'\nname = name.strip()\na = b.f()\nb = a.g()")))
    assert codes(Workspace(tmp_path, Config()).analyze()) == ["RDB102"]


def test_a_file_the_analysis_fails_on_gets_one_finding(write: Write, tmp_path: Path) -> None:
    write("flows.py", workflow_module("time.sleep(1)", imports="import time\nimport deep"))
    write("deep.py", TOO_DEEP)
    found = Workspace(tmp_path, Config()).analyze()
    assert codes(found, "flows.py") == ["RDB102"]
    [failure] = found[tmp_path / "deep.py"]
    assert failure.code == "RDB002"
    assert "RecursionError" in failure.message


def test_a_function_the_analysis_fails_on_spares_the_others(
        write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write("flows.py", workflow_module("time.sleep(1)\nhelpers.go()",
                                      imports="import time\nimport helpers"))
    write("helpers.py", "import uuid\n\ndef go() -> None:\n    uuid.uuid4()\n")
    original = workspace.Analysis._issues_in

    def failing(self: workspace.Analysis, path: Path, placed: object, kind: str) -> object:
        if path.name == "helpers.py":
            raise RecursionError("maximum recursion depth exceeded")
        return original(self, path, placed, kind)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace.Analysis, "_issues_in", failing)
    found = Workspace(tmp_path, Config()).analyze()
    assert codes(found, "flows.py") == ["RDB102"]
    assert codes(found, "helpers.py") == ["RDB002"]
    assert "could not analyse go" in found[tmp_path / "helpers.py"][0].message
