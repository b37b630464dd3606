"""The workspace the end-to-end tests open: a workflow and a helper module it calls."""

from __future__ import annotations

WORKFLOWS = "app/workflows.py"
PRICING = "app/pricing.py"

FILES = {
    "app/__init__.py": "",
    PRICING: """
        import time


        def total(order: str) -> float:
            return time.time()
    """,
    WORKFLOWS: """
        from datetime import datetime

        from temporalio import workflow

        from app import pricing


        @workflow.defn
        class OrderWorkflow:
            @workflow.run
            async def run(self, order: str) -> str:
                started = datetime.now()
                return f"{order} {started} {pricing.total(order)}"
    """,
}

#: 0-based line of ``datetime.now()`` in WORKFLOWS, and of ``time.time()`` in PRICING.
NOW_LINE = 11
TIME_LINE = 4

