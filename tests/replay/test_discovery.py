from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

from replaydbg.errors import WorkflowDiscoveryError
from replaydbg.replay.discovery import discover, find_workflow, module_name_for
from replaydbg.replay.workflowfiles import declared_workflow_types, source_defines_workflow

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


def test_a_pinned_class_and_scanned_folders_serve_histories_of_several_types(
        project: Path) -> None:
    _package(project, "pkgp")
    _package(project, "pkgq", WORKFLOWS.replace("class Alpha", "class Gamma")
                     .replace("@workflow.defn\n", '@workflow.defn(name="Alpha")\n', 1))
    specs = ["pkgq.flows:Gamma", str(project / "pkgp")]
    # The pinned class wins for its type (the scan would find two of type Alpha) ...
    assert find_workflow(specs, "Alpha").cls.__name__ == "Gamma"
    # ... and the scan serves the types no pinned class is of.
    assert find_workflow(specs, "CustomName").cls.__module__ == "pkgp.flows"
    with pytest.raises(WorkflowDiscoveryError, match="Nope"):
        find_workflow(specs, "Nope")


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


# --- real repositories: modules that fail to import, aliases, duplicates, file specs --------

OTHER = WORKFLOWS.replace("Alpha", "Delta").replace('"CustomName"', '"OtherName"')
# Unrelated modules that also declare workflow type 'OtherName', so a search for it tries them.
RAISES = OTHER + "\nSETTINGS = {}\nZONE = SETTINGS['zone']\n"
NEEDS_MISSING = "import replaydbg_no_such_dependency\n" + OTHER.replace("Delta", "Gamma")
SYNTAX_ERROR = "from temporalio import workflow\n\n@workflow.defn\nclass Broken(:\n    pass\n"
EXITS = OTHER.replace("Delta", "Quits") + "\nimport sys\nsys.exit(3)  # a script\n"


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def _broken_tree(root: Path) -> None:
    """Unrelated modules that fail in each way real repositories do, and one good one."""
    _write(root, "aws/workflows.py", NEEDS_MISSING)
    _write(root, "fixtures/broken.py", RAISES)
    _write(root, "drafts/half_written.py", SYNTAX_ERROR)
    _write(root, "scripts/cli_tool.py", EXITS)
    _write(root, "good/__init__.py", "")
    _write(root, "good/flows.py", OTHER)


def test_modules_that_fail_to_import_are_skipped_when_the_workflow_is_elsewhere(
        project: Path) -> None:
    _broken_tree(project)
    assert find_workflow([], "OtherName").qualified == "good.flows:Beta"
    tried = discover([], "OtherName")
    assert sorted(f.where for f in tried.failures) == [
        "aws/workflows.py", "drafts/half_written.py", "fixtures/broken.py",
        "scripts/cli_tool.py"]


def test_no_match_lists_candidates_and_modules_that_failed(project: Path) -> None:
    _broken_tree(project)
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow([], "Missing")
    text = str(info.value)
    assert "good.flows:Delta (workflow type 'Delta')" in text
    assert "good.flows:Beta (workflow type 'OtherName')" in text
    skipped = text.split("failed to import and were skipped:\n")[1].split("\n  hint:")[0]
    # The wording of a syntax error changes between Python versions; its place does not.
    skipped = re.sub(r"SyntaxError: .*\(half_written.py, line 4\)", "SyntaxError: <>", skipped)
    assert skipped.splitlines() == [
        "    aws/workflows.py: ModuleNotFoundError: No module named "
        "'replaydbg_no_such_dependency'",
        "    drafts/half_written.py: SyntaxError: <>",
        "    fixtures/broken.py: KeyError: 'zone'",
        "    scripts/cli_tool.py: SystemExit: 3",
    ]
    assert "--workflow path/to/file.py:Class shows its full traceback" in text


def test_a_skipped_module_named_outright_shows_its_traceback(project: Path) -> None:
    _broken_tree(project)
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow(["fixtures/broken.py:Delta"], "Delta")
    text = str(info.value)
    assert "Traceback (most recent call last):" in text and "KeyError: 'zone'" in text
    assert "ZONE = SETTINGS['zone']" in text


