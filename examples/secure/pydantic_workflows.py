"""An invoice workflow whose argument and result are pydantic models.

Its client and worker use `temporalio.contrib.pydantic.pydantic_data_converter`; the default
converter cannot read these payloads back into models (see examples/README.md).

A trailing `# @name` marks each line that issues a command, and each resume point.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from secure.models import Invoice, Receipt
    from secure.pydantic_activities import charge_invoice

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))


@workflow.defn
class InvoiceWorkflow:
    """Totals an invoice and charges it."""

    @workflow.run
    async def run(self, invoice: Invoice) -> Receipt:
        args = (invoice, invoice.total())
        return await workflow.execute_activity(charge_invoice, args=args, **QUICK)  # @charge
