"""The rules engine behind one worker thread, fed with the editor's text.

Nothing here speaks LSP: the session hands in paths and texts and gets findings back.
Every call to the rules' ``Workspace`` runs on one dedicated thread, for two reasons: the
workspace is mutable state that is not safe to share between threads, and an analysis can
take tens of milliseconds, during which the event loop must stay free to read the next
``didChange`` (and to cancel the debounce timer it would otherwise fire too early).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from replaydbg.rules import Finding, Workspace, load_config

logger = logging.getLogger(__name__)

T = TypeVar("T")

Results = dict[Path, list[Finding]]


class Analyzer:
    """A rules ``Workspace`` for one root, with the open documents' text laid over the disk.

    Lifetime: created at ``initialize``; :meth:`configure` must run before the first
    analysis and again whenever pyproject or the editor settings change; :meth:`close` at
    shutdown. All methods are coroutines for the event loop's thread only.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="replaydbg-rules")
        self._workspace: Workspace | None = None
        #: The editor's text of open documents: a rebuilt workspace starts from it again.
        self._texts: dict[Path, str] = {}
        #: Files may have been added or deleted on disk since the workspace listed them.
        self._rescan = False

    async def configure(self, overrides: Mapping[str, object]) -> list[str]:
        """(Re)build the workspace from pyproject merged with editor ``overrides``.

        Returns what was wrong in either, one sentence each, for the user to see.
        """
        return await self._run(lambda: self._rebuild(overrides))

    async def index(self) -> Results:
        """Analyse the whole workspace (the first, slow pass that builds the import graph)."""
        return await self._run(lambda: self._require().analyze(None))

    async def refresh(self) -> Results:
        """Everything again after changes on disk (files listed anew, changed ones re-read)."""
        self._rescan = False
        return await self._run(lambda: self._rescan_and_analyze())

    async def update(self, path: Path, text: str) -> Results:
        """Take the editor's ``text`` of ``path``; findings of it and of its dependents."""
        self._texts[path] = text
        rescan, self._rescan = self._rescan, False
        return await self._run(lambda: self._set_and_analyze(path, text, rescan))

    def files_changed(self) -> None:
        """Files may have been created or deleted (a save): list them again next time.

        Not on every keystroke: listing walks the whole workspace folder.
        """
        self._rescan = True

    async def forget(self, path: Path) -> Results:
        """The editor closed ``path``: the disk is the truth again for it and its dependents."""
        self._texts.pop(path, None)
        return await self._run(lambda: self._forget_and_analyze(path))

    def text_of(self, path: Path) -> str | None:
        """The editor's text of ``path`` as last handed in, ``None`` for files not open."""
        return self._texts.get(path)

    def close(self) -> None:
        """Stop the worker thread; an analysis under way finishes first."""
        self._thread.shutdown(wait=False, cancel_futures=True)

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    def _require(self) -> Workspace:
        if self._workspace is None:
            raise RuntimeError("Analyzer.configure() must run before any analysis")
        return self._workspace

    def _rebuild(self, overrides: Mapping[str, object]) -> list[str]:
        config, problems = load_config(self.root)
        config, more = config.merged(overrides)
        self._workspace = Workspace(self.root, config)
        for path, text in self._texts.items():
            self._workspace.set_document(path, text)
        return [*problems, *more]

    def _rescan_and_analyze(self) -> Results:
        workspace = self._require()
        workspace.rescan()
        return workspace.analyze(None)

    def _set_and_analyze(self, path: Path, text: str, rescan: bool) -> Results:
        workspace = self._require()
        before = workspace.dependents(path)
        if rescan:
            workspace.rescan()
        workspace.set_document(path, text)
        return _with_dependents(workspace, path, before)

    def _forget_and_analyze(self, path: Path) -> Results:
        workspace = self._require()
        before = workspace.dependents(path)
        workspace.forget_document(path)
        return _with_dependents(workspace, path, before)


def _with_dependents(workspace: Workspace, path: Path, before: set[Path]) -> Results:
    """Findings of ``path`` and of the files depending on it before *and* after the change.

    Before: a helper no longer called loses its chain findings. After: a helper called
    since gains them (the workspace knows the new call graph only once it has analysed).
    """
    results = workspace.analyze(before | {path})
    added = workspace.dependents(path) - results.keys()
    return {**results, **workspace.analyze(added)} if added else results
