"""Re-run a history against the user's workflow code and map every event to the code."""

from typing import TYPE_CHECKING

from replaydbg.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from replaydbg.replay.discovery import WorkflowCandidate as WorkflowCandidate
    from replaydbg.replay.discovery import find_workflow as find_workflow
    from replaydbg.replay.divergence import Divergence as Divergence
    from replaydbg.replay.eventmap import EventMap as EventMap
    from replaydbg.replay.eventmap import EventMapping as EventMapping
    from replaydbg.replay.eventmap import build_event_map as build_event_map
    from replaydbg.replay.report import ReplayReport as ReplayReport
    from replaydbg.replay.report import replay_history as replay_history
    from replaydbg.replay.source import SourceLocation as SourceLocation

__getattr__ = lazy_exports(__name__, globals(), {
    "Divergence": "replaydbg.replay.divergence",
    "EventMap": "replaydbg.replay.eventmap",
    "EventMapping": "replaydbg.replay.eventmap",
    "ReplayReport": "replaydbg.replay.report",
    "SourceLocation": "replaydbg.replay.source",
    "WorkflowCandidate": "replaydbg.replay.discovery",
    "build_event_map": "replaydbg.replay.eventmap",
    "find_workflow": "replaydbg.replay.discovery",
    "replay_history": "replaydbg.replay.report",
})

__all__ = [
    "Divergence",
    "EventMap",
    "EventMapping",
    "ReplayReport",
    "SourceLocation",
    "WorkflowCandidate",
    "build_event_map",
    "find_workflow",
    "replay_history",
]
