"""What the shadowing workflow and its activities exchange: plain dataclasses, JSON-able.

The worker's data converter is the SDK's default, whatever the user's own is: these carry
ids, the query and the report, never the user's payloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from replaydbg.shadow.selection import SHADOW_WORKFLOW_TYPE

#: Names on the wire: a worker of another replaydbg version must refuse, not misread.
WORKFLOW = SHADOW_WORKFLOW_TYPE
LIST_PAGE = "replaydbg.shadow.list_page"
REPLAY_BATCH = "replaydbg.shadow.replay_batch"
PROGRESS = "progress"


@dataclass
class ShadowInput:
    """The run's selection and replay options, and what a continued run carries over."""

    query: str
    sample_rate: float = 1.0
    limit: int | None = None
    #: ``ReplayOptions.to_json()`` of the starting command (see the worker's precedence).
    options: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 20
    page_size: int = 500
    #: Carried over continue-as-new: the next page, executions taken, the report so far.
    next_page_token: str | None = None
    taken: int = 0
    digest: dict[str, Any] | None = None


@dataclass
class RunRef:
    """One execution to replay."""

    workflow_id: str
    run_id: str
    workflow_type: str
    closed: bool


@dataclass
class ListInput:
    """A page of the visibility query, sampled."""

    query: str
    page_size: int
    sample_rate: float
    next_page_token: str | None = None


@dataclass
class ListOutput:
    """The sampled runs of a page, and the token of the next (None: the last page)."""

    runs: list[RunRef]
    next_page_token: str | None


@dataclass
class BatchInput:
    """Runs for one activity to fetch and replay."""

    runs: list[RunRef]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchOutput:
    """The batch's report digest (see ``ShadowReport.digest``)."""

    digest: dict[str, Any]
