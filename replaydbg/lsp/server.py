"""The composition root of ``replaydbg lsp``: the pygls server and its handlers.

Handlers translate LSP messages into :class:`~replaydbg.lsp.session.Session` calls and
nothing more. pygls passes the server to a handler only when its first parameter is named
``ls`` (or annotated with the server's type), hence the signatures. Capabilities follow
from what is registered here: there is deliberately no ``textDocument/diagnostic`` handler,
so no pull diagnostics are advertised and clients show pushed diagnostics once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from replaydbg import __version__
from replaydbg.errors import PortError
from replaydbg.lsp.actions import ignore_actions, quick_fixes
from replaydbg.lsp.hover import hover_for
from replaydbg.lsp.lenses import PULL_COMMAND, REPLAY_COMMAND, history_lenses
from replaydbg.lsp.patch_action import patch_actions
from replaydbg.lsp.session import Session
from replaydbg.lsp.textlines import count_lines_as_lsp
from replaydbg.lsp.watching import watch_files
from replaydbg.lsp.wire import converter

_logger = logging.getLogger(__name__)


class ReplaydbgServer(LanguageServer):
    """The language server; :attr:`session` lives from ``initialize`` to ``shutdown``."""

    def __init__(self) -> None:
        super().__init__("replaydbg", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         converter_factory=converter)  # diagnostics go out as prebuilt JSON
        self._session: Session | None = None
        #: Whether ``shutdown`` came before ``exit`` (the process's exit code says so).
        self.shut_down = False

    def start_tcp(self, host: str, port: int,
                  announce: Callable[[str, int], None] | None = None) -> None:
        """Serve one client on ``host:port``, calling ``announce`` once listening.

        pygls' own ``start_tcp`` neither says which port ``0`` picked nor lets a port in use
        be told from other failures; this is the same loop with both.
        """
        self._stop_event = stop_event = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)
            await run_async(stop_event=stop_event, reader=reader, protocol=self.protocol,
                            logger=_logger, error_handler=self.report_server_error)
            self.shutdown()  # type: ignore[no-untyped-call]

        async def serve() -> None:
            try:
                self._server = await asyncio.start_server(connection, host, port)
            except OSError as err:
                raise PortError.from_os_error(err, host, port, "--port") from err
            if announce is not None:
                announce(host, self._server.sockets[0].getsockname()[1])
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(serve())
        except asyncio.CancelledError:
            pass

    @property
    def session(self) -> Session:
        """The session; requests before ``initialize`` are a client bug, reported as such."""
        if self._session is None:
            raise RuntimeError("the client sent a request before 'initialize'")
        return self._session

    def begin(self, session: Session) -> None:
        """``initialize``: from now on, requests go to ``session``."""
        self._session = session

    async def end(self) -> None:
        """``shutdown``: stop analysing and replaying; only ``exit`` may follow."""
        self.shut_down = True
        if self._session is not None:
            await self._session.close()


def create_server() -> ReplaydbgServer:
    """A server with every handler registered, ready for ``start_io`` or ``start_tcp``."""
    server = ReplaydbgServer()
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))(
        did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))(code_action)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions())(code_lens)
    server.command(REPLAY_COMMAND)(replay_histories)
    server.command(PULL_COMMAND)(pull_histories)
    server.feature(types.SHUTDOWN)(shutdown)
    return server


def initialize(ls: ReplaydbgServer, params: types.InitializeParams) -> None:
    """Start the session on the workspace root; settings are read once it is initialized."""
    count_lines_as_lsp(ls.workspace)
    ls.begin(Session(ls, workspace_root(params), params.initialization_options))


async def initialized(ls: ReplaydbgServer, params: types.InitializedParams) -> None:
    """Now the client answers requests: ask for settings, index, publish, watch files."""
    await ls.session.configure()
    await watch_files(ls)


async def did_change_configuration(ls: ReplaydbgServer,
                                   params: types.DidChangeConfigurationParams) -> None:
    """Settings changed: everything is re-read and re-analysed."""
    await ls.session.configure(pushed=params.settings)


def did_change_watched_files(ls: ReplaydbgServer,
                             params: types.DidChangeWatchedFilesParams) -> None:
    """pyproject.toml or Python files changed outside the editor."""
    ls.session.changed_on_disk([change.uri for change in params.changes])


def did_open(ls: ReplaydbgServer, params: types.DidOpenTextDocumentParams) -> None:
    """Analyse a newly opened document at once."""
    ls.session.opened(params.text_document.uri)


def did_change(ls: ReplaydbgServer, params: types.DidChangeTextDocumentParams) -> None:
    """Analyse again once typing pauses (pygls has already applied the change)."""
    ls.session.changed(params.text_document.uri)


def did_save(ls: ReplaydbgServer, params: types.DidSaveTextDocumentParams) -> None:
    """Analyse at once on save, without waiting for the debounce delay."""
    ls.session.saved(params.text_document.uri)


async def did_close(ls: ReplaydbgServer, params: types.DidCloseTextDocumentParams) -> None:
    """The disk is the truth again for the closed document and its dependents."""
    await ls.session.closed(params.text_document.uri)


def code_action(ls: ReplaydbgServer,
                params: types.CodeActionParams) -> list[types.CodeAction] | None:
    """Quick fixes for our diagnostics in the requested range, then "Ignore RDBxxx"."""
    if not ls.session.settings.enable:
        return None
    document = ls.workspace.get_text_document(params.text_document.uri)
    lines = document.lines

    def line_of(number: int) -> str:
        return lines[number] if 0 <= number < len(lines) else ""

    fixes = quick_fixes(params, lambda uri: ls.workspace.get_text_document(uri).version)
    path = to_fs_path(document.uri)
    if path is not None and _quick_fixes_requested(params):
        fixes += patch_actions(document, Path(path), params.context.diagnostics,
                               ls.session.settings.patch_base, _disabled_support(ls))
    if ls.session.publisher.shown(document.uri, document.version) is None:
        return fixes  # typed on since the diagnostics were made: their lines may have moved
    return fixes + ignore_actions(params, line_of,
                                  ls.workspace.position_codec.client_num_units)


def _quick_fixes_requested(params: types.CodeActionParams) -> bool:
    only = params.context.only
    return only is None or any(kind in ("", types.CodeActionKind.QuickFix, "quickfix")
                               for kind in only)


def _disabled_support(ls: ReplaydbgServer) -> bool:
    """Whether the client shows actions that cannot be applied, with their reason."""
    document = ls.client_capabilities.text_document
    action = document.code_action if document is not None else None
    return bool(action and action.disabled_support)


def hover(ls: ReplaydbgServer, params: types.HoverParams) -> types.Hover | None:
    """On a diagnostic: what is wrong, what to do instead, the link to the rule's entry."""
    if not ls.session.settings.enable:
        return None
    document = ls.workspace.get_text_document(params.text_document.uri)
    published = ls.session.publisher.shown(document.uri, document.version)
    return hover_for(published or [], params.position)


