"""Pushing diagnostics: which files get them, against which text, under which version.

Columns are converted against the text a file was analysed with, not the editor's latest
(the user may type on while the analysis runs, and a newer one is then on its way), and the
document's version at that time goes with the publication and with every fix, so that a fix
is not offered for a text it was not computed for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pygls.lsp.server import LanguageServer

from replaydbg.lsp.analysis import Results
from replaydbg.lsp.diagnostics import Locator, diagnostic_json
from replaydbg.lsp.documents import OpenDocuments
from replaydbg.lsp.wire import PrebuiltDiagnostics
from replaydbg.rules import Finding
from replaydbg.rules.source import code_lines


@dataclass(frozen=True)
class Analysed:
    """The editor's text of a document as handed to the rules, with its version."""

    path: Path
    text: str
    version: int | None


class Publisher:
    """Sends ``publishDiagnostics``; remembers which files have some, to clear them later.

    ``text_of`` gives the editor's text last handed to the rules for an open document
    (``None`` for the others, read from disk).
    """

    def __init__(self, ls: LanguageServer, documents: OpenDocuments,
                 text_of: Callable[[Path], str | None]) -> None:
        self._ls = ls
        self._documents = documents
        self._text_of = text_of
        self._versions: dict[Path, int | None] = {}
        #: Files whose last published diagnostics were not empty.
        self._published: set[Path] = set()
        #: The diagnostics last published by URI, as sent, with the document version they
        #: were computed for (what a hover and "Ignore RDBxxx" act on).
        self._shown: dict[str, tuple[int | None, list[dict[str, Any]]]] = {}
        #: The rules' findings last published per file, and the saved histories' replay
        #: findings: each kind is renewed on its own schedule, and a file shows both.
        self._static: dict[Path, list[Finding]] = {}
        self._replayed: dict[Path, list[Finding]] = {}

    def publish(self, results: Results, *, enabled: bool = True,
                analysed: Analysed | None = None) -> None:
        """Push ``results`` for files with findings, files that had some, and open ones.

        Files that are not open get theirs too: a helper module called from a workflow is
        where the finding sits, and the user should see it before opening it.
        """
        if analysed is not None:
            self._versions[analysed.path] = analysed.version
        where = Locator(self._ls.workspace.position_codec, self._line_reader(analysed),
                        self._documents.uri, self._version_of)
        for path, findings in results.items():
            if self._documents.is_open(path) and self._text_of(path) is None:
                continue  # opened during indexing: analysed from the disk, its own is queued
            self._static[path] = findings
            shown = [*findings, *self._replayed.get(path, ())] if enabled else []
            if shown or path in self._published or self._documents.is_open(path):
                self._send(path, [diagnostic_json(finding, where) for finding in shown])

    def publish_replayed(self, replayed: Results, *, enabled: bool = True) -> None:
        """Replace the replay findings; files that gain or lose some are sent again."""
        before, self._replayed = self._replayed, {p: f for p, f in replayed.items() if f}
        where = Locator(self._ls.workspace.position_codec, self._line_reader(None),
                        self._documents.uri, self._version_of)
        for path in before.keys() | self._replayed.keys():
            if self._documents.is_open(path) and self._text_of(path) is None:
                continue  # its analysis is queued and will show both
            shown = [*self._static.get(path, ()), *self._replayed.get(path, ())] \
                if enabled else []
            if shown or path in self._published:
                self._send(path, [diagnostic_json(finding, where) for finding in shown])

    def replayed(self) -> Results:
        """The replay findings now shown, by file (what the CodeLens counts)."""
        return dict(self._replayed)

    def publish_whole(self, results: Results, *, enabled: bool = True) -> None:
        """Push a whole-workspace analysis.

        Files it no longer covers (newly excluded, deleted) lose their old diagnostics.
        """
        self.publish({**{path: [] for path in self._published}, **results}, enabled=enabled)

    def _send(self, path: Path, diagnostics: list[dict[str, Any]]) -> None:
        (self._published.add if diagnostics else self._published.discard)(path)
        uri = self._documents.uri(path)
        self._shown[uri] = (self._version_of(path), diagnostics)
        self._ls.text_document_publish_diagnostics(PrebuiltDiagnostics(
            uri=uri, diagnostics=[], version=self._version_of(path),
            json_diagnostics=diagnostics))

    def shown(self, uri: str, version: int | None) -> list[dict[str, Any]] | None:
        """The diagnostics last published for ``uri``, None unless made for ``version``.

        Once the user types on, their lines may hold other text: nothing is offered on
        them until the fresh analysis is published.
        """
        sent = self._shown.get(uri)
        return sent[1] if sent is not None and sent[0] == version else None

    def _version_of(self, path: Path) -> int | None:
        return self._versions.get(path) if self._documents.is_open(path) else None

    def _line_reader(self, analysed: Analysed | None) -> Callable[[Path], Sequence[str]]:
        """Lines of each file as analysed, split once per publication."""
        cache: dict[Path, Sequence[str]] = {}
        if analysed is not None:
            cache[analysed.path] = code_lines(analysed.text)

        def lines_of(path: Path) -> Sequence[str]:
            if path not in cache:
                cache[path] = code_lines(self._analysed_text(path))
            return cache[path]

        return lines_of

    def _analysed_text(self, path: Path) -> str:
        text = self._text_of(path)
        if text is not None:
            return text
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # gone since: ranges stay unconverted
            return ""
