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


def test_what_several_groups_share_is_printed_once() -> None:
    """A namespace's other workflow types each miss their code: one listing, not one each."""
    listing = "  found these workflows:\n    a.flows:Greeting (workflow type 'Greeting')"
    report = ShadowReport()
    report.add([Outcome(f"h{n}.json", UNUSABLE, message=f"no workflow with type '{kind}' in .\n"
                        f"{listing}", hint="pass --workflow")
                for n, kind in enumerate(["Looping", "Looping", "Billing"])])
    text = "\n".join(report.text())
    assert text.count("a.flows:Greeting") == 1 and text.count("hint: pass --workflow") == 1
    assert "no workflow with type 'Looping'" in text and "no workflow with type 'Billing'" in text
    assert "(what was found, and the hint: as above)" in text
