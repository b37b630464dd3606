"""Workflows and activities the history tests run on a real dev server.

Kept in their own module because the workflow sandbox re-imports the module that defines a
workflow; a test module full of fixtures would be re-imported with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from tests.history import once

#: Registered on the dev server with ``--search-attribute CustomKeyword=Keyword``.
CUSTOM_KEYWORD = SearchAttributeKey.for_keyword("CustomKeyword")
PATCH_ID = "rich-patch"
SHORT = timedelta(seconds=10)


@activity.defn
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@activity.defn
async def always_fail() -> None:
    raise ApplicationError("this activity always fails", non_retryable=True)


@activity.defn
async def wait_for_cancel() -> None:
    while True:
        activity.heartbeat()
        await asyncio.sleep(0.05)


@workflow.defn
class SimpleWorkflow:
    """One activity and one short timer: the smallest realistic history."""

    @workflow.run
    async def run(self, name: str) -> str:
        greeting = await workflow.execute_activity(greet, name, start_to_close_timeout=SHORT)
        await asyncio.sleep(0.1)
        return greeting


@workflow.defn
class SignalSinkWorkflow:
    """Never completes on its own: the tests fill its history with signals, then terminate it."""

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.signal
    def ping(self, n: int) -> None:
        pass


@workflow.defn
class ChildWorkflow:
    """Completes when poked, or is cancelled by its parent."""

    def __init__(self) -> None:
        self._poked = False

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self._poked)
        return "poked"

    @workflow.signal
    def poke(self) -> None:
        self._poked = True


@dataclass
class RichInput:
    continued: bool = False


@workflow.defn
class RichWorkflow:
    """Produces as many event types as one short run can: see the steps in ``run``."""

    def __init__(self) -> None:
        self._go = False
        self._value = ""

    @workflow.run
    async def run(self, arg: RichInput) -> str:
        if arg.continued:
            return "second run"
        workflow.patched(PATCH_ID)
        await workflow.execute_activity(greet, "activity", start_to_close_timeout=SHORT)
        self._fail_one_task()
        await workflow.execute_local_activity(greet, "local", start_to_close_timeout=SHORT)
        await asyncio.sleep(0.1)
        await self._cancelled_timer()
        await self._failed_activity()
        await self._cancelled_activity()
        await self._children()
        workflow.upsert_search_attributes([CUSTOM_KEYWORD.value_set("rich")])
        workflow.upsert_memo({"note": "rich"})
        await workflow.wait_condition(lambda: self._go and bool(self._value))
        workflow.continue_as_new(RichInput(continued=True))

    def _fail_one_task(self) -> None:
        # Never while replaying: a replay of the recorded history must not fail here.
        if not workflow.unsafe.is_replaying() and once.first_time(workflow.info().run_id):
            raise RuntimeError("deliberate workflow task failure")

    async def _cancelled_timer(self) -> None:
        timer = asyncio.ensure_future(asyncio.sleep(60))
        await asyncio.sleep(0.1)
        timer.cancel()
        try:
            await timer
        except asyncio.CancelledError:
            pass

    async def _failed_activity(self) -> None:
        try:
            await workflow.execute_activity(
                always_fail, start_to_close_timeout=SHORT,
                retry_policy=RetryPolicy(maximum_attempts=1),
            )
        except ActivityError:
            pass

    async def _cancelled_activity(self) -> None:
        handle = workflow.start_activity(
            wait_for_cancel, start_to_close_timeout=SHORT,
            heartbeat_timeout=timedelta(seconds=2),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )
        await asyncio.sleep(0.3)
        handle.cancel()
        try:
            await handle
        except ActivityError:
            pass

    async def _children(self) -> None:
        info = workflow.info()
        poked = await workflow.start_child_workflow(
            ChildWorkflow.run, id=f"{info.workflow_id}-child-1"
        )
        await poked.signal(ChildWorkflow.poke)
        await poked
        cancelled = await workflow.start_child_workflow(
            ChildWorkflow.run, id=f"{info.workflow_id}-child-2"
        )
        await workflow.get_external_workflow_handle(cancelled.id).cancel()
        try:
            await cancelled
        except ChildWorkflowError:
            pass

    @workflow.signal
    def go(self) -> None:
        self._go = True

    @workflow.update
    def set_value(self, value: str) -> str:
        self._value = value
        return f"set {value}"


ALL_WORKFLOWS = [SimpleWorkflow, SignalSinkWorkflow, ChildWorkflow, RichWorkflow]
ALL_ACTIVITIES: list[Callable[..., Any]] = [greet, always_fail, wait_for_cancel]
