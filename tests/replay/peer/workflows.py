"""Workflows that replay the histories of the Python SDK's own replayer tests.

Written for replaydbg from what the SDK's tests say their workflows did (README.md here says
where the histories come from): the same workflow types, handler and activity names, and the
same commands in the same order, so that the SDK's expectations carry over. Activities are
called by name: replay never runs them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

SAY_HELLO = "say_hello"
QUICK_ACTIVITY = "short_activity_async"


@dataclass
class HelloRequest:
    """The input the SDK's test started ``SayHelloWorkflow`` with (its JSON field names)."""

    name: str
    should_wait: bool = False
    should_error: bool = False
    should_cause_nondeterminism: bool = False


@workflow.defn(name="SayHelloWorkflow")
class SayHello:
    """Greets through an activity; on request waits, fails, or misbehaves only in replay."""

    def __init__(self) -> None:
        self.released = False

    @workflow.run
    async def run(self, request: HelloRequest) -> str:
        greeting: str = await workflow.execute_activity(
            SAY_HELLO, request.name, schedule_to_close_timeout=timedelta(minutes=1))
        if request.should_wait:
            await workflow.wait_condition(lambda: self.released)
        if request.should_error:
            raise ApplicationError("asked to fail")
        if request.should_cause_nondeterminism and workflow.unsafe.is_replaying():
            await asyncio.sleep(0.1)  # @replay-only-timer: a timer the history never had
        return greeting

    @workflow.signal(name="finish")
    def release(self) -> None:
        self.released = True

    @workflow.query(name="waiting")
    def is_waiting(self) -> bool:
        return not self.released


@workflow.defn(name="UpdateCompletionAfterWorkflowReturn")
class UpdateOutlivesRun:
    """``run`` returns at once; the update it got in the same task finishes only after."""

    def __init__(self) -> None:
        self.returned = False

    @workflow.run
    async def run(self) -> str:
        self.returned = True
        return "workflow-result"

    @workflow.update(name="my_update")
    async def late_update(self) -> str:
        await workflow.wait_condition(lambda: self.returned)
        return "update-result"


async def _settle(events: list[str], label: str) -> None:
    """Log ``label``-1 after a resolved future, ``label``-2 after a true wait_condition.

    Both awaits give the event loop a turn without a command: what runs in between is what
    the SDK's ordering tests look at.
    """
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    done.set_result(True)
    await done
    events.append(f"{label}-1")
    await workflow.wait_condition(lambda: True)
    events.append(f"{label}-2")


@workflow.defn(name="SignalsActivitiesTimersUpdatesTracingWorkflow")
class OrderingTrace:
    """A timer, an activity, signals and an update interleaving; returns the order they ran."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @workflow.run
    async def run(self) -> list[str]:
        await asyncio.gather(self._timer(), self._activity())
        return self.events

    @workflow.signal(name="dosig")
    async def on_signal(self, name: str) -> None:
        self.events.append(f"sig-{name}-sync")
        await _settle(self.events, f"sig-{name}")

    @workflow.update(name="doupdate")
    async def on_update(self, name: str) -> None:
        self.events.append(f"update-{name}-sync")
        await _settle(self.events, f"update-{name}")

    async def _timer(self) -> None:
        self.events.append("timer-sync")
        await workflow.sleep(0.1)
        await _settle(self.events, "timer")

    async def _activity(self) -> None:
        self.events.append("act-sync")
        await workflow.execute_activity(SAY_HELLO, "Enchi",
                                        schedule_to_close_timeout=timedelta(seconds=30))
        await _settle(self.events, "act")


@workflow.defn(name="ActivityAndSignalsWhileWorkflowDown")
class SignalsDuringActivity:
    """Counts an activity and two signals that arrived while no worker ran."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.count = 0

    @workflow.run
    async def run(self, activity_task_queue: str) -> list[str]:
        activity = asyncio.ensure_future(self._activity(activity_task_queue))
        await workflow.wait_condition(lambda: self.count >= 2)
        self.events.append(f"counter-{self.count}")
        await activity
        return self.events

    @workflow.signal(name="dosig")
    async def on_signal(self, name: str) -> None:
        self.events.append(f"sig-{name}")
        self.count += 1

    async def _activity(self, task_queue: str) -> None:
        self.events.append("act-start")
        await workflow.execute_activity(SAY_HELLO, "Enchi", task_queue=task_queue,
                                        schedule_to_close_timeout=timedelta(seconds=30))
        self.count += 1
        self.events.append("act-done")


@workflow.defn(name="QuickActivityWorkflow")
class ActivityLoop:
    """Runs a short activity again and again until ``seconds`` of workflow time are over."""

    @workflow.run
    async def run(self, seconds: float = 10.0) -> None:
        deadline = workflow.now() + timedelta(seconds=seconds)
        while True:
            await workflow.execute_activity(  # @quick-activity
                QUICK_ACTIVITY, schedule_to_close_timeout=timedelta(seconds=10))
            if workflow.now() > deadline:
                return