@pytest.mark.parametrize("source", [
    "from temporalio import workflow\n@workflow.defn\nclass A: ...\n",
    "from temporalio import workflow\n@workflow.defn(name='x', sandboxed=False)\nclass A: ...\n",
    "from temporalio.workflow import defn\n@defn\nclass A: ...\n",
    "from temporalio.workflow import defn as d\n@d(name='x')\nclass A: ...\n",
    "from temporalio import workflow as wf\n@wf.defn\nclass A: ...\n",
    "import temporalio.workflow as wf\n@wf.defn\nclass A: ...\n",
    "import temporalio.workflow\n@temporalio.workflow.defn\nclass A: ...\n",
    "import temporalio\n@temporalio.workflow.defn()\nclass A: ...\n",
    "def make():\n    from temporalio import workflow as w\n    @w.defn\n    class A: ...\n",
    "from myapp.compat import workflow  # re-exported\n@workflow.defn\nclass A: ...\n",
    "from temporalio import workflow\n@workflow.defn\nclass A(:\n",  # let import tell
])
def test_prefilter_keeps_every_spelling_of_workflow_defn(source: str) -> None:
    assert source_defines_workflow(source)


@pytest.mark.parametrize("source", [
    "import temporalio.activity as activity\n@activity.defn\nasync def act() -> None: ...\n",
    "from temporalio import activity\n@activity.defn\nclass Acts: ...\n",
    'CODE = """\nfrom temporalio import workflow\n@workflow.defn\nclass A: ...\n"""\n',
    "# @workflow.defn is what the worker registers\nfrom temporalio import client\n",
    "from mylib import defn\n@defn\nclass NotAWorkflow: ...\n",
])
def test_prefilter_skips_files_that_define_no_workflow(source: str) -> None:
    assert not source_defines_workflow(source)


def test_a_class_re_exported_by_its_package_is_one_candidate_by_the_shortest_name(
        project: Path) -> None:
    pkg = _package(project, "shop")
    (pkg / "__init__.py").write_text("from shop.flows import Alpha\n")
    assert find_workflow([], "Alpha").qualified == "shop:Alpha"
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow([str(pkg)], "Missing")
    text = str(info.value)
    assert text.count("Alpha (workflow type 'Alpha')") == 1
    assert "shop:Alpha (workflow type 'Alpha')" in text


