"""What the parts of the debug adapter may use of their session, declared apart from it.

The session (:mod:`.adapter`) composes the parts — the launch, the plan's sync with the
debuggee, going back, the standby — and they work on its shared state and on each other.
Each part types its session as :class:`SessionState`, never as the session class itself, so
no part imports the module that composes it: the adapter depends on its parts, not the other
way round. The protocols below list exactly what crosses between parts.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

from replaydbg.dap.adapter.config import LaunchConfig
from replaydbg.dap.adapter.debuggee_link import DebuggeeLink
from replaydbg.dap.adapter.debugpy_side import DebugpyAdapter
from replaydbg.dap.adapter.editor_breakpoints import EditorBreakpoints
from replaydbg.dap.adapter.eventbp import EventPlan
from replaydbg.dap.adapter.mapping import MapResult
from replaydbg.dap.adapter.protocol import Message
from replaydbg.dap.adapter.proxy import Proxy
from replaydbg.dap.adapter.stop_events import StopEvents

if TYPE_CHECKING:
    from replaydbg.history import History


class LaunchSide(Protocol):
    """The launch, as the other parts use it (see :class:`.launching.Launcher`)."""

    loaded: threading.Event

    def debugpy_attach(self, adapter: DebugpyAdapter,
                       link: DebuggeeLink | None = None) -> dict[str, Any]:
        """Have ``adapter`` start a debuggee; debugpy's ``attach`` arguments for it."""

    def history_message(self) -> Message:
        """What tells a debuggee which history to replay."""

    def fail(self, message: str, request: Message | None = None) -> None:
        """End the session for ``message``."""


class PlanSide(Protocol):
    """The plan's sync with the debuggee (see :class:`.plan_sync.PlanSync`)."""

    def new_link(self) -> DebuggeeLink:
        """A control channel for a new debuggee."""

    def send_plan(self, *, wait: bool = False) -> None:
        """Send the whole plan to the debuggee."""

    def on_mapped(self, events: list[dict[str, Any]], through: int) -> None:
        """A batch of the event map arrived."""

    def on_map_complete(self, result: MapResult) -> None:
        """The whole event map arrived."""

    def on_stop(self, stop: Message) -> None:
        """A debuggee announces a stop."""

    def on_result(self, message: Message) -> None:
        """A debuggee reports how its replay ended."""


class BackSide(Protocol):
    """Going back (see :class:`.going_back.GoingBack`)."""

    @property
    def target(self) -> int | None:
        """The event a trip back runs to (None: no trip under way)."""


class SessionState(Protocol):
    """The session's shared state and parts; changes of the plan happen under ``plan_lock``."""

    proxy: Proxy
    config: LaunchConfig | None
    history: History | None
    plan: EventPlan | None
    map_result: MapResult | None
    link: DebuggeeLink | None
    plan_lock: threading.RLock
    debuggee_ready: bool
    ended: threading.Event
    initialize_arguments: Message
    editor_breakpoints: EditorBreakpoints
    stops: StopEvents
    #: The editor is looking at a stop.
    at_stop: bool

    @property
    def launcher(self) -> LaunchSide:
        """The session's launch."""

    @property
    def plans(self) -> PlanSide:
        """The session's plan sync."""

    @property
    def going_back(self) -> BackSide:
        """The session's going back."""

