from __future__ import annotations

from lsprotocol import types

from replaydbg.lsp.hover import hover_for
from replaydbg.rules.advice import instead
from replaydbg.rules.catalog import RULES


def _published(code: str, line: int) -> dict[str, object]:
    return {"range": {"start": {"line": line, "character": 4},
                      "end": {"line": line, "character": 18}},
            "message": "os.getpid() reads or changes the host\nreached from Flow.run",
            "code": code, "codeDescription": {"href": f"file:///x/rules.md#{code.lower()}"}}


def test_hover_names_the_rule_the_problem_the_remedy_and_the_link() -> None:
    hover = hover_for([_published("RDB105", 2), _published("RDB101", 9)],
                      types.Position(line=2, character=10))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert text.startswith("**RDB105 host-environment**")
    assert "os.getpid() reads or changes the host" in text and "reached from" not in text
    assert "**Instead:** read host values in an activity" in text
    assert "(file:///x/rules.md#rdb105)" in text and "RDB101" not in text
    assert hover_for([_published("RDB105", 2)], types.Position(line=3, character=0)) is None


def test_every_rule_that_can_be_avoided_says_what_to_do_instead() -> None:
    missing = [code for code in RULES if instead(code) is None]
    assert missing == ["RDB001", "RDB002", "RDB401", "RDB402", "RDB403", "RDB404"]
    assert instead("RDB101") == "use workflow.now()/time()/time_ns()"
