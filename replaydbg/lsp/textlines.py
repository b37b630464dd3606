r"""Open documents whose lines are the lines LSP counts: ended by \n, \r\n or \r only.

pygls splits a document with ``str.splitlines``, which also ends a line at a form feed, a
vertical tab, \x1c-\x1e or U+2028. Positions after such a character then point one line
off, and every incremental change after it lands in the wrong place: the server's copy of
the file drifts from the editor's. These subclasses count lines as the protocol (and Python)
does.
"""

from __future__ import annotations

from collections.abc import Sequence

from pygls.workspace import TextDocument, Workspace

from replaydbg.rules.source import code_lines


class CodeLineDocument(TextDocument):
    """A pygls document with LSP's line breaks."""

    @property
    def lines(self) -> Sequence[str]:
        r"""The document's lines, ends kept, split at \n, \r\n and \r only."""
        return tuple(code_lines(self.source))


class CodeLineWorkspace(Workspace):
    """A pygls workspace whose text documents are :class:`CodeLineDocument`."""

    def _create_text_document(self, doc_uri: str, source: str | None = None,
                              version: int | None = None,
                              language_id: str | None = None) -> TextDocument:
        return CodeLineDocument(doc_uri, source=source, version=version,
                                language_id=language_id, sync_kind=self._sync_kind,
                                position_codec=self._position_codec)


def count_lines_as_lsp(workspace: Workspace) -> None:
    """Make ``workspace`` (created by pygls at ``initialize``) use LSP's line breaks."""
    workspace.__class__ = CodeLineWorkspace
