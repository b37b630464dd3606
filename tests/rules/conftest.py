from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from replaydbg.rules import Config, Finding, Workspace

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write dedented files into a temporary workspace: write("app/x.py", "...")."""

    def put(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return put


def analyze(root: Path, config: Config | None = None) -> dict[Path, list[Finding]]:
    return Workspace(root, config or Config()).analyze()


def codes(findings: dict[Path, list[Finding]], name: str | None = None) -> list[str]:
    """Codes of all findings (of the file called ``name`` when given), in order."""
    return [f.code for path, items in sorted(findings.items()) for f in items
            if name is None or path.name == name]


WORKFLOW_HEADER = """\
from temporalio import workflow

"""


def workflow_module(body: str, *, imports: str = "") -> str:
    """A module with one workflow whose run method has ``body`` (dedented, 8-space indent)."""
    indented = textwrap.indent(textwrap.dedent(body), " " * 8)
    return (f"{imports}\nfrom temporalio import workflow\n\n\n@workflow.defn\nclass Flow:\n"
            f"    @workflow.run\n    async def run(self) -> None:\n{indented}\n")


#: Third-party workflow code kept as data for test_real_code_corpus; never test modules.
collect_ignore = ["corpus"]
