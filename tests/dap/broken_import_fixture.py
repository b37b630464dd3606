"""A workflow module that fails while importing, for the DAP test of import errors."""

from __future__ import annotations

from temporalio import workflow

SETTINGS = {"region": "eu"}
REGION = SETTINGS["zone"]  # @raises: a KeyError at import time


@workflow.defn(name="GreetingWorkflow")
class GreetingWorkflow:
    @workflow.run
    async def run(self) -> str:
        return REGION
