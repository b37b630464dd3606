"""Facts and results kept between processes: reused for unchanged texts, ignored when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.rules import Config, FactCache, Workspace, workspace

from .conftest import Write, codes, workflow_module


def _run(root: Path, folder: Path, config: Config | None = None) -> list[str]:
    return codes(Workspace(root, config or Config(), FactCache(root, folder)).analyze())


def _refuse(*args: object) -> object:
    raise AssertionError("computed again although cached")


def test_unchanged_modules_come_from_the_cache(write: Write, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root, folder = tmp_path / "src", tmp_path / "cache"
    write("src/flows.py", workflow_module("time.sleep(1)", imports="import time"))
    write("src/other.py", workflow_module("pass"))
    assert _run(root, folder) == ["RDB102"]
    monkeypatch.setattr(workspace, "parsed_chunks", _refuse)
    # Another file changes: the whole result is stale, the facts of flows.py are not
    # (other.py is parsed again: here the parser refuses, so it is RDB002).
    write("src/other.py", workflow_module("pass\npass"))
    assert _run(root, folder) == ["RDB102", "RDB002"]
    # A changed text is parsed again (here the parser refuses, so the file is RDB002).
    write("src/flows.py", workflow_module("time.sleep(10)", imports="import time"))
    assert _run(root, folder) == ["RDB002", "RDB002"]


def test_a_re_run_over_the_same_files_and_settings_reuses_the_findings(
        write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, folder = tmp_path / "src", tmp_path / "cache"
    write("src/flows.py", workflow_module("time.sleep(1)", imports="import time"))
    assert _run(root, folder) == ["RDB102"]
    monkeypatch.setattr(workspace.Analysis, "run", _refuse)
    assert _run(root, folder) == ["RDB102"]
    with pytest.raises(AssertionError, match="computed again"):
        _run(root, folder, Config(ignore=("RDB2",)))


def test_a_damaged_cache_is_ignored_and_rewritten(write: Write, tmp_path: Path) -> None:
    root, folder = tmp_path / "src", tmp_path / "cache"
    write("src/flows.py", workflow_module("time.sleep(1)", imports="import time"))
    assert _run(root, folder) == ["RDB102"]
    stored = sorted(folder.glob("*.pickle"))
    assert [p.name.split("-")[0] for p in stored] == ["facts", "result"]
    for path in stored:
        path.write_bytes(b"not a pickle")
    assert _run(root, folder) == ["RDB102"]
    assert all(path.read_bytes() != b"not a pickle" for path in stored)
