"""A bug introduced after recording: the workflow raises once the profile arrives.

Replayed against `examples/greeting/history.json`, the workflow task fails during replay;
replaydbg reports the raising line.
"""

from __future__ import annotations

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
        if profile.email:
            raise KeyError("display_name")  # @raise
        text = await workflow.execute_activity(compose_greeting, profile, **QUICK)  # @compose
        await workflow.sleep(SEND_DELAY)  # @delay
        email = Message(profile.email, text)
        await workflow.execute_activity(send_email, email, **QUICK)  # @send
        delivery = Delivery(profile.user_id, "email")
        await workflow.execute_activity(record_delivery, delivery, **QUICK)  # @record
        return text
