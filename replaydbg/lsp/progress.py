"""Work-done progress for long server-initiated work (the first indexing of a workspace).

Progress is a courtesy: a client that does not support it, or refuses the token, gets
none, and the work goes on all the same.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from lsprotocol import types
from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)


@asynccontextmanager
async def reported(ls: LanguageServer, title: str) -> AsyncIterator[None]:
    """Show ``title`` as a progress notification for as long as the ``with`` block runs."""
    token = await _create_token(ls)
    if token is not None:
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title))
    try:
        yield
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd())


async def _create_token(ls: LanguageServer) -> str | None:
    window = ls.client_capabilities.window
    if window is None or not window.work_done_progress:
        return None
    token = f"replaydbg-{uuid.uuid4()}"
    try:
        # Shielded: a cancelled run must not cancel the request's future, which pygls
        # would then fail to resolve when the client's answer comes.
        await asyncio.shield(ls.work_done_progress.create_async(token))
    except Exception:  # the client refused or failed; the work does not depend on it
        logger.info("client did not accept progress token", exc_info=True)
        return None
    return token
