"""The SDK plugin that every client and worker of this project uses.

    from secure.plugin import plugin
    client = await Client.connect(address, plugins=[plugin])   # workers inherit it
    Replayer(workflows=[PayrollWorkflow], plugins=[plugin])

It configures three things, each also exposed on its own:

- `data_converter`: the default converter with `EncryptionCodec` (AES-GCM) as payload codec;
- `interceptor`: `RequestedByInterceptor`, client and workflow halves (see `interceptor.py`);
- `with_passthrough`: the sandbox passes `secure.context` through (`PASSTHROUGH_MODULES`), so
  that the workflow reads the ContextVar the interceptor sets.

`make_plugin()` builds a fresh plugin; `plugin` is one built at import.
"""

from __future__ import annotations

import dataclasses

import temporalio.converter
from temporalio.plugin import SimplePlugin
from temporalio.worker import WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from secure.codec import EncryptionCodec
from secure.interceptor import RequestedByInterceptor

NAME = "replaydbg-examples.secure"
PASSTHROUGH_MODULES = ("secure.context",)

data_converter = dataclasses.replace(
    temporalio.converter.DataConverter.default, payload_codec=EncryptionCodec(),
)
interceptor = RequestedByInterceptor()


def with_passthrough(runner: WorkflowRunner | None) -> WorkflowRunner:
    """The sandboxed runner given (or the default one), passing `PASSTHROUGH_MODULES` through.

    A runner that is not sandboxed needs nothing passed through and is kept as it is.
    """
    if runner is None:
        runner = SandboxedWorkflowRunner()
    if not isinstance(runner, SandboxedWorkflowRunner):
        return runner
    restrictions = runner.restrictions.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return dataclasses.replace(runner, restrictions=restrictions)


def make_plugin() -> SimplePlugin:
    """A plugin with the encrypting converter, the interceptor and the sandbox pass-through."""
    return SimplePlugin(
        NAME,
        data_converter=data_converter,
        interceptors=[RequestedByInterceptor()],
        workflow_runner=with_passthrough,
    )


plugin = make_plugin()
