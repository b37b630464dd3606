"""The greeting workflow refactored into helpers: the same commands, so it still replays.

Each activity is awaited inside a helper method (``_compose`` two levels down), as real
workflows do: an activity's completion resumes the helper that awaited it, and the event
map must name that line, not the ``run`` line that called the helper.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from greeting.activities import (
        Delivery,
        GreetingRequest,
        Message,
        Profile,
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
        text = await self._prepare(profile)  # @prepare
        await self._deliver(profile, text)  # @deliver
        return text

    async def _prepare(self, profile: Profile) -> str:
        return await self._compose(profile)  # @compose_call

    async def _compose(self, profile: Profile) -> str:
        return await workflow.execute_activity(compose_greeting, profile, **QUICK)  # @compose

    async def _deliver(self, profile: Profile, text: str) -> None:
        await workflow.sleep(SEND_DELAY)  # @delay
        email = Message(profile.email, text)
        await workflow.execute_activity(send_email, email, **QUICK)  # @send
        delivery = Delivery(profile.user_id, "email")
        await workflow.execute_activity(record_delivery, delivery, **QUICK)  # @record
