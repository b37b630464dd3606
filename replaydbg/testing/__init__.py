"""Helpers for tests: replay assertions, the pytest plugin, a real dev server.

``import replaydbg.testing`` stays light (the pytest plugin lives in this package and is
loaded in every test run of every project that installs replaydbg): ``assert_replays`` and
``ReplayFailed`` bring the SDK and the replay engine only when first used (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from replaydbg.testing.devserver import DevServer, find_temporal_cli
from replaydbg.testing.warning import ReplayWarning

if TYPE_CHECKING:
    from replaydbg.testing.asserting import assert_replays as assert_replays
    from replaydbg.testing.verdict import ReplayFailed as ReplayFailed

_LAZY = {"assert_replays": "replaydbg.testing.asserting",
         "ReplayFailed": "replaydbg.testing.verdict"}

__all__ = ["DevServer", "ReplayFailed", "ReplayWarning", "assert_replays", "find_temporal_cli"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # bound now: the next access is a plain lookup
    return value
