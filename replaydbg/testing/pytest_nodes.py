"""The pytest nodes of saved histories: a file collector, its replay item, a setup problem.

Each history is one test, ``test_replay[orders/history.json]`` (the path inside its history
folder), that replays it against the current code. Its failure shows replaydbg's explanation
alone: the verdict with the workflow's file:line and the event against the command, or the
input error and its hint. A traceback through pytest and the SDK would only hide it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from replaydbg.errors import ReplaydbgError, WorkflowDiscoveryError
from replaydbg.testing.warning import warn_about

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from replaydbg.testing.project_replays import ProjectReplays


def item_name(label: str) -> str:
    """The test's name for the history ``label`` (its path inside its folder)."""
    return f"test_replay[{label}]"


class HistoryFile(pytest.File):
    """A saved history: one test, which replays it."""

    def __init__(self, *, label: str, replays: ProjectReplays, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.replays = replays

    def collect(self) -> Iterator[pytest.Item]:
        """The history's one test."""
        yield ReplayItem.from_parent(self, name=item_name(self.label), replays=self.replays)


class _ExplainedItem(pytest.Item):
    """An item whose expected failures are shown as their message, without a traceback."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Some plugins take every item for a test function: pytest-lsp 1.0's runtest wrapper
        # fails any item without ``funcargs``. An item with no fixtures has none to offer.
        self.funcargs: dict[str, object] = {}

    def repr_failure(self, excinfo: ExceptionInfo[BaseException],
                     style: Any = None) -> str | TerminalRepr:
        """The explanation of replaydbg's own errors; pytest's usual report for the rest."""
        error = excinfo.value
        if isinstance(error, WorkflowDiscoveryError):
            # Its hint speaks of the command line's --workflow, which a test run has not.
            return (f"replaydbg could not replay this history:\n{error}\n  in a test run: "
                    "name the workflows in [tool.replaydbg] workflows of pyproject.toml")
        if isinstance(error, ReplaydbgError):
            return f"replaydbg could not replay this history:\n{error}"
        if _is_replay_failure(error):
            return str(error)
        return super().repr_failure(excinfo, style=style)


def _is_replay_failure(error: BaseException) -> bool:
    # Imported here: an item that failed this way has loaded the replay engine already.
    from replaydbg.testing.verdict import ReplayFailed

    return isinstance(error, ReplayFailed)


class ReplayItem(_ExplainedItem):
    """Replays one history against the current code (see the module docstring)."""

    def __init__(self, *, replays: ProjectReplays, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.replays = replays

    def runtest(self) -> None:
        """Replay; fail unless it replays. Warnings are :class:`ReplayWarning` s."""
        report = self.replays.replay(self.path)
        warn_about(report, at_history=True)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the test is: the history file."""
        return self.path, None, self.name


class ConfigProblem(pytest.File):
    """The project's replay configuration (a pyproject.toml), when it cannot be used."""

    def __init__(self, *, label: str, error: ReplaydbgError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.error = error

    def collect(self) -> Iterator[pytest.Item]:
        """One failing test in place of the histories it keeps from running."""
        yield ProblemItem.from_parent(self, name=item_name(self.label), error=self.error)


class ProblemItem(_ExplainedItem):
    """Fails with a configuration error: the histories it names cannot be replayed."""

    def __init__(self, *, error: ReplaydbgError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        """Raise the error (reported with its hint)."""
        raise self.error

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the problem is: the configuration file."""
        return self.path, None, self.name
