"""Progress of a long replay on stderr, so that a big history does not look like a hang.

A terminal gets a tqdm bar; a pipe or a CI log gets one plain line every few seconds (a bar's
carriage returns would fill a log file). Nothing is printed for a stage that ends before the
first interval, so small histories stay silent. stdout is never touched: it carries the trace
or ``--json``.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

from tqdm import tqdm

#: Seconds between plain lines (and before the first one); the environment variable exists
#: for tests and for CI logs that want more or fewer lines.
INTERVAL_VARIABLE = "REPLAYDBG_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 5.0


def _interval() -> float:
    try:
        return float(os.environ.get(INTERVAL_VARIABLE, DEFAULT_INTERVAL))
    except ValueError:
        return DEFAULT_INTERVAL


class Progress:
    """One stage at a time (``start``), advanced by ``update(done)``, ended by ``close``."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool = True) -> None:
        self._stream = stream or sys.stderr
        self._enabled = enabled
        self._bar_mode = enabled and self._stream.isatty()
        self._interval = _interval()
        self._bar: Any = None
        self._label = ""
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._next_line = 0.0

    def start(self, label: str, total: int = 0) -> None:
        """Begin a stage of ``total`` steps (0: unknown)."""
        self.close()
        self._label, self._total, self._done = label, total, 0
        self._started = time.monotonic()
        self._next_line = self._started + self._interval
        if self._bar_mode:
            self._bar = tqdm(total=total or None, desc=label, file=self._stream, leave=False,
                             unit="ev", delay=min(self._interval, 1.0), mininterval=0.5)

    def note(self, text: str) -> None:
        """Say at once what a long stage is about to do (a big file to load, for one)."""
        if self._enabled:
            self._write(f"replaydbg: {text}")

    def update(self, done: int) -> None:
        """``done`` steps of the stage are behind us (a count, not an increment)."""
        if not self._enabled or done <= self._done:
            return
        if self._bar is not None:
            self._bar.update(done - self._done)
        self._done = done
        if not self._bar_mode and time.monotonic() >= self._next_line:
            self._line()

    def close(self) -> None:
        """End the stage (its bar disappears; plain mode says it ended if it spoke)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._enabled and not self._bar_mode and self._label and \
                time.monotonic() >= self._started + self._interval:
            elapsed = time.monotonic() - self._started
            self._write(f"replaydbg: {self._label}: done in {elapsed:.0f}s")
        self._label = ""

    def _line(self) -> None:
        elapsed = time.monotonic() - self._started
        if self._total:
            share = 100 * self._done / self._total
            text = f"{self._done:,}/{self._total:,} ({share:.0f}%)"
        else:
            text = "working"
        self._write(f"replaydbg: {self._label}: {text}, {elapsed:.0f}s")
        self._next_line = time.monotonic() + self._interval

    def _write(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()
