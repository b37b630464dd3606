"""Who asked for the current workflow run, carried from the client to the workflow.

A client sets `requested_by` around `start_workflow`; the plugin's client interceptor puts it
in a header, and its workflow interceptor sets it again inside the workflow from that header.
The plugin passes this module through the sandbox, so that the workflow and the interceptor
share one ContextVar.
"""

from __future__ import annotations

from contextvars import ContextVar

#: The header that carries `requested_by`.
HEADER = "requested-by"

requested_by: ContextVar[str | None] = ContextVar("requested_by", default=None)
