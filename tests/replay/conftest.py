from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CHANGED = Path(__file__).resolve().parent / "changed"

_MARKER = re.compile(r"#\s*@([\w-]+)")


def marker_lines(path: Path) -> dict[str, int]:
    """``# @name`` markers of a source file -> their 1-based line numbers."""
    found: dict[str, int] = {}
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        for name in _MARKER.findall(text):
            found[name] = number
    return found


@pytest.fixture(autouse=True)
def _examples_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.syspath_prepend(str(CHANGED))


@pytest.fixture
def clean_modules():
    """Forget modules a test imported from tmp dirs so the next test imports afresh."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]
