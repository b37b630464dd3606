"""The debuggee's stop hooks: where the adapter's plan says to stop, and how.

The runtime calls these hooks at each job and command of the replay; they stop pydevd there
when the plan says so, telling the adapter why just before. While the adapter's plan is
preliminary (the event map is still being made), the replay is held at the first job or
command the plan cannot decide yet. A reader thread takes plans, pauses and questions from
the control channel meanwhile.
"""

from __future__ import annotations

import asyncio
import dis
import json
import os
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from replaydbg.dap import control
from replaydbg.dap.debuggee import pydevd_glue


class PlannedStops:
    """The stop hooks the runtime calls; stops where the adapter's plan says."""

    def __init__(self, channel: control.Channel) -> None:
        self._channel = channel
        self._plan: dict[tuple[int, str, int], dict[str, Any]] = {}
        self._have_plan = threading.Event()
        self._have_history = threading.Event()
        self._have_debugpy = threading.Event()
        #: ``HOST:PORT`` where debugpy's adapter listens for this process, once told.
        self._debugpy_address = ""
        #: Guards the plan; notified when it grows.
        self._grown = threading.Condition()
        self._complete = False
        self._through = -1  # the last activation the plan is final for
        #: The user asked to pause: stop at the next job or command (on a user line).
        self._pause = False
        #: Events already stopped for: a stop placed by the preliminary plan must not be
        #: taken again when the complete plan places it at another job of the activation.
        #: A failure stop is apart: it names the task's last event, which may have stopped
        #: the replay already (going back to it, then on to the raise).
        self._taken: set[tuple[int, bool]] = set()
        self._acks: dict[int, threading.Event] = {}
        self._next = 0
        self._frozen: tuple[Any, tuple[bool, Any]] | None = None
        #: The last stop armed after a job, with the frames that could resume, until the
        #: activation ends (see _stop_missed).
        self._armed: tuple[dict[str, Any], list[FrameType]] | None = None
        #: The session's data converter, once loaded (payload decoding for the adapter).
        self.converter: Any = None
        #: The history to replay: ``file`` and ``workflowId`` (the adapter loads it first).
        self.history: dict[str, Any] = {}
        #: Stop tracing between activations (only the SDK runs there).
        self.window = False
        #: The last job or command point the replay reached: (activation, kind, position).
        self.reached: tuple[int, str, int] | None = None
        #: How many waits for the adapter (a plan, an ack) are in progress: time the deadlock
        #: watchdog must not count against the workflow task.
        self._waiting = 0
        reader = threading.Thread(target=self._read, name="replaydbg-control", daemon=True)
        # Not the user's thread: pydevd must neither trace it nor suspend it with the others,
        # or plan updates and acks would wait until the user resumes.
        reader.pydev_do_not_trace = True  # type: ignore[attr-defined]
        reader.is_pydev_daemon_thread = True  # type: ignore[attr-defined]
        reader.start()

    def _read(self) -> None:
        while True:
            message = self._channel.receive()
            if message is None:
                os._exit(0)  # the adapter is gone: so is the session
            if message.get("type") == "plan":
                self._take_plan(message)
                self._channel.send({"type": "done", "id": message.get("id")})
            elif message.get("type") == "debugpy":  # where debugpy's adapter listens
                self._debugpy_address = str(message.get("address"))
                self._have_debugpy.set()
            elif message.get("type") == "history":  # always before the first plan
                self.history = message
                self._have_history.set()
            elif message.get("type") == "pause":
                with self._grown:
                    self._pause = True
                    self._grown.notify_all()
                self._channel.send({"type": "done", "id": message.get("id")})
            elif message.get("type") == "where":  # the editor stopped at a line of its own
                self._channel.send({"type": "done", "id": message.get("id"),
                                    "point": list(self.reached) if self.reached else None})
            elif message.get("type") == "freeze":
                self._freeze(bool(message.get("on")))
                self._channel.send({"type": "done", "id": message.get("id")})
            elif message.get("type") == "decode":
                self._channel.send({"type": "done", "id": message.get("id"),
                                    **self._decode(message.get("payload") or {})})
            elif message.get("type") == "ack":
                event = self._acks.pop(int(message.get("id", -1)), None)
                if event is not None:
                    event.set()

    def _take_plan(self, message: dict[str, Any]) -> None:
        stops = {(s["activation"], s["kind"], s["position"]): s
                 for s in message.get("stops", [])}
        with self._grown:
            self._plan = {**self._plan, **stops} if message.get("merge") else stops
            self._complete = bool(message.get("complete", True))
            self._through = int(message.get("through", -1))
            self._grown.notify_all()
        self._have_plan.set()

    def _decode(self, payload: dict[str, Any]) -> dict[str, Any]:
        """One payload through the session's data converter (and codec), JSON-safe."""
        converter = self.converter
        if converter is None:
            return {"error": "<no data converter loaded yet>"}
        from google.protobuf.json_format import ParseDict
        from temporalio.api.common.v1 import Payload

        try:
            message = ParseDict(payload, Payload())
            decoded = asyncio.run(converter.decode([message]))[0]
        except Exception as err:  # shown in the Variables view, never raised
            return {"error": f"<not decoded: {type(err).__name__}: {err}>"}
        try:
            json.dumps(decoded)
            return {"value": decoded}
        except (TypeError, ValueError):
            return {"value": repr(decoded)}

    def _freeze(self, on: bool) -> None:
        """Evaluations in the REPL must not issue commands or draw random numbers."""
        from replaydbg.replay.runtime import ReplayContext

        instance = ReplayContext.instance
        if instance is None:
            return
        if on and self._frozen is None:
            self._frozen = (instance, instance.freeze())
        elif not on and self._frozen is not None:
            frozen_instance, saved = self._frozen
            frozen_instance.thaw(saved)
            self._frozen = None

    def wait_for_history(self) -> None:
        """Block until the adapter says which history to replay.

        No time limit: the adapter may be loading a very large history, and if it goes
        away the control channel closes and this process exits.
        """
        self._have_history.wait()

    def wait_for_debugpy(self) -> str:
        """Block until the adapter says where debugpy listens; returns ``HOST:PORT``.

        No time limit, as for the history: if the adapter goes, this process exits.
        """
        self._have_debugpy.wait()
        return self._debugpy_address

    def wait_for_plan(self, timeout: float | None = None) -> None:
        """Block until the adapter sent the first stop plan.

        A standby debuggee (see the adapter's standby module) waits here, its history loaded
        and the user's code imported, until a trip back in the replay needs it.
        """
        self._have_plan.wait(timeout)

    def _planned(self, key: tuple[int, str, int], *,
                 final: bool = False) -> dict[str, Any] | None:
        """The stop planned at ``key``; waits while the plan is not final for its activation.

        ``final``: wait for the complete plan (failure stops are planned from the whole map).
        """
        with self._grown:
            stop = self._plan.get(key)
            self._waiting += 1
            while stop is None and not self._complete and (final or key[0] > self._through) \
                    and not self._pause:
                self._grown.wait()
                stop = self._plan.get(key)
            self._waiting -= 1
            if self._pause:
                self._pause = False
                if stop is None:
                    activation, kind, position = key
                    return {"activation": activation, "kind": kind, "position": position,
                            "eventId": 0, "reason": "pause", "description": "Paused"}
        event_id = int(stop.get("eventId") or 0) if stop is not None else 0
        taken = (event_id, key[1] == "failure")
        if stop is None or taken in self._taken:
            return None
        self._taken.add(taken)
        return stop

    def _announce(self, stop: dict[str, Any]) -> None:
        with self._grown:
            self._pause = False  # any stop is the pause the user may have asked for
        self._next += 1
        acked = self._acks[self._next] = threading.Event()
        self._channel.send({"type": "stop", "id": self._next, "stop": stop})
        self._waiting += 1
        acked.wait(10.0)
        self._waiting -= 1

    def held(self) -> bool:
        """Whether the replay is held by the debugger or the adapter, not by workflow code."""
        return self._waiting > 0 or pydevd_glue.suspended()

    def after_job(self, activation: int, position: int,
                  waiting: Callable[[], list[FrameType]]) -> None:
        """Arm a stop at the first user line the job causes, if planned."""
        self.reached = (activation, "job", position)
        stop = self._planned((activation, "job", position))
        if stop is not None:
            frames = waiting()
            # Where the coroutines wait: a stop there is one line early (see the adapter),
            # unless the coroutine returns on that very line (``return await ...``).
            self._announce({**stop, "awaiting": [[f.f_code.co_filename, f.f_lineno]
                                                 for f in frames
                                                 if not _returns_on_its_line(f)]})
            self._armed = (stop, frames)
            pydevd_glue.arm_step_into_user_code(frames)

    def _stop_missed(self) -> None:
        """The activation ends and the stop armed after a job never came: make it now.

        On ``sys.monitoring`` (3.12+) a coroutine that resumes and returns on the line it
        waited on (``return await ...``) starts no new line, so the armed step never stops.
        Its frame has finished but still shows where it was and its variables: the stop is
        made on it.
        """
        armed, self._armed = self._armed, None
        if armed is None or not pydevd_glue.armed_step_pending():
            return
        pydevd_glue.disarm_step()
        stop, frames = armed
        if frames:
            self._announce({**stop, "resumed": False, "awaiting": []})
            pydevd_glue.suspend_at(frames[-1])

    def task_failed(self, activation: int, error: BaseException) -> None:
        """The code raised and fails the task: stop at the raising line, if planned.

        Whether this task's failure is one to stop at (the history may have completed it...)
        is known once the whole map is in: wait for it.
        """
        self._stop_post_mortem((activation, "failure", 0), error, final=True)

    def raised_command(self, activation: int, position: int, error: BaseException) -> None:
        """The SDK issues a command for the code's raise: stop at that line, if planned.

        The workflow fails, continues as new or is cancelled.
        """
        self.reached = (activation, "command", position)
        self._stop_post_mortem((activation, "command", position), error)

    def _stop_post_mortem(self, key: tuple[int, str, int], error: BaseException, *,
                          final: bool = False) -> None:
        from replaydbg.replay.runtime import ReplayContext

        stop = self._planned(key, final=final)
        user_code = ReplayContext.user_code
        if stop is not None and user_code is not None:
            self._announce(stop)
            pydevd_glue.stop_post_mortem(error, user_code.is_user_file)

    def workflow_code(self, running: bool) -> None:
        """Trace only while workflow code runs and the debugger needs to see it."""
        if not running:
            self._stop_missed()
        if self.window:
            pydevd_glue.trace(running and pydevd_glue.wanted())

    def at_command(self, activation: int, position: int, frame: FrameType) -> None:
        """Stop at the line issuing the command, if planned."""
        self.reached = (activation, "command", position)
        stop = self._planned((activation, "command", position))
        if stop is not None:
            self._announce(stop)
            pydevd_glue.suspend_at(frame)
            if self.window and pydevd_glue.wanted():  # e.g. the user steps on from here
                pydevd_glue.trace(True)


def _returns_on_its_line(frame: FrameType) -> bool:
    """Whether a suspended coroutine, once resumed, returns with no other line run first.

    The bytecode after the ``await`` is read in order: instructions on the same line are the
    await's own (its loop, storing or returning the result); a return among them before any
    instruction of another line means there is no "next line" to step to.
    """
    line = frame.f_lineno
    for instruction in dis.get_instructions(frame.f_code):
        if instruction.offset <= frame.f_lasti:
            continue
        positions = getattr(instruction, "positions", None)  # Python 3.11+
        at = positions.lineno if positions is not None else None
        if at is not None and at != line:
            return False
        if instruction.opname in ("RETURN_VALUE", "RETURN_CONST"):
            return True
    return False
