"""Replay-backed findings in the rules' model, so ``check`` prints them as its own.

Text, JSON and SARIF output, ``--select``/``--ignore`` and the exit code then treat a line
that breaks saved histories like any other finding; the histories it breaks become the
finding's related locations (the event in each history file).
"""

from __future__ import annotations

from pathlib import Path

from replaydbg.histcheck.findings import HistoryFinding
from replaydbg.histcheck.locate import event_line, line_extent
from replaydbg.rules.catalog import rule
from replaydbg.rules.model import ChainStep, Finding, Position, Severity, Span

#: Related locations listed per finding (the message has the count).
RELATED = 5


def as_finding(found: HistoryFinding, unlocated_on: Path | None = None) -> Finding:
    """``found`` as a rules finding.

    One without a line of code goes on the first line of ``unlocated_on`` (the module just
    saved, when the code could not even be imported) or else of its first history.
    """
    if found.located:
        path, line = Path(found.path), found.line
        start, end = line_extent(path, line)
    elif unlocated_on is not None:
        path, line = unlocated_on, 1
        start, end = line_extent(path, line)
    else:
        first = found.histories[0].source if found.histories else "."
        path, line, start, end = Path(first).absolute(), 1, 0, 0
    related = tuple(
        ChainStep(Path(h.source).absolute(), _at(event_line(h.source, h.event_id)),
                  f"{Path(h.source).name}: event {h.event_id}" if h.event_id
                  else Path(h.source).name)
        for h in found.histories[:RELATED])
    info = rule(found.code)
    message = found.message if not found.hint else f"{found.message} (hint: {found.hint})"
    return Finding(found.code, message, Severity.ERROR, path,
                   Span(Position(line, start), Position(line, end)), related,
                   doc_url=info.doc_url, data={"category": "replay"})


def _at(line: int) -> Span:
    return Span(Position(line, 0), Position(line, 0))
