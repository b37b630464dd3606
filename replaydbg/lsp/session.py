"""One editor session: settings, open documents, analyses and the diagnostics they publish.

The server's handlers only translate notifications into calls on :class:`Session`; this is
where the order of things is decided. Analyses wait until the workspace has been indexed
once (a ``didOpen`` can arrive before), and diagnostics are only ever *pushed*: the server
never advertises pull diagnostics, since a client that both pulls and receives pushes shows
every problem twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from replaydbg.lsp.analysis import Analyzer, Results
from replaydbg.lsp.documents import Debouncer, OpenDocuments, python_path
from replaydbg.lsp.history_pulls import HistoryPulls, PullResult
from replaydbg.lsp.history_replays import HistoryReplays, ReplayRun
from replaydbg.lsp.progress import reported
from replaydbg.lsp.publishing import Analysed, Publisher
from replaydbg.lsp.replay_results import replay_request, run_results
from replaydbg.lsp.settings import Settings, read_settings

logger = logging.getLogger(__name__)

#: The ``workspace/configuration`` section our settings live in.
SECTION = "replaydbg"

#: Debouncer keys of a configuration reload and of a re-read of the disk (not URIs, so they
#: cannot clash with a document's).
_RECONFIGURE = "<reconfigure>"

#: Notification sent after each completed replay of the saved histories: the editor
#: refreshes its CodeLens, tests and benchmarks know the diagnostics are out.
REPLAYED = "replaydbg/historiesReplayed"
_REFRESH = "<refresh>"


class Session:
    """State between ``initialize`` and ``shutdown``; all methods run on the event loop."""

    def __init__(self, ls: LanguageServer, root: Path, init_options: object) -> None:
        self.ls = ls
        self.analyzer = Analyzer(root)
        self.documents = OpenDocuments()
        self.settings = Settings()
        self._init_options = init_options
        self._debouncer = Debouncer(self._run, self.settings.debounce_ms / 1000)
        self.publisher = Publisher(ls, self.documents, self.analyzer.text_of)
        self.replays = HistoryReplays(root, self._replayed,
                                      lambda: reported(ls, "replaydbg: replaying saved histories"))
        self.pulls = HistoryPulls(root, self._pulled)
        self._pull_error = ""
        #: The last run of the saved histories (what the CodeLens counts).
        self.last_replay: ReplayRun | None = None
        self._replay_error = ""
        self._indexed = asyncio.Event()
        self._configured = asyncio.Event()

    async def configure(self, pushed: object = None) -> None:
        """(Re)read the settings and pyproject, index the workspace, publish what was found.

        ``pushed`` is what a ``didChangeConfiguration`` carried, used when the client
        cannot be asked for the section.
        """
        pulled = await self._pull_configuration()
        self.settings = read_settings(self._init_options, pulled if pulled is not None else pushed)
        self._debouncer.delay = self.settings.debounce_ms / 1000
        try:
            results = await self._reindex()
        finally:  # even a failed index must not leave analyses waiting forever
            self._indexed.set()
        self.publisher.publish_whole(results, enabled=self.settings.enable)
        self._configure_replays()
        self._configured.set()

    def _configure_replays(self) -> None:
        """Replay the project's saved histories now, and on every save of changed code."""
        request, problem, pulls = replay_request(self.analyzer.root)
        if problem:
            self._warn([problem])
        enabled = self.settings.enable and self.settings.replay_histories
        self.replays.configure(request if enabled else None)
        if not self.replays.enabled:
            self.last_replay = None
            self.publisher.publish_replayed({})
        self.replays.run()
        self.pulls.enabled = self.replays.enabled and pulls
        self.pulls.pull()

    async def pull_now(self) -> PullResult | None:
        """Pull the recent histories (after the configuration is read); None: none to pull."""
        await self._configured.wait()
        task = self.pulls.pull()
        return None if task is None else await task

    def _pulled(self, result: PullResult) -> None:
        """A pull ended: replay what changed; say a failure once (until it changes)."""
        if result.error and result.error != self._pull_error:
            self._warn([f"recent histories could not be pulled: {result.error}"])
        self._pull_error = result.error
        if result.changed:
            self.replays.run(force=True)

    def _replayed(self, run: ReplayRun) -> None:
        """A run completed: its findings replace the last run's."""
        self.last_replay = run
        if run.error and run.error != self._replay_error:
            self._warn([f"saved histories could not be replayed: {run.error}"])
        self._replay_error = run.error
        self.publisher.publish_replayed(run_results(run, self.analyzer.root),
                                        enabled=self.settings.enable)
        self._refresh_lenses()
        self.ls.protocol.notify(REPLAYED, {"histories": sum(run.totals.values()),
                                             "findings": len(run.findings),
                                             "error": run.error, "seconds": run.seconds})

    def _refresh_lenses(self) -> None:
        """Ask the client to fetch the CodeLens again (when it can be asked)."""
        workspace = self.ls.client_capabilities.workspace
        lens = workspace.code_lens if workspace is not None else None
        if lens is not None and lens.refresh_support:
            self.ls.workspace_code_lens_refresh(None)

    async def _reindex(self) -> Results:
        """A workspace built with the current settings, and everything it finds."""
        problems = await self.analyzer.configure(self.settings.rule_overrides)
        self._warn([*self.settings.problems, *problems])
        started = time.perf_counter()
        async with reported(self.ls, "replaydbg: indexing workflows"):
            results = await self.analyzer.index()
        logger.info("indexed %s in %.0f ms: %d files with findings", self.analyzer.root,
                    (time.perf_counter() - started) * 1000, len(results))
        return results

    def opened(self, uri: str) -> None:
        """The editor opened ``uri``: analyse it now (the user is looking at it)."""
        path = python_path(uri)
        if path is not None:
            self.documents.add(path, uri)
            self._debouncer.now(uri)

    def changed(self, uri: str) -> None:
        """The user is typing in ``uri``: analyse once they pause."""
        if python_path(uri) is not None:
            self._debouncer.later(uri)

    def saved(self, uri: str) -> None:
        """A save: analyse at once, or reload everything when pyproject changed."""
        if uri.endswith("/pyproject.toml"):
            self._debouncer.now(_RECONFIGURE)
        elif (path := python_path(uri)) is not None:
            self.analyzer.files_changed()
            self._debouncer.now(uri)
            self.replays.run(path)

    def changed_on_disk(self, uris: Sequence[str]) -> None:
        """Files changed outside the editor: reread pyproject, or the disk, once things calm.

        The editor's own saves are reported too; they arrive as ``didSave`` as well, and the
        editor's text of open documents wins over the disk anyway, so they are skipped.
        """
        outside = [uri for uri in uris if not self._is_open(uri)]
        if any(uri.endswith("/pyproject.toml") for uri in outside):
            self._debouncer.later(_RECONFIGURE)
        elif outside:
            self._debouncer.later(_REFRESH)

    async def closed(self, uri: str) -> None:
        """The disk is the truth again for a closed document (unsaved edits are gone)."""
        path = python_path(uri)
        if path is None or not self.documents.is_open(path):
            return
        self._debouncer.cancel(uri)
        self.documents.remove(path)
        self.publisher.publish(await self.analyzer.forget(path), enabled=self.settings.enable)

    async def _run(self, key: str) -> None:
        """What the debouncer runs: a reload, a re-read of the disk, or a document's analysis."""
        if key == _RECONFIGURE:
            await self.configure()
        elif key == _REFRESH:
            await self._indexed.wait()
            self.publisher.publish_whole(await self.analyzer.refresh(),
                                         enabled=self.settings.enable)
        else:
            await self.analyze(key)

    async def analyze(self, uri: str) -> None:
        """Analyse the editor's text of ``uri``; publish it and the modules depending on it."""
        path = python_path(uri)
        await self._indexed.wait()
        if path is None or not self.documents.is_open(path):
            return
        document = self.ls.workspace.get_text_document(uri)
        analysed = Analysed(path, document.source, document.version)
        started = time.perf_counter()
        results = await self.analyzer.update(path, analysed.text)
        logger.debug("analysed %s and %d dependents in %.1f ms", path, len(results) - 1,
                     (time.perf_counter() - started) * 1000)
        self.publisher.publish(results, enabled=self.settings.enable, analysed=analysed)

    async def close(self) -> None:
        """Stop analysing and replaying (``shutdown``): no process is left behind."""
        self.analyzer.close()
        await self.pulls.close()
        await self.replays.close()

    def _is_open(self, uri: str) -> bool:
        path = python_path(uri)
        return path is not None and self.documents.is_open(path)

    async def _pull_configuration(self) -> object:
        workspace = self.ls.client_capabilities.workspace
        if workspace is None or not workspace.configuration:
            return None
        try:
            answer = await self.ls.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section=SECTION)]))
        except Exception:  # a client that fails here still gets diagnostics, with defaults
            logger.warning("workspace/configuration failed", exc_info=True)
            return None
        return answer[0] if answer else None

    def _warn(self, problems: list[str]) -> None:
        """Tell the user what in their settings or pyproject was ignored."""
        # The rules' messages start with "replaydbg: " already; say it once for all.
        sentences = [problem.removeprefix("replaydbg: ") for problem in problems]
        for sentence in sentences:
            logger.warning("configuration: %s", sentence)
        if sentences:
            self.ls.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning, message="replaydbg: " + "; ".join(sentences)))
