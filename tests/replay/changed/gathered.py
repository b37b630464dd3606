"""The greeting workflow with its timer started in a task by `asyncio.gather`.

The same commands as the original, so it replays its history; the timer command is issued
by SDK code in the task gather creates, with no user frame on the stack: the event map names
the line that started the task.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from greeting.activities import (
        Delivery,
        GreetingRequest,
        Message,
        compose_greeting,
        fetch_profile,
        record_delivery,
        send_email,
    )

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))
SEND_DELAY = timedelta(seconds=1)


@workflow.defn(name="GreetingWorkflow")
class GreetingWorkflow:
    @workflow.run
    async def run(self, request: GreetingRequest) -> str:
        profile = await workflow.execute_activity(fetch_profile, request.user_id, **QUICK)  # @fetch
        text = await workflow.execute_activity(compose_greeting, profile, **QUICK)  # @compose
        await asyncio.gather(workflow.sleep(SEND_DELAY))  # @delay
        email = Message(profile.email, text)
        await workflow.execute_activity(send_email, email, **QUICK)  # @send
        delivery = Delivery(profile.user_id, "email")
        await workflow.execute_activity(record_delivery, delivery, **QUICK)  # @record
        return text
