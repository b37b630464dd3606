from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from replaydbg.lsp.diagnostics import SOURCE, Locator, diagnostic_message, to_diagnostic
from replaydbg.rules import ChainStep, Finding, Fix, Position, Severity, Span, TextEdit

WORKFLOWS = Path("/w/app/workflows.py")
PRICING = Path("/w/app/pricing.py")
TEXTS = {
    WORKFLOWS: 'x = "😀"; started = datetime.now()\n',
    PRICING: "def total():\n    return time.time()\n",
}


def _span(line: int, start: int, end: int) -> Span:
    return Span(Position(line, start), Position(line, end))


def _locator(encoding: types.PositionEncodingKind) -> Locator:
    return Locator(PositionCodec(encoding),
                   lambda path: TEXTS[path].splitlines(keepends=True),
                   lambda path: f"file://{path}")


def _finding(**changes: object) -> Finding:
    fields: dict[str, object] = {
        "code": "RDB101", "message": "datetime.now() reads the wall clock",
        "severity": Severity.ERROR, "path": WORKFLOWS, "span": _span(1, 20, 34),
        "doc_url": "https://example.org/rules#rdb101",
    }
    fields.update(changes)
    return Finding(**fields)  # type: ignore[arg-type]


def test_columns_are_converted_to_the_client_encoding() -> None:
    # The emoji is one character, two UTF-16 units, four UTF-8 bytes.
    finding = _finding()
    utf16 = to_diagnostic(finding, _locator(types.PositionEncodingKind.Utf16)).range
    utf32 = to_diagnostic(finding, _locator(types.PositionEncodingKind.Utf32)).range
    utf8 = to_diagnostic(finding, _locator(types.PositionEncodingKind.Utf8)).range
    assert (utf32.start.line, utf32.start.character, utf32.end.character) == (0, 20, 34)
    assert (utf16.start.character, utf16.end.character) == (21, 35)
    assert (utf8.start.character, utf8.end.character) == (23, 37)


def test_code_link_source_and_severity() -> None:
    diagnostic = to_diagnostic(_finding(), _locator(types.PositionEncodingKind.Utf32))
    assert diagnostic.code == "RDB101"
    assert diagnostic.source == SOURCE
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == "https://example.org/rules#rdb101"
    assert diagnostic.related_information is None
    info = to_diagnostic(_finding(severity=Severity.INFORMATION, doc_url=""),
                         _locator(types.PositionEncodingKind.Utf32))
    assert info.severity == types.DiagnosticSeverity.Information
    assert info.code_description is None


def test_chain_becomes_related_information_and_part_of_the_message() -> None:
    chain = (ChainStep(WORKFLOWS, _span(1, 20, 34), "OrderWorkflow.run"),
             ChainStep(PRICING, _span(2, 11, 22), "pricing.total"))
    finding = _finding(path=PRICING, span=_span(2, 11, 22), chain=chain)
    diagnostic = to_diagnostic(finding, _locator(types.PositionEncodingKind.Utf16))
    assert diagnostic.message.endswith("reached from OrderWorkflow.run → pricing.total")
    related = diagnostic.related_information
    assert related is not None
    assert [r.message for r in related] == ["1. OrderWorkflow.run", "2. pricing.total"]
    assert related[0].location.uri == f"file://{WORKFLOWS}"
    assert related[0].location.range.start == types.Position(line=0, character=21)
    assert related[1].location.range.end == types.Position(line=1, character=22)


def test_a_message_that_names_its_chain_is_kept_as_is() -> None:
    chain = (ChainStep(WORKFLOWS, _span(1, 20, 34), "OrderWorkflow.run"),)
    finding = _finding(message="wall clock (reached from OrderWorkflow.run)", chain=chain)
    assert diagnostic_message(finding) == finding.message


def test_fixes_travel_in_data_in_client_units() -> None:
    fix = Fix("Use workflow.now()",
              (TextEdit(WORKFLOWS, _span(1, 20, 34), "workflow.now()"),
               TextEdit(WORKFLOWS, _span(1, 0, 0), "from temporalio import workflow\n")))
    data = to_diagnostic(_finding(fixes=(fix,)),
                         _locator(types.PositionEncodingKind.Utf16)).data
    assert data["fixes"] == [{
        "title": "Use workflow.now()",
        "changes": {f"file://{WORKFLOWS}": [
            {"range": {"start": {"line": 0, "character": 21},
                       "end": {"line": 0, "character": 35}}, "newText": "workflow.now()"},
            {"range": {"start": {"line": 0, "character": 0},
                       "end": {"line": 0, "character": 0}},
             "newText": "from temporalio import workflow\n"},
        ]},
        "versions": {},
    }]


def test_fixes_name_the_versions_they_were_computed_for() -> None:
    fix = Fix("Use workflow.now()", (TextEdit(WORKFLOWS, _span(1, 20, 34), "workflow.now()"),))
    where = Locator(PositionCodec(), lambda path: TEXTS[path].splitlines(keepends=True),
                    lambda path: f"file://{path}", lambda path: 7)
    data = to_diagnostic(_finding(fixes=(fix,)), where).data
    assert data["fixes"][0]["versions"] == {f"file://{WORKFLOWS}": 7}


def test_a_position_past_the_end_lands_on_the_end() -> None:
    # The file shrank between the analysis and the conversion.
    far = to_diagnostic(_finding(span=_span(9, 0, 4)), _locator(types.PositionEncodingKind.Utf16))
    assert far.range.start == types.Position(line=1, character=0)
