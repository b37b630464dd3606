"""A small project whose workflow replays only with the worker's setup (tests build it in tmp).

Its workflow module imports ``clocklib``, a library that reads the clock at import time: the
sandbox refuses it unless the worker passes the library through, which the project's plugin
(``project_setup:plugin``) or ``passthrough_modules`` does, as real workers do. The plugin's
interceptor writes a line on stderr when the workflow runs: evidence the replay used it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The workflow spec, relative to the project's folder.
WORKFLOW = "clocked:GreetingWorkflow"
#: What the plugin's interceptor writes on stderr when the workflow runs.
PLUGIN_MARK = "project plugin saw GreetingWorkflow"

_PLUGIN = f'''"""The worker's setup of this project."""

import sys

from temporalio import worker
from temporalio.plugin import SimplePlugin
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions


class _Inbound(worker.WorkflowInboundInterceptor):
    async def execute_workflow(self, input):
        print("{PLUGIN_MARK}", file=sys.stderr, flush=True)
        return await super().execute_workflow(input)


class Announcing(worker.Interceptor):
    def workflow_interceptor_class(self, input):
        return _Inbound


def _clock_passed_through(runner):
    restrictions = SandboxRestrictions.default.with_passthrough_modules("clocklib")
    return SandboxedWorkflowRunner(restrictions=restrictions)


plugin = SimplePlugin("project.clock", interceptors=[Announcing()],
                      workflow_runner=_clock_passed_through)
'''


def make_project(root: Path, table: str | None = None) -> Path:
    """The project in ``root``, with ``[tool.replaydbg]`` holding ``table`` when given.

    Layout: ``greeting/`` (the example package), ``clocklib.py``, ``clocked.py`` (the
    greeting workflow importing clocklib), ``project_setup.py`` (the plugin),
    ``histories/greeting.json`` (the example's recorded history) and an empty ``sub/``.
    """
    shutil.copytree(EXAMPLES / "greeting", root / "greeting",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "clocklib.py").write_text("import datetime\n\nSTARTED = datetime.datetime.now()\n")
    source = (EXAMPLES / "greeting" / "original_workflows.py").read_text()
    source = source.replace("from temporalio import workflow\n",
                            "from temporalio import workflow\n\nimport clocklib  # noqa: F401\n")
    (root / "clocked.py").write_text(source)
    (root / "project_setup.py").write_text(_PLUGIN)
    (root / "histories").mkdir()
    shutil.copy(EXAMPLES / "greeting" / "history.json", root / "histories" / "greeting.json")
    (root / "sub").mkdir()
    if table is not None:
        write_table(root, table)
    return root


def write_table(root: Path, table: str) -> None:
    """``root/pyproject.toml`` with ``table`` as its ``[tool.replaydbg]``."""
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "clocked"\nversion = "0"\n\n[tool.replaydbg]\n{table}\n')
