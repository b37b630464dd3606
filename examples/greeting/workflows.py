"""Today's greeting workflow: it sends an SMS where the recorded run sent an email.

The change was shipped without `workflow.patched`, so replaying `history.json` (recorded from
`original_workflows.py`) fails with a non-determinism error at the `@divergence` line: the
history schedules `send_email` there, this code schedules `send_sms`.
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
        send_sms,
    )

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))
SEND_DELAY = timedelta(seconds=1)


@workflow.defn(name="GreetingWorkflow")
class GreetingWorkflow:
    @workflow.run
    async def run(self, request: GreetingRequest) -> str:
        profile = await workflow.execute_activity(fetch_profile, request.user_id, **QUICK)  # @fetch
        text = await workflow.execute_activity(compose_greeting, profile, **QUICK)  # @compose
        await workflow.sleep(SEND_DELAY)  # @delay
        sms = Message(profile.phone, text)
        await workflow.execute_activity(send_sms, sms, **QUICK)  # @divergence
        delivery = Delivery(profile.user_id, "sms")
        await workflow.execute_activity(record_delivery, delivery, **QUICK)  # @record
        return text
