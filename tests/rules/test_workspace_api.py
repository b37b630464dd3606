"""The API the language server relies on: Workspace, Config, load_config."""

from __future__ import annotations

from pathlib import Path

from replaydbg.rules import DOC_BASE, Config, Workspace, load_config
from replaydbg.rules.catalog import DOC_FILE

from .conftest import Write, codes, workflow_module


def test_helper_chain_across_modules(write: Write, tmp_path: Path) -> None:
    write("app/__init__.py", "")
    helper = write("app/pricing.py", """\
        from datetime import datetime as dt

        def total(x):
            return stamp(x)

        def stamp(x):
            return dt.now()
        """)
    flow = write("app/flows.py", workflow_module("from . import pricing\npricing.total(1)\n"))
    findings = Workspace(tmp_path, Config()).analyze()
    [finding] = findings[helper]
    assert finding.code == "RDB101"
    assert finding.message.endswith(
        "(reached from Flow.run → pricing.total → pricing.stamp → dt.now)")
    assert [s.label for s in finding.chain] == ["Flow.run", "pricing.total", "pricing.stamp"]
    assert finding.chain[0].path == flow
    assert finding.doc_url == f"{DOC_BASE}#rdb101"
    assert findings[flow] == []


def test_open_buffer_overrides_disk_and_forget_restores(write: Write, tmp_path: Path) -> None:
    path = write("flows.py", workflow_module("pass\n"))
    workspace = Workspace(tmp_path, Config())
    assert workspace.analyze([path]) == {path: []}
    workspace.set_document(path, workflow_module("import time\ntime.sleep(1)\n"))
    assert codes(workspace.analyze([path])) == ["RDB102"]
    workspace.forget_document(path)
    assert workspace.analyze([path]) == {path: []}


def test_dependents_include_reached_helpers_and_callers(write: Write, tmp_path: Path) -> None:
    helper = write("helper.py", "import time\n\ndef now():\n    return time.time()\n")
    flow = write("flows.py", workflow_module("helper.now()\n", imports="import helper"))
    other = write("other.py", "x = 1\n")
    workspace = Workspace(tmp_path, Config())
    workspace.analyze()
    assert workspace.dependents(helper) == {helper, flow}
    assert workspace.dependents(flow) == {helper, flow}
    assert workspace.dependents(other) == {other}


def test_syntax_error_keeps_the_parts_that_parse(write: Write, tmp_path: Path) -> None:
    text = workflow_module("import time\ntime.sleep(1)\n") + "\ndef broken(:\n    pass\n"
    path = write("flows.py", text)
    assert codes(Workspace(tmp_path, Config()).analyze()) == ["RDB102", "RDB001"]
    assert path.exists()


def test_rules_have_unique_codes_and_doc_anchors(tmp_path: Path) -> None:
    rules = Workspace(tmp_path, Config()).rules()
    assert len({r.code for r in rules}) == len(rules)
    assert all(r.doc_url == f"{DOC_BASE}#{r.code.lower()}" for r in rules)


def test_load_config_reads_pyproject_and_reports_bad_values(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.replaydbg]\nselect = ["RDB1"]\nignore = "RDB102"\n'
        'extra-nondeterministic = ["app.clock.now"]\nknown-safe = 3\nbogus = 1\n')
    config, problems = load_config(tmp_path)
    assert config.select == ("RDB1",)
    assert config.ignore == ("RDB102",)
    assert config.extra_nondeterministic == ("app.clock.now",)
    assert config.known_safe == ()
    assert len(problems) == 2
    assert "known-safe" in problems[0] and "bogus" in problems[1]


def test_load_config_without_pyproject_or_with_bad_toml(tmp_path: Path) -> None:
    assert load_config(tmp_path) == (Config(), [])
    (tmp_path / "pyproject.toml").write_text("[tool.replaydbg\n")
    config, problems = load_config(tmp_path)
    assert config == Config() and "not valid TOML" in problems[0]


def test_merged_editor_settings() -> None:
    config, problems = Config().merged({"ignore": ["RDB2"], "knownSafe": ["x.y"],
                                        "select": ["NOPE1"], "what": True})
    assert config.ignore == ("RDB2",) and config.known_safe == ("x.y",)
    assert config.select == Config().select
    assert len(problems) == 2
    assert not config.enabled("RDB201") and config.enabled("RDB101")


def test_every_rule_has_a_doc_entry_with_its_anchor() -> None:
    doc = DOC_FILE.read_text()
    for rule in Workspace(Path("."), Config()).rules():
        assert f'<a id="{rule.code.lower()}"></a>\n## {rule.code} {rule.name}' in doc


def test_rule_links_open_the_installed_documentation() -> None:
    import replaydbg

    assert DOC_FILE == Path(replaydbg.__file__).resolve().parent / "docs" / "rules.md"
    assert DOC_BASE == DOC_FILE.as_uri() and DOC_BASE.startswith("file:///")
    rule = Workspace(Path("."), Config()).rules()[0]
    assert rule.doc_url.startswith(DOC_BASE + "#rdb")
