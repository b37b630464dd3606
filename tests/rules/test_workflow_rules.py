"""Hygiene, module-level, escape-hatch, suppression and fix behaviour."""

from __future__ import annotations

from pathlib import Path

from replaydbg.rules import Config, Workspace

from .conftest import Write, codes, workflow_module

CLASS = """\
from datetime import timedelta
from temporalio import workflow

@workflow.defn
class Flow:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.ready = False

    @workflow.run
    async def run(self) -> None:
{run}

    @workflow.signal
    async def add(self, item: str) -> None:
{signal}

    @workflow.query
    def peek(self) -> int:
{query}

    @workflow.update
    async def change(self, x: int) -> None:
        self.ready = True

    @change.validator
    def check(self, x: int) -> None:
{validator}
"""


def _class(write: Write, tmp_path: Path, *, run: str = "pass", signal: str = "pass",
           query: str = "return 1", validator: str = "pass") -> list[str]:
    def ind(text: str) -> str:
        return "\n".join("        " + line for line in text.splitlines())

    write("flows.py", CLASS.format(run=ind(run), signal=ind(signal), query=ind(query),
                                   validator=ind(validator)))
    return codes(Workspace(tmp_path, Config()).analyze())


def test_activity_without_timeout(write: Write, tmp_path: Path) -> None:
    assert "RDB301" in _class(write, tmp_path, run="await workflow.execute_activity('a')")
    assert "RDB301" not in _class(write, tmp_path, run=(
        "await workflow.execute_activity('a', start_to_close_timeout=timedelta(1))"))
    assert "RDB301" not in _class(write, tmp_path,
                                  run="await workflow.execute_activity('a', **OPTIONS)")


def test_missing_await_with_fix(write: Write, tmp_path: Path) -> None:
    path = write("flows.py", workflow_module("workflow.sleep(1)\n"))
    [finding] = Workspace(tmp_path, Config()).analyze()[path]
    assert finding.code == "RDB302"
    [edit] = finding.fixes[0].edits
    assert edit.new_text == "await " and edit.span.start == finding.span.start
    assert "RDB302" not in _class(write, tmp_path, run="await workflow.sleep(1)")
    assert "RDB302" not in _class(write, tmp_path, run="t = workflow.sleep(1)\nawait t")


def test_query_and_validator_must_not_change_state(write: Write, tmp_path: Path) -> None:
    assert _class(write, tmp_path, query="self.items.append('x')\nreturn 1") == ["RDB303"]
    assert _class(write, tmp_path, validator="self.ready = True") == ["RDB303"]
    assert "RDB303" in _class(write, tmp_path, validator="workflow.upsert_memo({})")
    assert _class(write, tmp_path, query="return len(self.items)") == []


def test_run_returning_while_handlers_run(write: Write, tmp_path: Path) -> None:
    waiting = "await workflow.sleep(1)\nself.items.append(item)"
    assert _class(write, tmp_path, signal=waiting) == ["RDB304"]
    assert _class(write, tmp_path, signal=waiting, run=(
        "await workflow.wait_condition(workflow.all_handlers_finished)")) == []
    assert _class(write, tmp_path, signal="self.items.append(item)") == []


def test_loops(write: Write, tmp_path: Path) -> None:
    assert _class(write, tmp_path, run="while True:\n    await workflow.sleep(1)") == ["RDB305"]
    assert _class(write, tmp_path, run=(
        "while True:\n    await workflow.sleep(1)\n"
        "    if workflow.info().is_continue_as_new_suggested():\n"
        "        workflow.continue_as_new()")) == []
    assert _class(write, tmp_path, run="while not self.ready:\n    pass") == ["RDB306"]
    assert _class(write, tmp_path, run="while True:\n    x = 1") == ["RDB306"]
    assert _class(write, tmp_path, run="i = 0\nwhile i < 3:\n    i += 1") == []
    assert _class(write, tmp_path, run=(
        "await workflow.wait_condition(lambda: self.ready)")) == []


def test_shared_module_state_and_caches(write: Write, tmp_path: Path) -> None:
    write("state.py", """\
        import functools
        SEEN: list[str] = []
        LIMIT = 3

        def remember(x):
            SEEN.append(x)
            return LIMIT

        @functools.lru_cache
        def cached(x):
            return x
        """)
    write("flows.py", workflow_module("state.remember('a')\nstate.cached(1)\n",
                                      imports="import state"))
    assert codes(Workspace(tmp_path, Config()).analyze(), "state.py") == ["RDB214", "RDB214"]


