"""End-to-end helpers: the real server (``python -m replaydbg lsp``) driven by pytest-lsp."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = [sys.executable, "-mreplaydbg", "lsp", "--stdio"]
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> dedented text) under ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


@asynccontextmanager
async def lsp_session(root: Path, *, options: Any = None, configuration: Any = None,
                      client: str = "visual-studio-code", args: Sequence[str] = (),
                      before_initialize: Callable[[LanguageClient], None] | None = None,
                      ) -> AsyncIterator[LanguageClient]:
    """A server started on ``root`` and initialized; shut down cleanly on exit.

    ``before_initialize`` registers client handlers for what the server sends at once.
    """
    lsp = await ClientServerConfig(server_command=[*SERVER, *args]).start()
    assert isinstance(lsp, LanguageClient)
    if before_initialize is not None:
        before_initialize(lsp)
    if configuration is not None:
        lsp.set_configuration(configuration, section="replaydbg")
    lsp.registrations = []

    def register(params: types.RegistrationParams) -> None:
        lsp.registrations.extend(params.registrations)

    lsp.feature(types.CLIENT_REGISTER_CAPABILITY)(register)
    lsp.initialize_result = await lsp.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(client), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options))
    try:
        yield lsp
    finally:
        await lsp.shutdown_session()
        await lsp.stop()


def open_document(client: LanguageClient, path: Path, version: int = 1) -> str:
    """Send ``didOpen`` with the file's text from disk; returns its URI."""
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version,
                                             text=path.read_text())))
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send ``didChange`` with the whole new text."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics(client: LanguageClient, uri: str, *, timeout: float = 15.0,
                      until: Callable[[Sequence[types.Diagnostic]], bool] = lambda d: True,
                      ) -> Sequence[types.Diagnostic]:
    """The diagnostics of ``uri``, waiting for a publication that satisfies ``until``."""
    async def wait() -> Sequence[types.Diagnostic]:
        while uri not in client.diagnostics or not until(client.diagnostics[uri]):
            await client.wait_for_notification(PUBLISH)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), timeout)


def codes(found: Sequence[types.Diagnostic]) -> list[str]:
    """The codes of ``found``, sorted by position."""
    ordered = sorted(found, key=lambda d: (d.range.start.line, d.range.start.character))
    return [str(d.code) for d in ordered]


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """``text`` with LSP edits applied (UTF-16 columns; the test texts are ASCII)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:
        return offsets[min(position.line, len(lines))] + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                       reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text
