from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from replaydbg.errors import WorkflowDiscoveryError
from replaydbg.replay.discovery import find_workflow, module_name_for

WORKFLOWS = """
from temporalio import workflow

@workflow.defn
class Alpha:
    @workflow.run
    async def run(self) -> None: ...

@workflow.defn(name="CustomName")
class Beta:
    @workflow.run
    async def run(self) -> None: ...
"""


def _package(root: Path, name: str, body: str = WORKFLOWS) -> Path:
    pkg = root / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "flows.py").write_text(textwrap.dedent(body))
    return pkg


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_modules: None) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_explicit_spec(project: Path) -> None:
    pkg = _package(project, "pkga")
    found = find_workflow(["pkga.flows:Beta"], "CustomName")
    assert found.cls.__name__ == "Beta" and found.name == "CustomName"
    assert module_name_for(pkg / "flows.py") == "pkga.flows"


def test_explicit_spec_of_another_type_is_explained(project: Path) -> None:
    _package(project, "pkgb")
    with pytest.raises(WorkflowDiscoveryError, match="is workflow type 'Alpha'.*'Other'"):
        find_workflow(["pkgb.flows:Alpha"], "Other")


def test_scan_directory_matches_type_name_not_class_name(project: Path) -> None:
    _package(project, "pkgc")
    assert find_workflow([str(project / "pkgc")], "CustomName").cls.__name__ == "Beta"


def test_scan_working_directory_by_default(project: Path) -> None:
    _package(project, "pkgd")
    assert find_workflow([], "Alpha").qualified == "pkgd.flows:Alpha"


def test_none_matching_lists_candidates(project: Path) -> None:
    _package(project, "pkge")
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow([str(project / "pkge" / "flows.py")], "Missing")
    text = str(info.value)
    assert "no workflow with type 'Missing'" in text
    assert "pkge.flows:Alpha (workflow type 'Alpha')" in text
    assert "pkge.flows:Beta (workflow type 'CustomName')" in text


def test_several_matching_asks_to_choose(project: Path) -> None:
    _package(project, "pkgf")
    _package(project, "pkgg")
    pattern = "(?s)several workflows.*pkgf.flows:Alpha.*pkgg.flows:Alpha"
    with pytest.raises(WorkflowDiscoveryError, match=pattern):
        find_workflow([], "Alpha")


def test_import_error_shows_the_users_traceback(project: Path) -> None:
    _package(project, "pkgh", WORKFLOWS + "\nraise ValueError('boom at import')\n")
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow(["pkgh.flows:Alpha"], "Alpha")
    text = str(info.value)
    assert "importing 'pkgh.flows' failed" in text
    assert "Traceback (most recent call last):" in text
    assert "flows.py\", line" in text and "raise ValueError('boom at import')" in text
    assert "ValueError: boom at import" in text
    assert "importlib" not in text and "<frozen" not in text and "discovery.py" not in text


def test_unknown_module_says_where_it_looked(project: Path) -> None:
    with pytest.raises(WorkflowDiscoveryError, match="cannot import module 'nope.flows'"):
        find_workflow(["nope.flows:Alpha"], "Alpha")


def test_missing_attribute_lists_workflows_in_module(project: Path) -> None:
    _package(project, "pkgi")
    with pytest.raises(WorkflowDiscoveryError, match="no attribute 'Gamma'.*pkgi.flows:Alpha"):
        find_workflow(["pkgi.flows:Gamma"], "Alpha")


def test_missing_path(project: Path) -> None:
    with pytest.raises(WorkflowDiscoveryError, match="no such file or directory"):
        find_workflow(["does/not/exist.py"], "Alpha")


def test_package_name_scans_its_modules(project: Path) -> None:
    pkg = _package(project, "pkgj")
    (pkg / "__init__.py").write_text("from temporalio import workflow  # workflow.defn below\n")
    assert find_workflow(["pkgj"], "CustomName").qualified == "pkgj.flows:Beta"