def test_a_file_is_imported_once_whatever_name_reaches_it(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _package(project, "tillshop", WORKFLOWS + "\nopen('runs.txt', 'a').write('ran\\n')\n")
    monkeypatch.syspath_prepend(str(pkg))
    first = find_workflow(["flows:Alpha"], "Alpha")  # as the top-level module "flows"
    again = find_workflow([], "Alpha")  # the scan reaches it as "tillshop.flows"
    by_file = find_workflow(["tillshop/flows.py:Alpha"], "Alpha")
    by_dotted_name = find_workflow(["tillshop.flows:Alpha"], "Alpha")
    assert first.cls is again.cls is by_file.cls is by_dotted_name.cls
    assert again.qualified == "flows:Alpha"
    assert "tillshop.flows" not in sys.modules
    assert (project / "runs.txt").read_text() == "ran\n"


def test_file_path_specs(project: Path) -> None:
    _package(project, "pkgk")
    _write(project, "loose/flows.py", OTHER)  # not a package: imports as "flows"
    assert find_workflow(["pkgk/flows.py:Beta"], "CustomName").qualified == "pkgk.flows:Beta"
    absolute = find_workflow([f"{project / 'loose' / 'flows.py'}:Delta"], "Delta")
    # "flows" imports only because discovery put loose/ on sys.path: the file is what works.
    assert absolute.qualified == "loose/flows.py:Delta"
    with pytest.raises(WorkflowDiscoveryError, match="loose/nope.py: no such file"):
        find_workflow(["loose/nope.py:Delta"], "Delta")
    with pytest.raises(WorkflowDiscoveryError, match="no attribute 'Nope'.*loose/flows.py:Delta"):
        find_workflow(["loose/flows.py:Nope"], "Delta")


def test_two_files_of_one_module_name_do_not_shadow_each_other(project: Path) -> None:
    _write(project, "first/workflows.py", WORKFLOWS)
    _write(project, "second/workflows.py", OTHER)
    # A search for one type imports only the file that declares it: no clash yet.
    assert find_workflow([], "OtherName").qualified == "second/workflows.py:Beta"
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow([], "Alpha")
    assert ("first/workflows.py: imports as 'workflows', a name already taken by "
            "second/workflows.py") in str(info.value)


@pytest.mark.parametrize(("source", "types"), [
    (WORKFLOWS, {"Alpha", "CustomName"}),
    ("from temporalio import workflow\n@workflow.defn(sandboxed=False)\nclass A: ...\n", {"A"}),
    ("from temporalio import workflow\nN = 'x'\n@workflow.defn(name=N)\nclass A: ...\n", None),
    ("from temporalio import workflow\n@workflow.defn(**OPTIONS)\nclass A: ...\n", None),
    (SYNTAX_ERROR, None),
    ("from temporalio import activity\n@activity.defn\ndef act() -> None: ...\n", set()),
])
def test_prefilter_reads_the_declared_workflow_types(source: str, types: set[str] | None) -> None:
    declared = declared_workflow_types(textwrap.dedent(source))
    assert declared == (frozenset(types) if types is not None else None)


RECORDS_IMPORT = "open('runs.txt', 'a').write(__name__ + '\\n')\n"


def test_a_search_imports_only_files_that_can_define_the_type(project: Path) -> None:
    _broken_tree(project)
    _write(project, "noisy/noisy_flows.py", RECORDS_IMPORT + WORKFLOWS.replace("Alpha", "Noisy"))
    _write(project, "computed/computed_flows.py", RECORDS_IMPORT + "NAME = 'Computed'\n"
           + WORKFLOWS.replace('name="CustomName"', "name=NAME") + "raise RuntimeError('no')\n")
    assert find_workflow([], "OtherName").qualified == "good.flows:Beta"
    # The computed name could be anything: that file was imported (and failed); the others
    # declare other types and were left alone.
    assert (project / "runs.txt").read_text().split() == ["computed_flows"]
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow([], "Missing")
    # This search tried the computed one again, found nothing, and listing everything
    # imported the rest without running the failed module a second time.
    assert (project / "runs.txt").read_text().split() == [
        "computed_flows", "computed_flows", "noisy_flows"]
    assert "computed/computed_flows.py: RuntimeError: no" in str(info.value)
    assert "noisy/noisy_flows.py:Noisy (workflow type 'Noisy')" in str(info.value)


def test_a_module_name_that_only_imports_from_elsewhere_suggests_its_file(project: Path) -> None:
    (project / "examples").mkdir()
    _package(project / "examples", "shop2")  # examples/ is no package and not on sys.path
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow(["shop2.flows:Alpha"], "Alpha")
    assert "cannot import module 'shop2.flows'" in str(info.value)
    assert "hint: name the file instead: --workflow examples/shop2/flows.py:Class" \
        in str(info.value)


def test_a_package_name_already_bound_elsewhere_is_named(project: Path) -> None:
    _write(project, "vendor/__init__.py", "")
    _write(project, "elsewhere/vendor/__init__.py", "")
    _write(project, "elsewhere/vendor/flows.py", WORKFLOWS)
    import vendor  # noqa: F401  (the working directory's vendor package, now in sys.modules)

    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow(["elsewhere/vendor/flows.py:Alpha"], "Alpha")
    assert "elsewhere/vendor/flows.py imports as 'vendor.flows', a name already taken by " \
           "vendor" in str(info.value)


def test_a_mock_in_a_test_module_does_not_hide_the_workflow(project: Path) -> None:
    """samples-python's tests define ``MockedComposeGreetingWorkflow`` with the real type name."""
    _package(project, "pkgm")
    tests = project / "tests"
    tests.mkdir()
    mock = WORKFLOWS.replace("class Alpha", "class MockAlpha")
    (tests / "test_flows.py").write_text(
        mock.replace("@workflow.defn\n", '@workflow.defn(name="Alpha")\n'))
    assert find_workflow([], "Alpha").qualified == "pkgm.flows:Alpha"
    # Only the test module has the type: it is the one.
    assert find_workflow([str(tests)], "Alpha").cls.__name__ == "MockAlpha"


def test_two_workflows_outside_tests_still_ask_to_choose(project: Path) -> None:
    _package(project, "pkgn")
    _package(project, "pkgo")
    (project / "test_flows.py").write_text(WORKFLOWS)
    with pytest.raises(WorkflowDiscoveryError) as info:
        find_workflow([], "Alpha")
    assert "pkgn.flows:Alpha" in str(info.value) and "pkgo.flows:Alpha" in str(info.value)
    assert "test_flows" not in str(info.value)


DYNAMIC = """
from collections.abc import Sequence

from temporalio import workflow
from temporalio.common import RawValue

@workflow.defn(dynamic=True)
class AnyType:
    @workflow.run
    async def run(self, args: Sequence[RawValue]) -> None: ...
"""


def test_a_dynamic_workflow_runs_the_types_no_other_workflow_has(project: Path) -> None:
    """As a worker routes: the workflow of the type, else the dynamic one."""
    _package(project, "pkgq")
    _package(project, "pkgr", DYNAMIC)
    assert find_workflow([], "Alpha").qualified == "pkgq.flows:Alpha"
    assert find_workflow([], "SomethingElse").qualified == "pkgr.flows:AnyType"
    # Named outright, it runs any type too, unless a named class is of that type.
    assert find_workflow(["pkgr.flows:AnyType"], "Whatever").cls.__name__ == "AnyType"
    assert find_workflow(["pkgr.flows:AnyType", "pkgq.flows:Alpha"], "Alpha").cls.__name__ \
        == "Alpha"
    assert declared_workflow_types(DYNAMIC) is None  # may run any type: always imported
