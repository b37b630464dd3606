"""The original greeting without its last activity, `record_delivery`.

No line issues a wrong command: the code completes the workflow where the history scheduled
`record_delivery`, so there is no user frame at the divergence. `@last` marks the last line
that runs before that point.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from greeting.activities import (
        GreetingRequest,
        Message,
        compose_greeting,
        fetch_profile,
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
        await workflow.sleep(SEND_DELAY)  # @delay
        email = Message(profile.email, text)
        await workflow.execute_activity(send_email, email, **QUICK)  # @last
        return text
