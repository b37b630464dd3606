"""A payroll run whose payloads are encrypted and whose requester comes from a header.

Every payload (the employee id, the payslip with its IBAN, the approval signal) is stored
encrypted: the plugin's codec (`plugin.py`). Who requested the run is not an argument: the
plugin's interceptor carries it from the client in a header and sets `context.requested_by`
before `run` starts. Without that interceptor the workflow refuses to run, so a replay
without the plugin goes another way than the recorded history.

A trailing `# @name` marks each line that issues a command or raises, and each resume point.
"""

# Calls that issue commands stay on one line (see examples/README.md, Markers).
# ruff: noqa: E501

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

# Passed through by the plugin's sandbox configuration, not here: see plugin.py.
from secure.context import requested_by

with workflow.unsafe.imports_passed_through():
    from secure.activities import compute_payslip, transfer_salary

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))


@workflow.defn
class PayrollWorkflow:
    """Computes one payslip, waits for a second person's approval, then pays."""

    def __init__(self) -> None:
        self._approved_by: str | None = None

    @workflow.signal
    def approve(self, approver: str) -> None:
        self._approved_by = approver  # @approve

    @workflow.run
    async def run(self, employee_id: str, period: str) -> str:
        requester = requested_by.get()
        if requester is None:
            problem = "payroll runs need a requester: start them through the secure plugin"
            raise ApplicationError(problem, type="NoRequester", non_retryable=True)  # @no_requester
        payslip = await workflow.execute_activity(compute_payslip, args=(employee_id, period), **QUICK)  # @compute
        await workflow.wait_condition(lambda: self._approved_by not in (None, requester))  # @approval
        return await workflow.execute_activity(transfer_salary, args=(payslip, self._approved_by), **QUICK)  # @transfer
