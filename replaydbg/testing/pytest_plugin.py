"""The pytest plugin: every saved history of the project is a test that replays it.

Registered by entry point, so it is loaded in every test run of every project that installs
replaydbg; it must cost nothing there. Until a run has histories to replay (the
``histories`` key of ``[tool.replaydbg]`` in pyproject.toml, or ``--replaydbg-histories``)
it only reads pyproject.toml files, imports nothing heavy and registers no collection hook.

Which folders a run collects: ``--replaydbg-histories`` ones always; the configured ones when
pytest collects its defaults (``testpaths`` or the folder it started in), as pytest does for
its own tests: ``pytest tests/test_x.py`` runs that file only, unless the histories are under
a path it names. ``--no-replaydbg`` (or ``-p no:replaydbg``) switches it all off.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from replaydbg.errors import ConfigError, ReplaydbgError
from replaydbg.testing.pytest_nodes import ConfigProblem, HistoryFile
from replaydbg.tooltable import find_table, key_name

if TYPE_CHECKING:
    from replaydbg.project.pyproject import ProjectConfig


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--replaydbg-histories DIR`` (repeatable) and ``--no-replaydbg``."""
    group = parser.getgroup("replaydbg", "replaying saved Temporal workflow histories")
    group.addoption("--replaydbg-histories", action="append", default=[], metavar="DIR",
                    help="replay each history file in DIR (or the file DIR) against the "
                    "current code, one test each; adds to [tool.replaydbg] histories")
    group.addoption("--no-replaydbg", action="store_true", default=False,
                    help="do not collect saved histories as replay tests")


def pytest_configure(config: pytest.Config) -> None:
    """Register the collection of histories when the run has any to replay."""
    if config.getoption("no_replaydbg"):
        return
    start = config.invocation_params.dir
    given = _given(config.getoption("replaydbg_histories"), start)
    try:
        configured = _names_histories(start)
    except ConfigError as err:
        configured = False
        problem: ReplaydbgError | None = err
    else:
        problem = None
    if not (given or configured or problem):
        return
    collection = HistoryCollection(config, given, problem)
    config.pluginmanager.register(collection, "replaydbg-histories")


def _given(raw: Sequence[str], start: Path) -> tuple[Path, ...]:
    paths = tuple((start / path).resolve() for path in raw)
    for text, path in zip(raw, paths, strict=True):
        if not path.exists():
            raise pytest.UsageError(f"--replaydbg-histories {text}: no such file or directory")
    return paths


def _names_histories(start: Path) -> bool:
    """Whether the project's ``[tool.replaydbg]`` table has a ``histories`` key (cheap)."""
    found = find_table(start)
    return found is not None and "histories" in {key_name(key) for key in found[1]}


class HistoryCollection:
    """The session's history folders, and the hooks that turn their files into tests."""

    def __init__(self, config: pytest.Config, given: tuple[Path, ...],
                 problem: ReplaydbgError | None) -> None:
        from replaydbg.project.pyproject import ProjectConfig
        from replaydbg.testing.project_replays import ProjectReplays

        self._start = config.invocation_params.dir
        #: (the configuration file, what it names, the error): one failing test each.
        self._problems: list[tuple[Path, str, ReplaydbgError]] = []
        project, error = self._load(problem)
        configured = () if project is None else self._configured(project)
        self.folders = tuple(dict.fromkeys(given + configured))
        #: A configuration that cannot be read fails every history (none replays without it).
        self.replays = ProjectReplays(project or ProjectConfig(), self._start, config.rootpath,
                                      setup_error=error)
        if config.args_source == pytest.Config.ArgsSource.ARGS:
            # The run names what it collects: the configured folders only if it names them,
            # and their problems not at all.
            self._add_to_args(config, given)
            self._problems.clear()
        else:
            self._add_to_args(config, self.folders)

    def _load(self, problem: ReplaydbgError | None
              ) -> tuple[ProjectConfig | None, ReplaydbgError | None]:
        if problem is None:
            from replaydbg.project.pyproject import load_project

            try:
                return load_project(self._start), None
            except ReplaydbgError as err:
                problem = err
        self._problems.append((self._start / "pyproject.toml", "pyproject.toml", problem))
        return None, problem

    def _configured(self, project: ProjectConfig) -> tuple[Path, ...]:
        folders = []
        for folder in map(Path, project.histories):
            if folder.exists():
                folders.append(folder.resolve())
                continue
            shown = _relative(folder, project.root or self._start)
            where = project.path or self._start / "pyproject.toml"
            self._problems.append((where, shown, ConfigError(
                f"{project.path}: [tool.replaydbg] histories names {shown}, which does not "
                "exist", hint="create the folder and save histories in it (`temporal workflow "
                "show --workflow-id ID --output json > FOLDER/ID.json`), or fix the path")))
        return tuple(folders)

    def _add_to_args(self, config: pytest.Config, folders: tuple[Path, ...]) -> None:
        """Folders no collected path holds are collected too (pytest walks the others)."""
        roots = [(self._start / arg.split("::")[0]).resolve() for arg in config.args]
        for folder in folders:
            if not any(folder == root or root in folder.parents for root in roots):
                config.args.append(str(folder))
                roots.append(folder)

    def _folder_of(self, path: Path) -> Path | None:
        """The innermost history folder holding ``path`` (or ``path``, named outright)."""
        holding = [f for f in self.folders if f == path or f in path.parents]
        return max(holding, key=lambda f: len(f.parts), default=None)

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> HistoryFile | None:
        """A history file of one of the folders: its replay test."""
        folder = self._folder_of(file_path.resolve())
        if folder is None:
            return None
        from replaydbg.history.files import looks_like_history

        if folder == file_path.resolve():
            label = file_path.name
        else:
            label = file_path.resolve().relative_to(folder).as_posix()
            if not looks_like_history(Path(label)):
                return None
        return HistoryFile.from_parent(parent, path=file_path, label=label, replays=self.replays)

    @pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: they apply to these too
    def pytest_collection_modifyitems(self, session: pytest.Session,
                                      items: list[pytest.Item]) -> None:
        """One failing test per configuration problem, in place of what it keeps from running."""
        for path, label, error in self._problems:
            problem = ConfigProblem.from_parent(session, path=path, label=label, error=error)
            items.extend(problem.collect())

    def pytest_report_header(self) -> list[str]:
        """Say which folders' histories this run replays."""
        shown = ", ".join(_relative(f, self._start) for f in self.folders) or "none"
        return [f"replaydbg: histories from {shown}"]


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)
