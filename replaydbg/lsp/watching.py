"""Changes made outside the editor: pyproject.toml edited, files created, deleted, checked out.

The editor tells about its own documents (open, change, save); anything else reaches the
server only if it asks the client to watch files, which it does once initialized, when the
client supports registering watchers dynamically.
"""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)

#: What the analysis depends on: the configuration and every Python file.
WATCHED = ("**/pyproject.toml", "**/*.py")


async def watch_files(ls: LanguageServer) -> bool:
    """Ask the client for ``workspace/didChangeWatchedFiles``; whether it agreed."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if watched is None or not watched.dynamic_registration:
        return False
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED])
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(id="replaydbg-watch", register_options=options,
                               method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES)]))
    except Exception:  # without watchers, edits made outside the editor show on next save
        logger.info("client refused to watch files", exc_info=True)
        return False
    return True

