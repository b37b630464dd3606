"""A project's own interceptor that wraps every call, as samples-python's context propagation.

Its inbound side runs each signal handler and its outbound side issues each activity, so
its lines sit between the SDK and every line of the workflow.
"""

from __future__ import annotations

from typing import Any

from temporalio import worker, workflow


class _Outbound(worker.WorkflowOutboundInterceptor):
    def start_activity(self, input: worker.StartActivityInput) -> workflow.ActivityHandle[Any]:
        input.headers = {**input.headers}
        return self.next.start_activity(input)


class _Inbound(worker.WorkflowInboundInterceptor):
    def init(self, outbound: worker.WorkflowOutboundInterceptor) -> None:
        self.next.init(_Outbound(outbound))

    async def handle_signal(self, input: worker.HandleSignalInput) -> None:
        input.headers = {**input.headers}
        return await self.next.handle_signal(input)


class WrappingInterceptor(worker.Interceptor):
    def workflow_interceptor_class(
        self, input: worker.WorkflowInterceptorClassInput
    ) -> type[worker.WorkflowInboundInterceptor]:
        return _Inbound
