"""Fuzzing the language server with random edits: it keeps publishing, never RDB002.

Each example opens the real server (pytest-lsp's client) on the test workspace, sends a burst
of random edits of the workflow file (text an editor can produce mid-typing: brackets, odd
whitespace, deep expressions), then the original text: the server must still answer with
the original diagnostics, and no edit may produce "could not analyse".
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lsp.conftest import diagnostics, lsp_session, open_document, replace_text, write_tree
from tests.lsp.workspace import FILES, NOW_LINE, WORKFLOWS

PIECES = st.sampled_from([
    "(", ")", "[", "]", "{", "}", ":", "\n", "    ", "\t", "\x0c", "\x0b", "\x1c", "\u2028",
    "\r", "\r\n", '"""', "'", "#", "def ", "class ", "async ", "await ", "lambda", "1+" * 50,
    "datetime.now()", "time.sleep(1)", "import random\n", "@workflow.run\n", "\\", "é", "😀",
    "not " * 30, "x = ", "return ", "yield ",
])
EDITS = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.lists(PIECES, max_size=6)),
                 min_size=1, max_size=12)


def _edited(text: str, edits: list[tuple[float, int, list[str]]]) -> list[str]:
    versions = []
    for where, removed, pieces in edits:
        at = int(where * len(text))
        text = text[:at] + "".join(pieces) + text[at + removed:]
        versions.append(text)
    return versions


async def _session(root: Path, versions: list[str]) -> None:
    path = root / WORKFLOWS
    original = path.read_text()
    async with lsp_session(root) as client:
        uri = open_document(client, path)
        await diagnostics(client, uri, until=lambda d: any(x.code == "RDB101" for x in d))
        published: list[str] = []
        for version, text in enumerate(versions, start=2):
            replace_text(client, uri, text, version)
            await asyncio.sleep(0.05)
            published.extend(str(d.code) for d in client.diagnostics.get(uri, []))
        await asyncio.sleep(0.5)  # past the debounce delay: the last edit is analysed
        published.extend(str(d.code) for d in client.diagnostics.get(uri, []))
        replace_text(client, uri, original, len(versions) + 2)
        found = await diagnostics(client, uri, timeout=30, until=lambda d: any(
            x.code == "RDB101" and x.range.start.line == NOW_LINE for x in d))
        assert "RDB002" not in published and "RDB002" not in [str(d.code) for d in found]


@settings(max_examples=max(settings().max_examples // 5, 2))  # a server per example
@given(EDITS)
def test_random_edits_keep_the_server_publishing(edits: list[tuple[float, int, list[str]]],
                                                 ) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve()
        write_tree(root, FILES)
        versions = _edited((root / WORKFLOWS).read_text(), edits)
        asyncio.run(_session(root, versions))
