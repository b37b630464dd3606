"""The warning a replay that passes still raises: a divergence Temporal does not check.

A replay can succeed while the code has changed in ways Temporal does not compare (a timer's
duration, an activity's arguments or options): that is no failure, but it is worth seeing. A
warning shows in pytest's summary under the test that raised it, and a project that wants
such changes to fail says so with ``-W error::replaydbg.testing.ReplayWarning`` (or
``filterwarnings``). This module imports nothing heavy: that filter imports it by name.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from replaydbg.replay.report import ReplayReport


class ReplayWarning(UserWarning):
    """The history replays, but replaydbg found a difference worth a look."""


def warn_about(report: ReplayReport, *, at_history: bool = False) -> None:
    """One :class:`ReplayWarning` per warning of ``report``, naming its history.

    The warning points at the caller of the caller (the test that called ``assert_replays``),
    or with ``at_history`` at the history file itself (a test that is the history).
    """
    for text in report.warnings:
        warning = ReplayWarning(f"{report.history.source}: {text}")
        if at_history:
            # Line 0: no line of the file to quote (line 1 of a JSON history is a lone "{").
            warnings.warn_explicit(warning, ReplayWarning, report.history.source, 0,
                                   module="replaydbg.testing")
        else:
            warnings.warn(warning, stacklevel=3)
