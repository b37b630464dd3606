"""The debuggee's run: connect to the adapter, replay the history, report the outcome.

Started by the adapter in the user's interpreter, working directory and environment
(``python -m replaydbg.dap.debuggee``). It connects back to the adapter over the control
channel, imports the SDK and loads the history while debugpy's adapter and the editor shake
hands, then connects to debugpy (``attach`` by ``listen``) and waits for the editor's
configuration; only then does user code run: it imports the workflow, waits for the stop
plan, and replays with the recording runtime, stopping where :class:`.stops.PlannedStops`
says.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from replaydbg.dap import control
from replaydbg.dap.debuggee import pydevd_glue
from replaydbg.dap.debuggee.stops import PlannedStops


def main() -> int:
    """Run the session's replay; the outcome goes to the adapter."""
    channel = control.connect(os.environ[control.ENV_ADDRESS], os.environ[control.ENV_TOKEN])
    session: dict[str, Any] = json.loads(os.environ[control.ENV_SESSION])
    stops = PlannedStops(channel)
    channel.send({"type": "hello", "pid": os.getpid(), "python": list(sys.version_info[:2])})
    status = _replay(session, stops)
    channel.send({"type": "result", **status})
    return 0 if status.get("status") == "ok" else 1


def _debug(stops: PlannedStops) -> None:
    """Connect to debugpy, once our own start-up is done: nothing of it is user code."""
    if os.environ.get(control.ENV_DEBUGPY):  # else no debugger (the plan's tests run so)
        pydevd_glue.connect(stops.wait_for_debugpy(), os.environ[control.ENV_DEBUGPY_HOME])
    pydevd_glue.prepare()


def _replay(session: dict[str, Any], stops: PlannedStops) -> dict[str, Any]:
    # Imports here so that the control channel is up before the (slower) SDK imports.
    from replaydbg.errors import ReplaydbgError
    from replaydbg.history import load_history
    from replaydbg.project.codec import codec_options_from_json, with_codec_server
    from replaydbg.project.specs import SetupSpecs
    from replaydbg.replay import find_workflow
    from replaydbg.replay.discovery import ensure_import_path, user_roots
    from replaydbg.replay.engine import DEFAULT_DEADLOCK_TIMEOUT, replay_recorded

    ensure_import_path()
    stops.wait_for_history()
    specs = SetupSpecs.from_json(session)
    specs.add_import_paths()  # the project's folder: its workflow and setup specs import
    try:
        history = load_history(stops.history["file"], workflow_id=stops.history["workflowId"])
        _debug(stops)
        # With the user's converter or codec, or justMyCode off, code the user may want to
        # stop in runs between activations: trace everything then.
        stops.window = bool(not specs.custom_payloads and session.get("justMyCode", True)
                            and pydevd_glue.window_pays())
        # From here on the user's modules are imported and run: traced, unless nothing in
        # them can stop the debugger (see pydevd_glue.wanted).
        pydevd_glue.trace(not stops.window or pydevd_glue.wanted())
        workflows = list(session.get("workflows") or [])
        cls = find_workflow(workflows, history.workflow_type).cls
        setup, _ = with_codec_server(specs.resolve(),
                                     codec_options_from_json(session.get("codec")))
        stops.converter = setup.effective_converter()
        stops.wait_for_plan()
        # The adapter maps the history (in the background): replay without mapping here.
        raw = asyncio.run(replay_recorded(history, cls, setup=setup, stops=stops,
                                          user_roots=user_roots(workflows),
                                          track_next_lines=False, paused=stops.held,
                                          deadlock_timeout=session.get("deadlockTimeout",
                                                                       DEFAULT_DEADLOCK_TIMEOUT)
                                          or None))
    except ReplaydbgError as err:
        return {"status": "error", "message": str(err)}
    if raw.failure is None:
        # The SDK calls a task failure a success; the recording knows the code raised.
        failed = next((a for a in raw.recording.activations
                       if a.failure and not a.is_eviction), None)
        if failed is not None:
            return {"status": "failed", "message": f"{failed.failure_type}: {failed.failure}"}
        return {"status": "ok", "message": ""}
    # Only now: the report module brings the event map and the rules (~0.1 s), which the
    # first stop must not wait for.
    from replaydbg.replay.report import core_message

    status = "nondeterminism" if "Nondeterminism" in type(raw.failure).__name__ else "failed"
    return {"status": status, "message": core_message(str(raw.failure))}
