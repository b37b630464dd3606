"""The text report keeps the layout of what an outcome says."""

from __future__ import annotations

from replaydbg.shadow.outcome import UNUSABLE, Outcome
from replaydbg.shadow.report import ShadowReport


def test_a_multi_line_message_stays_nested_under_its_group() -> None:
    """Discovery's 'several workflows' lists candidates on lines of their own."""
    message = "several workflows have type 'Greeting':\n    a.flows:Greeting\n    b.flows:Greeting"
    report = ShadowReport()
    report.add([Outcome("h1.json", UNUSABLE, message=message, hint="choose one")])
    lines = list(report.text())
    start = lines.index("    several workflows have type 'Greeting':")
    assert lines[start + 1:start + 4] == ["        a.flows:Greeting", "        b.flows:Greeting",
                                          "    hint: choose one"]
