"""Fetch a complete workflow history from a Temporal server, page by page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.service import RPCError

from replaydbg.history.connect import ConnectionSettings, FetchOptions, connect, resolve_settings
from replaydbg.history.connect_errors import rpc_failure
from replaydbg.history.model import History
from replaydbg.history.validate import validate_events

logger = logging.getLogger(__name__)

#: Bound on each page request; pages hold a few hundred events and come back in milliseconds.
PAGE_TIMEOUT = timedelta(seconds=30)


async def fetch_history(
    options: FetchOptions, *, progress: Callable[[int], None] | None = None
) -> History:
    """Every event of the workflow run ``options`` names (the latest run without a run id).

    ``progress`` is called after each page with the number of events fetched so far. Raises
    ``ConfigError``, ``ServerUnreachableError``, ``WorkflowNotFoundError``,
    ``NamespaceNotFoundError``, ``AuthError`` or another ``FetchError``, and
    ``HistoryContentError`` if the server's history is not replayable.
    """
    settings = resolve_settings(options)
    client = await connect(settings, options.connect_timeout)
    what = _workflow_label(options)
    events = await _all_pages(client, options, settings, what, progress)
    source = f"{what} in namespace {settings.namespace!r} at {settings.address}"
    validate_events(events, source)
    return History(options.workflow_id, events, source)


def _workflow_label(options: FetchOptions) -> str:
    label = f"workflow {options.workflow_id!r}"
    return f"{label} (run {options.run_id})" if options.run_id else label


async def _all_pages(
    client: Client,
    options: FetchOptions,
    settings: ConnectionSettings,
    what: str,
    progress: Callable[[int], None] | None,
) -> list[HistoryEvent]:
    handle = client.get_workflow_handle(options.workflow_id, run_id=options.run_id)
    pages = handle.fetch_history_events(rpc_timeout=PAGE_TIMEOUT)
    events: list[HistoryEvent] = []
    while True:
        try:
            await pages.fetch_next_page()
        except RPCError as err:
            raise rpc_failure(
                err, what=what, namespace=settings.namespace, address=settings.address
            ) from err
        events.extend(pages.current_page or ())
        logger.debug("fetched %d events of %s", len(events), what)
        if progress is not None:
            progress(len(events))
        if pages.next_page_token is None:
            return events
