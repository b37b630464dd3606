from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from replaydbg.lsp.documents import Debouncer, OpenDocuments, python_path


@pytest.mark.asyncio
async def test_a_burst_of_changes_runs_once_after_the_pause() -> None:
    runs: list[str] = []

    async def work(key: str) -> None:
        runs.append(key)

    debouncer = Debouncer(work, delay=0.05)
    for _ in range(5):
        debouncer.later("a")
        await asyncio.sleep(0.01)
    assert runs == []
    await asyncio.sleep(0.1)
    assert runs == ["a"]


@pytest.mark.asyncio
async def test_now_skips_the_wait_and_the_pending_run() -> None:
    runs: list[str] = []

    async def work(key: str) -> None:
        runs.append(key)

    debouncer = Debouncer(work, delay=0.05)
    debouncer.later("a")
    debouncer.now("a")
    await asyncio.sleep(0.1)
    assert runs == ["a"]


@pytest.mark.asyncio
async def test_a_failing_analysis_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def work(key: str) -> None:
        raise ValueError("engine bug")

    debouncer = Debouncer(work, delay=0)
    debouncer.now("a")
    await asyncio.sleep(0.01)
    assert "analysis of a failed" in caplog.text


def test_python_path_only_for_python_files_on_disk(tmp_path: Path) -> None:
    assert python_path((tmp_path / "w.py").as_uri()) == (tmp_path / "w.py").resolve()
    assert python_path((tmp_path / "pyproject.toml").as_uri()) is None
    assert python_path("untitled:Untitled-1") is None


def test_open_documents_keep_the_client_spelling(tmp_path: Path) -> None:
    documents = OpenDocuments()
    path = tmp_path / "w.py"
    documents.add(path, "file:///link/w.py")
    assert documents.is_open(path)
    assert documents.uri(path) == "file:///link/w.py"
    documents.remove(path)
    assert not documents.is_open(path)
    assert documents.uri(path) == "file:///link/w.py"
    other = tmp_path / "other.py"
    assert documents.uri(other) == other.as_uri()
