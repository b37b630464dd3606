"""Hover on a diagnostic: what is wrong, what to do instead, and the rule's documentation.

The answer comes from the diagnostics last published for the document (kept by
:class:`~replaydbg.lsp.publishing.Publisher`), so a hover never waits for an analysis and
always agrees with the squiggle under the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lsprotocol import types

from replaydbg.rules.advice import instead
from replaydbg.rules.catalog import RULES


def hover_for(published: Iterable[Mapping[str, Any]],
              position: types.Position) -> types.Hover | None:
    """Markdown for every published diagnostic whose range holds ``position``."""
    parts = [_describe(d) for d in published if _holds(d.get("range"), position)]
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(parts)))


def _holds(range_: Any, position: types.Position) -> bool:
    try:
        start = (range_["start"]["line"], range_["start"]["character"])
        end = (range_["end"]["line"], range_["end"]["character"])
    except (KeyError, TypeError):
        return False
    return start <= (position.line, position.character) <= end


def _describe(diagnostic: Mapping[str, Any]) -> str:
    code = str(diagnostic.get("code", ""))
    rule = RULES.get(code)
    title = f"**{code} {rule.name}**" if rule else f"**{code}**"
    lines = [title, "", str(diagnostic.get("message", "")).split("\n")[0]]
    advice = instead(code)
    if advice:
        lines += ["", f"**Instead:** {advice}"]
    href = (diagnostic.get("codeDescription") or {}).get("href")
    if href:
        lines += ["", f"[{code} in the rules' documentation]({href})"]
    return "\n".join(lines)
