"""Carries `context.requested_by` from the client that starts a workflow into the workflow.

Client side, `start_workflow` adds the `requested-by` header; worker side, the workflow
interceptor reads it back and sets the ContextVar before the workflow's `run` starts. A
worker (or a replayer) without this interceptor leaves the ContextVar empty, and
`PayrollWorkflow` takes another path: the interceptor is part of the workflow's behaviour.
"""

from __future__ import annotations

from typing import Any

import temporalio.client
import temporalio.converter
import temporalio.worker
from temporalio import workflow

from secure import context


class RequestedByInterceptor(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Both halves in one class, so that a plugin applies one instance to client and worker."""

    def intercept_client(
        self, next: temporalio.client.OutboundInterceptor,
    ) -> temporalio.client.OutboundInterceptor:
        return _ClientOutbound(next)

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput,
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        return _WorkflowInbound


class _ClientOutbound(temporalio.client.OutboundInterceptor):
    async def start_workflow(
        self, input: temporalio.client.StartWorkflowInput,
    ) -> temporalio.client.WorkflowHandle[Any, Any]:
        requester = context.requested_by.get()
        if requester is not None:
            header = temporalio.converter.default().payload_converter.to_payload(requester)
            input.headers = {**input.headers, context.HEADER: header}
        return await super().start_workflow(input)


class _WorkflowInbound(temporalio.worker.WorkflowInboundInterceptor):
    async def execute_workflow(self, input: temporalio.worker.ExecuteWorkflowInput) -> Any:
        header = input.headers.get(context.HEADER)
        if header is not None:
            requester = workflow.payload_converter().from_payload(header, str)
            context.requested_by.set(requester)
        return await super().execute_workflow(input)
