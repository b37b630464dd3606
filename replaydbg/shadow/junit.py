"""The report as JUnit XML, which every CI system shows as a test report.

``history``: a test case per history (the default: CI lists which executions break);
``signature``: one per group of equally broken histories, plus one for those that replay.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from replaydbg.errors import InputError
from replaydbg.shadow.outcome import UNUSABLE, Outcome
from replaydbg.shadow.report import Group, ShadowReport, relative

SUITE = "replaydbg shadow"


def write_junit(report: ShadowReport, path: str, *, per: str = "history") -> None:
    """Write the JUnit XML of ``report`` to ``path``."""
    if per == "history" and not report.complete:
        raise InputError("a JUnit test case per history needs every history's outcome, and a "
                         "run on Temporal reports groups with a few examples",
                         hint="use --junit-per signature")
    suite = ET.Element("testsuite", name=SUITE)
    if per == "signature":
        _signature_cases(suite, report)
    else:
        for outcome in report.outcomes:
            _history_case(suite, outcome)
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    root = ET.Element("testsuites", name=SUITE, tests=str(len(cases)),
                      failures=str(failures), errors=str(errors))
    root.append(suite)
    ET.indent(root)
    try:
        Path(path).write_text(ET.tostring(root, encoding="unicode", xml_declaration=True)
                              + "\n", encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write the JUnit report to {path}: {err.strerror}",
                         hint="give a path in a folder that exists and is writable") from err


def _history_case(suite: ET.Element, outcome: Outcome) -> None:
    case = ET.SubElement(suite, "testcase", classname=outcome.workflow_type or "unknown",
                         name=outcome.source)
    if outcome.ok:
        return
    detail = [outcome.message]
    if outcome.path:
        detail.append(f"at {relative(outcome.path)}:{outcome.line} ({outcome.function})")
    if outcome.hint:
        detail.append(f"hint: {outcome.hint}")
    tag = "error" if outcome.status == UNUSABLE else "failure"
    element = ET.SubElement(case, tag, message=outcome.message, type=outcome.status)
    element.text = "\n".join(detail)


def _signature_cases(suite: ET.Element, report: ShadowReport) -> None:
    replayed = report.totals()["ok"]
    ET.SubElement(suite, "testcase", classname="replay",
                  name=f"{replayed} histories replay")
    for group in report.groups():
        _group_case(suite, group)


def _group_case(suite: ET.Element, group: Group) -> None:
    first = group.first
    where = group.where()
    name = f"{first.status} {first.kind}".strip() + (f" at {where}" if where else "")
    case = ET.SubElement(suite, "testcase", classname=first.workflow_type or "unknown",
                         name=name)
    tag = "error" if first.status == UNUSABLE else "failure"
    element = ET.SubElement(case, tag, message=f"{group.count} histories: {first.message}",
                            type=first.status)
    element.text = "\n".join([first.message, *(f"  {o.source}" for o in group.outcomes)])
