"""Findings of the rules as LSP diagnostics: ranges in the client's encoding, chains, fixes.

Findings count columns in characters (code points); LSP clients count in the position
encoding negotiated at ``initialize`` (UTF-16 unless the client offers another), so every
range is converted against the text of the file it points into. Fixes travel in the
diagnostic's ``data`` already converted, which lets a code-action request be answered from
the diagnostics the client sends back, without re-running the analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from replaydbg.rules import Finding, Fix, Position, Severity, Span

#: ``Diagnostic.source``: lets clients and :mod:`.actions` tell our diagnostics apart.
SOURCE = "replaydbg"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
}


@dataclass(frozen=True)
class Locator:
    """Turns finding positions into LSP ranges and locations.

    ``lines_of`` gives the lines of a file as analysed (the editor's text for open
    documents, the disk otherwise); ``uri_of`` the URI the client knows the file by;
    ``version_of`` the version of an open document as analysed (``None`` for the disk).
    """

    codec: PositionCodec
    lines_of: Callable[[Path], Sequence[str]]
    uri_of: Callable[[Path], str]
    version_of: Callable[[Path], int | None] = lambda path: None

    def range(self, path: Path, span: Span) -> types.Range:
        """``span`` of ``path`` in the client's units (0-based lines)."""
        lines = self.lines_of(path)
        (line, character), (end_line, end_character) = (self._units(lines, span.start),
                                                        self._units(lines, span.end))
        return types.Range(start=types.Position(line=line, character=character),
                           end=types.Position(line=end_line, character=end_character))

    def range_json(self, path: Path, span: Span) -> dict[str, Any]:
        """:meth:`range` as the JSON it is sent as."""
        lines = self.lines_of(path)
        (line, character), (end_line, end_character) = (self._units(lines, span.start),
                                                        self._units(lines, span.end))
        return {"start": {"line": line, "character": character},
                "end": {"line": end_line, "character": end_character}}

    def location(self, path: Path, span: Span) -> types.Location:
        """``span`` of ``path`` as a location the client can jump to."""
        return types.Location(uri=self.uri_of(path), range=self.range(path, span))

    def _units(self, lines: Sequence[str], position: Position) -> tuple[int, int]:
        """(0-based line, column in the client's units) of ``position``."""
        line = position.line - 1
        if not 0 <= line < len(lines):  # past the end (a file shortened since): its end
            return len(lines), 0
        prefix = lines[line][:position.column]
        # Code is mostly ASCII, where every encoding counts alike; pygls' codec counts
        # character by character, which made conversion the bulk of a publication.
        return line, len(prefix) if prefix.isascii() else self.codec.client_num_units(prefix)


def to_diagnostic(finding: Finding, where: Locator) -> types.Diagnostic:
    """One finding as a diagnostic on the file it was found in."""
    return types.Diagnostic(
        range=where.range(finding.path, finding.span),
        message=diagnostic_message(finding),
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=(types.CodeDescription(href=finding.doc_url)
                          if finding.doc_url else None),
        source=SOURCE,
        related_information=[
            types.DiagnosticRelatedInformation(location=where.location(step.path, step.span),
                                               message=label)
            for step, label in zip(finding.chain, related_labels(finding), strict=True)
        ] or None,
        data={**finding.data, "fixes": [fix_data(fix, where) for fix in finding.fixes]},
    )


def to_diagnostics(findings: Sequence[Finding], where: Locator) -> list[types.Diagnostic]:
    """The findings of one file, in the order the rules gave them."""
    return [to_diagnostic(finding, where) for finding in findings]


def diagnostic_json(finding: Finding, where: Locator) -> dict[str, Any]:
    """:func:`to_diagnostic` as the JSON that pygls would send for it, built directly.

    Publishing a few hundred diagnostics through lsprotocol objects and cattrs took longer
    than the analysis behind them; this is what :mod:`.publishing` sends instead (see
    :mod:`.wire`). Same keys, same order, ``None`` fields left out, as cattrs does.
    """
    result: dict[str, Any] = {
        "range": where.range_json(finding.path, finding.span),
        "message": diagnostic_message(finding),
        "severity": _SEVERITY[finding.severity].value,
        "code": finding.code,
    }
    if finding.doc_url:
        result["codeDescription"] = {"href": finding.doc_url}
    result["source"] = SOURCE
    if finding.chain:
        result["relatedInformation"] = [
            {"location": {"uri": where.uri_of(step.path),
                          "range": where.range_json(step.path, step.span)},
             "message": label}
            for step, label in zip(finding.chain, related_labels(finding), strict=True)]
    result["data"] = {**finding.data, "fixes": [fix_data(fix, where) for fix in finding.fixes]}
    return result


def related_labels(finding: Finding) -> list[str]:
    """What each related location says: the steps of a call chain, numbered.

    A replay finding's related locations are the histories it breaks: examples, not steps.
    """
    if _replayed(finding):
        return [step.label for step in finding.chain]
    return [f"{number}. {step.label}" for number, step in enumerate(finding.chain, start=1)]


def _replayed(finding: Finding) -> bool:
    return finding.data.get("category") == "replay"


def diagnostic_message(finding: Finding) -> str:
    """The finding's message, followed by its call chain when the rules did not say it.

    Editors show related information only on demand; the chain in the message is what
    tells the user at a glance *why* a call in a helper is a workflow problem. A replay
    finding's message names its histories itself.
    """
    if not finding.chain or "reached from" in finding.message or _replayed(finding):
        return finding.message
    labels = " → ".join(step.label for step in finding.chain)
    return f"{finding.message}\nreached from {labels}"


def fix_data(fix: Fix, where: Locator) -> dict[str, Any]:
    """A fix as plain JSON: ``title``, ``changes`` keyed by URI, ``versions`` by URI.

    ``changes`` is as in a WorkspaceEdit; ``versions`` holds the versions of the open
    documents the edits were computed for. They let :mod:`.actions` refuse a fix once the
    user has typed on: its ranges would then land on the wrong text.
    """
    changes: dict[str, list[dict[str, Any]]] = {}
    versions: dict[str, int] = {}
    for edit in fix.edits:
        uri = where.uri_of(edit.path)
        changes.setdefault(uri, []).append({"range": where.range_json(edit.path, edit.span),
                                            "newText": edit.new_text})
        if (version := where.version_of(edit.path)) is not None:
            versions[uri] = version
    return {"title": fix.title, "changes": changes, "versions": versions}
