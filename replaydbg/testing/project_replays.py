"""The project's saved histories replayed one per test, as ``replaydbg replay`` replays them.

Everything comes from the project's ``[tool.replaydbg]`` table, as for the command line:
the workflows (else a scan of the folder pytest was started in), the worker setup (plugins,
interceptors, converter, failure types, passthrough modules, sandbox) and the profile's
codec server. The setup is resolved once per session, when the first history runs; if it
cannot be (a plugin that does not import), every history fails with that error and its hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from replaydbg.errors import ReplaydbgError
from replaydbg.history.codec_config import CodecOptions
from replaydbg.history.loader import load_history
from replaydbg.project import SetupSpecs
from replaydbg.project.codec import with_codec_server
from replaydbg.project.pyproject import ProjectConfig
from replaydbg.replay.discovery import ensure_import_path, find_workflow, user_roots
from replaydbg.replay.report import ReplayReport
from replaydbg.replay.setup import WorkerSetup
from replaydbg.testing.verdict import replay_checked


@dataclass
class ProjectReplays:
    """Replays for one test session; ``start`` is where pytest started, ``base`` its rootdir.

    ``setup_error``: the project's table could not be read (or, later, its worker setup
    resolved); every replay fails with it.
    """

    project: ProjectConfig
    start: Path
    base: Path
    setup_error: ReplaydbgError | None = None
    _setup: WorkerSetup | None = field(default=None, init=False)

    def replay(self, path: Path) -> ReplayReport:
        """Replay the history in ``path``; :class:`ReplayFailed` or the input error if not."""
        history = load_history(_shown(path))
        setup = self.worker_setup()
        candidate = find_workflow(self._workflow_specs(), history.workflow_type)
        return replay_checked(history, candidate.cls, setup=setup,
                              user_roots=user_roots(self.project.workflows),
                              base=str(self.base))

    def worker_setup(self) -> WorkerSetup:
        """The project's worker setup, resolved the first time; its error every time."""
        if self.setup_error is not None:
            raise self.setup_error
        if self._setup is None:
            try:
                self._setup = self._resolve()
            except ReplaydbgError as err:
                self.setup_error = err
                raise
        return self._setup

    def _resolve(self) -> WorkerSetup:
        ensure_import_path(str(self.start))
        specs = self.project.merged_setup(SetupSpecs(), sandbox=None)
        setup, _ = with_codec_server(specs.resolve(), CodecOptions(profile=self.project.profile))
        return setup

    def _workflow_specs(self) -> list[str]:
        # Without a `workflows` key the CLI scans its working directory: here, pytest's.
        return list(self.project.workflows) or [str(self.start)]


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is below it, as the CLI shows it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path
