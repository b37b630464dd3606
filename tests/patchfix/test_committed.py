"""committed_text against real git repositories in temporary folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from replaydbg.patchfix import committed_text


@pytest.fixture(autouse=True)
def _no_repository_above(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A temporary folder inside someone's checkout must still count as "outside git".
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                    "-c", "commit.gpgsign=false", "-C", str(repo), *args],
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "app" / "flows").mkdir(parents=True)
    _git(root, "init", "-q")
    (root / "app" / "flows" / "greet.py").write_text("version = 1\n", encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "one")
    return root


def test_the_committed_text_of_a_modified_file(repo: Path) -> None:
    path = repo / "app" / "flows" / "greet.py"
    path.write_text("version = 2\n", encoding="utf-8")
    found = committed_text(path)
    assert found.available
    assert (found.text, found.reason) == ("version = 1\n", None)


def test_a_ref_names_the_version(repo: Path) -> None:
    path = repo / "app" / "flows" / "greet.py"
    path.write_text("version = 2\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "two")
    path.write_text("version = 3\n", encoding="utf-8")
    assert committed_text(path, "HEAD~0").text == "version = 2\n"
    assert committed_text(path, "HEAD~1").text == "version = 1\n"
    assert committed_text(path, "HEAD~5").reason == "there is no commit 'HEAD~5' in the repository"


def test_a_relative_path_is_found_from_the_working_directory(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "app")
    assert committed_text(Path("flows/greet.py")).text == "version = 1\n"


def test_a_new_file_has_no_committed_version(repo: Path) -> None:
    path = repo / "app" / "flows" / "fresh.py"
    path.write_text("x = 1\n", encoding="utf-8")
    found = committed_text(path)
    assert (found.text, found.reason) == (None, "not committed at HEAD (new file)")


def test_a_repository_without_commits(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert committed_text(tmp_path / "a.py").reason == "the repository has no commit yet"


def test_a_folder_outside_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert committed_text(tmp_path / "a.py").reason == "not in a git repository"
    assert committed_text(tmp_path / "gone" / "a.py").reason == \
        f"the folder {tmp_path / 'gone'} does not exist"


def test_without_git_on_the_path(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo))  # a folder without a git executable
    assert committed_text(repo / "app" / "flows" / "greet.py").reason == \
        "git is not installed (or not on PATH)"


def test_a_ref_that_looks_like_an_option_is_refused(repo: Path) -> None:
    path = repo / "app" / "flows" / "greet.py"
    assert committed_text(path, "--output=/tmp/x").reason == \
        "'--output=/tmp/x' is not a git revision"


def test_the_declared_encoding_is_honoured(repo: Path) -> None:
    path = repo / "latin.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nname = 'Jos\xe9'\n".encode("latin-1"))
    _git(repo, "add", "latin.py")
    _git(repo, "commit", "-q", "-m", "latin")
    assert committed_text(path).text == "# -*- coding: latin-1 -*-\nname = 'Jos\xe9'\n"
