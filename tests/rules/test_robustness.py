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


def test_an_expression_python_cannot_compile_is_its_syntax_error(
        write: Write, tmp_path: Path) -> None:
    write("flows.py", workflow_module("time.sleep(1)", imports="import time\nimport deep"))
    write("deep.py", "import os\n" + TOO_DEEP + "def f() -> None:\n    pass\n")
    found = Workspace(tmp_path, Config()).analyze()
    assert codes(found, "flows.py") == ["RDB102"]
    [failure] = found[tmp_path / "deep.py"]
    assert failure.code == "RDB001" and failure.span.start.line == 2
    assert "nested too deeply for Python to compile" in failure.message


def test_chained_additions_in_a_workflow_are_no_recursion_error(
        write: Write, tmp_path: Path) -> None:
    deep = "return " + "1+" * 20_000 + "1"
    write("flows.py", workflow_module(deep))
    write("other.py", workflow_module("time.sleep(1)", imports="import time"))
    found = Workspace(tmp_path, Config()).analyze()
    assert codes(found, "other.py") == ["RDB102"]
    assert codes(found, "flows.py") == ["RDB001"]


@pytest.mark.parametrize("blank", ["\x0c", "\x0b", "\x1c", "\u2028", "\x0c\x0c  "])
def test_a_line_of_other_whitespace_does_not_stop_the_analysis(
        write: Write, tmp_path: Path, blank: str) -> None:
    write("flows.py", workflow_module("time.sleep(1)", imports=f"import time\n{blank}"))
    found = Workspace(tmp_path, Config()).analyze()
    assert "RDB102" in codes(found, "flows.py")
    assert "RDB002" not in codes(found, "flows.py")


def test_a_file_the_analysis_fails_on_gets_one_finding(
        write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write("flows.py", workflow_module("time.sleep(1)", imports="import time\nimport deep"))
    write("deep.py", "x = 1\n")
    original = workspace.parsed_chunks

    def failing(text: str, *args: object) -> object:
        if text == "x = 1\n":
            raise RecursionError("maximum recursion depth exceeded")
        return original(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "parsed_chunks", failing)
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
