"""A worker setup for the orders example, as a project would write one (tests name it by spec)."""

from __future__ import annotations

from typing import Any

from temporalio import worker
from temporalio.converter import CompositePayloadConverter, DefaultPayloadConverter
from temporalio.plugin import SimplePlugin
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

#: Every activation the interceptor saw, by workflow type (a replay's evidence it ran).
SEEN: list[str] = []


class _Inbound(worker.WorkflowInboundInterceptor):
    async def execute_workflow(self, input: worker.ExecuteWorkflowInput) -> Any:
        SEEN.append(input.type.__name__)
        return await super().execute_workflow(input)


class CountingInterceptor(worker.Interceptor):
    """Counts workflow executions (the replay must run the worker's interceptors)."""

    def workflow_interceptor_class(
        self, input: worker.WorkflowInterceptorClassInput
    ) -> type[worker.WorkflowInboundInterceptor]:
        return _Inbound


def _fresh_runner(runner: Any) -> Any:
    # Some plugins build their own sandboxed runner instead of adjusting the one they get.
    return SandboxedWorkflowRunner()


plugin = SimplePlugin("tests.counting", interceptors=[CountingInterceptor()],
                      workflow_runner=_fresh_runner)


def make_plugin() -> SimplePlugin:
    return SimplePlugin("tests.counting", interceptors=[CountingInterceptor()])


not_a_plugin = 42


def needs_arguments(name: str) -> SimplePlugin:
    return SimplePlugin(name)


class UpperPayloadConverter(CompositePayloadConverter):
    """A payload converter class, as a worker gives ``payload_converter_class``."""

    def __init__(self) -> None:
        super().__init__(*DefaultPayloadConverter.default_encoding_payload_converters)
