"""Re-run a history against the user's workflow code and map every event to the code."""

from replaydbg.replay.discovery import WorkflowCandidate, find_workflow
from replaydbg.replay.divergence import Divergence
from replaydbg.replay.eventmap import EventMap, EventMapping, build_event_map
from replaydbg.replay.report import ReplayReport, replay_history
from replaydbg.replay.source import SourceLocation

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