def code_lens(ls: ReplaydbgServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    """Above ``@workflow.run``: how many saved histories of the type replay or break."""
    session = ls.session
    if not session.settings.enable or not session.replays.enabled:
        return []
    document = ls.workspace.get_text_document(params.text_document.uri)
    path = to_fs_path(document.uri)
    if path is None:
        return []
    return history_lenses(document.source, Path(path), session.last_replay,
                          session.replays.running)


def replay_histories(ls: ReplaydbgServer, *args: object) -> bool:
    """The lens' command: replay the saved histories again now (False: none configured)."""
    return ls.session.replays.run(force=True)


async def pull_histories(ls: ReplaydbgServer, *args: object) -> dict[str, object]:
    """Pull the recent histories now, then replay (``pulled``: False when none configured).

    Answers when the pull has ended, with what it said, so the editor can show it.
    """
    result = await ls.session.pull_now()
    if result is None:
        return {"pulled": False, "message": "this project pulls no recent histories: add "
                "[tool.replaydbg.recent_histories] to pyproject.toml"}
    return {"pulled": not result.error, "message": result.error or result.summary}


async def shutdown(ls: ReplaydbgServer, params: None) -> None:
    """Stop analysing and replaying; ``exit`` follows."""
    await ls.end()


def workspace_root(params: types.InitializeParams) -> Path:
    """The folder to analyse: the first workspace folder, the root URI, else the cwd.

    Only one root is analysed; further workspace folders are not (yet) their own projects.
    """
    uris = [folder.uri for folder in params.workspace_folders or []] + [params.root_uri or ""]
    for uri in uris:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return Path(path).resolve()
    return Path(params.root_path or os.getcwd()).resolve()