def test_import_time_and_default_factory(write: Write, tmp_path: Path) -> None:
    write("models.py", """\
        import time
        from dataclasses import dataclass, field
        from datetime import datetime
        STARTED = time.time()

        @dataclass
        class Order:
            created: datetime = field(default_factory=datetime.now)
        """)
    write("passed.py", "import uuid\nWORKER = uuid.uuid4()\n")
    write("unrelated.py", "import time\nT = time.time()\n")
    write("flows.py", workflow_module(
        "pass", imports="import models\nfrom temporalio import workflow as w\n"
        "with w.unsafe.imports_passed_through():\n    import passed"))
    result = Workspace(tmp_path, Config()).analyze()
    assert codes(result, "models.py") == ["RDB215", "RDB216"]
    assert codes(result, "passed.py") == [] and codes(result, "unrelated.py") == []


def test_escape_hatches(write: Write, tmp_path: Path) -> None:
    write("flows.py", """\
        from temporalio import workflow
        from temporalio.worker import UnsandboxedWorkflowRunner
        with workflow.unsafe.imports_passed_through():
            import requests

        @workflow.defn(sandboxed=False)
        class Flow:
            @workflow.run
            async def run(self) -> None:
                pass

        RUNNER = UnsandboxedWorkflowRunner()
        """)
    assert codes(Workspace(tmp_path, Config()).analyze()) == ["RDB404", "RDB402", "RDB403"]


def test_suppression_on_line_above_function_and_on_the_chain(write: Write,
                                                             tmp_path: Path) -> None:
    write("helper.py", "import time\n\n# noqa: RDB101\ndef a():\n    return time.time()\n"
          "\ndef b():\n    return time.time()\n")
    flows = write("flows.py", workflow_module(
        "helper.a()\nhelper.b()  # replaydbg: ignore[RDB101]\ntime.time()  # noqa\n"
        "time.sleep(1)  # noqa: RDB101\n", imports="import time\nimport helper"))
    result = Workspace(tmp_path, Config()).analyze()
    assert codes(result) == ["RDB102"]
    assert result[flows][0].span.start.line == 13


def test_config_extra_and_known_safe(write: Write, tmp_path: Path) -> None:
    write("clock.py", "import time\n\ndef now():\n    return time.time()\n"
          "\ndef external():\n    return 1\n")
    write("flows.py", workflow_module("clock.now()\nclock.external()\n", imports="import clock"))
    config = Config(extra_nondeterministic=("clock.external",), known_safe=("clock.now",))
    assert codes(Workspace(tmp_path, config).analyze()) == ["RDB120"]
    assert codes(Workspace(tmp_path, Config(ignore=("RDB1",))).analyze()) == []


def test_fixes_add_the_workflow_import_and_use_aliases(write: Write, tmp_path: Path) -> None:
    helper = write("helper.py", '"""Doc."""\nfrom __future__ import annotations\n\nimport time\n'
                   "\ndef a():\n    return time.time()\n")
    write("flows.py", workflow_module("helper.a()\n", imports="import helper"))
    [finding] = Workspace(tmp_path, Config()).analyze()[helper]
    replace, add = finding.fixes[0].edits
    assert replace.new_text == "workflow.time()"
    assert add.new_text == "from temporalio import workflow\n" and add.span.start.line == 4
    aliased = write("flows.py", "import time\nfrom temporalio import workflow as wf\n\n"
                    "@wf.defn\nclass F:\n    @wf.run\n    async def run(self):\n"
                    "        time.sleep(1)\n        return {'a'}.pop()\n")
    sleep, pop = Workspace(tmp_path, Config()).analyze()[aliased]
    assert [e.new_text for e in sleep.fixes[0].edits] == ["await asyncio.sleep",
                                                          "import asyncio\n"]
    assert pop.code == "RDB201" and pop.fixes == ()


def test_relative_imports_methods_and_constructors(write: Write, tmp_path: Path) -> None:
    write("pkg/__init__.py", "")
    write("pkg/sub/__init__.py", "")
    write("pkg/util.py", """\
        import random

        class Picker:
            def __init__(self):
                self.value = random.random()

            def pick(self):
                return self._inner()

            def _inner(self):
                return random.choice([1])
        """)
    write("pkg/sub/flows.py", workflow_module("Picker()\nself.helper()\n",
                                              imports="from ..util import Picker") +
          "    def helper(self):\n        return Picker().pick()\n")
    result = Workspace(tmp_path, Config()).analyze()
    messages = [f.message for f in result[tmp_path / "pkg/util.py"]]
    assert len(messages) == 2
    assert messages[0].endswith("(reached from Flow.run → Picker.__init__ → random.random)")
    assert messages[1].endswith("(reached from Flow.run → Flow.helper → Picker.pick → "
                                "Picker._inner → random.choice)")
