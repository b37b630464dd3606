"""Warn when a history was recorded with workflow logic the installed Python SDK does not know.

Each Python SDK release that changes how workflow code runs (the order handlers see jobs, what
cancelling a completed activity does) records a "lang used flag" in the workflow task it
completes, so later replays keep that behaviour. An older temporalio replaying such a history
ignores the flag it does not know and runs the old logic: the replay can then differ from the
run it claims to reproduce (handlers in another order, a different result) without any error.
Only an upgrade of temporalio fixes that, so the report says so.
"""

from __future__ import annotations

from temporalio.service import __version__ as installed_sdk
from temporalio.worker._workflow_instance import _WorkflowLogicFlag

from replaydbg.history import History

_PYTHON_SDK = "temporal-python"


def unknown_logic_flags(history: History) -> tuple[list[int], str]:
    """The Python logic flags ``history`` used that the installed SDK lacks.

    Also the SDK version the history's last Python task names (empty when none does).
    """
    known = {int(flag) for flag in _WorkflowLogicFlag}
    unknown: set[int] = set()
    recorded_by = ""
    for event in history.events:
        if not event.HasField("workflow_task_completed_event_attributes"):
            continue
        metadata = event.workflow_task_completed_event_attributes.sdk_metadata
        if metadata.sdk_name and metadata.sdk_name != _PYTHON_SDK:
            continue  # another language's flags mean other things
        unknown.update(flag for flag in metadata.lang_used_flags if flag not in known)
        if metadata.sdk_version:
            recorded_by = metadata.sdk_version
    return sorted(unknown), recorded_by


def unknown_flags_warnings(history: History) -> list[str]:
    """The report's warning, or none when the installed SDK knows every flag used."""
    unknown, recorded_by = unknown_logic_flags(history)
    if not unknown:
        return []
    flags = ", ".join(str(flag) for flag in unknown)
    by = f" temporalio {recorded_by}" if recorded_by else " a newer temporalio"
    upgrade = f"temporalio>={recorded_by}" if recorded_by else "a newer temporalio"
    return [
        f"the history was recorded by{by}, which used workflow logic flag(s) {flags} that the "
        f"installed temporalio {installed_sdk} does not know: this replay runs the older logic "
        f"(e.g. handlers in another order) and may not be the run the worker did; install "
        f"{upgrade} in the environment replaydbg runs in"
    ]
