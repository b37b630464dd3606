"""Workflow lifecycles: continue-as-new, cancelling another workflow, being cancelled, and a
workflow task that failed once and was retried.

`SubscriptionWorkflow` bills one period per run and continues as new until the last period; in
its first period it cancels the customer's running `TrialWorkflow`, which tidies up and ends as
cancelled. While recording, the first workflow task of the subscription's first run raises a
RuntimeError on purpose (see `fault_injection`), so that history holds a WorkflowTaskFailed.

A trailing `# @name` marks each line that issues a command or resumes after one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # Spelled as a dotted import on purpose: `from lifecycle import fault_injection` would load
    # a fresh copy inside the sandbox (the parent package is not passed through), and the
    # switch armed by the record script would never be seen.
    import lifecycle.fault_injection as fault_injection
    from lifecycle.activities import (
        Subscription,
        bill_period,
        close_trial,
        expire_trial,
        send_welcome,
    )

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))
TRIAL_LENGTH = timedelta(days=14)


@workflow.defn
class TrialWorkflow:
    """A free trial that expires after two weeks unless something cancels it first."""

    @workflow.run
    async def run(self, account_id: str) -> str:
        await workflow.execute_activity(send_welcome, account_id, **QUICK)  # @welcome
        try:
            await workflow.sleep(TRIAL_LENGTH)  # @trial_period
        except asyncio.CancelledError:
            # Replaced by a paid subscription: close the trial, then end as cancelled.
            await workflow.execute_activity(close_trial, account_id, **QUICK)  # @close_trial
            raise  # @reraise_cancel
        return await workflow.execute_activity(expire_trial, account_id, **QUICK)  # @expire_trial


@workflow.defn
class SubscriptionWorkflow:
    """Bills one period per run; continues as new until `periods` periods are billed."""

    @workflow.run
    async def run(self, sub: Subscription) -> str:
        if fault_injection.should_fail(workflow.info().workflow_id):
            raise RuntimeError("injected fault: this workflow task fails once")  # @task_failure
        invoice = await workflow.execute_activity(bill_period, sub, **QUICK)  # @bill
        if sub.trial_workflow_id is not None:
            trial = workflow.get_external_workflow_handle(sub.trial_workflow_id)
            await trial.cancel()  # @cancel_trial
        if sub.period < sub.periods:
            next_period = dataclasses.replace(sub, period=sub.period + 1, trial_workflow_id=None)
            workflow.continue_as_new(next_period)  # @continue_as_new
        return invoice
