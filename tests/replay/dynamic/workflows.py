"""A dynamic workflow: the worker runs it for any workflow type it has no other workflow for.

`history.json` was recorded from a dev server, started as type ``SomeDynamicType``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RawValue


@workflow.defn(dynamic=True)
class DynamicWorkflow:
    @workflow.run
    async def run(self, args: Sequence[RawValue]) -> str:
        name = workflow.payload_converter().from_payload(args[0].payload, str)
        await workflow.sleep(timedelta(seconds=1))
        return f"{workflow.info().workflow_type}: Hello, {name}!"
