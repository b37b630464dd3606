"""Progress of a long replay on stderr, so that a big history does not look like a hang.

A terminal gets a tqdm bar; a pipe or a CI log gets one plain line every few seconds (a bar's
carriage returns would fill a log file). Nothing is printed for a stage that ends before the
first interval, so small histories stay silent. stdout is never touched: it carries the trace
or ``--json``.
"""

from __future__ import annotations

import os
import sys
import threading
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
    """One stage at a time (``start``), advanced by ``update(done)``, ended by ``close``.

    ``start`` and ``update`` only store numbers: they are called from inside the workflow
    sandbox (the replay's activations), where a terminal query or a clock read is a
    restricted call. A thread of ours, outside the sandbox, draws the bar or writes the lines.
    Use as a context manager: the thread ends with it.
    """

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool = True) -> None:
        self._stream = stream or sys.stderr
        self._enabled = enabled
        self._bar_mode = enabled and self._stream.isatty()
        self._interval = _interval()
        self._lock = threading.Lock()
        self._bar: Any = None
        self._label = ""
        self._total = 0
        self._done = 0
        self._drawn = 0
        self._started = 0.0
        self._next_line = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="replaydbg-progress",
                                        daemon=True)

    def __enter__(self) -> Progress:
        if self._enabled:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()
        self.close()

    def start(self, label: str, total: int = 0) -> None:
        """Begin a stage of ``total`` steps (0: unknown); the previous one ends unsaid."""
        self._label, self._total, self._done, self._started = label, total, 0, -1.0

    def update(self, done: int) -> None:
        """``done`` steps of the stage are behind us (a count, not an increment)."""
        self._done = done

    def note(self, text: str) -> None:
        """Say at once what a long stage is about to do (a big file to load, for one)."""
        if self._enabled:
            with self._lock:
                self._write(f"replaydbg: {text}")

    def close(self) -> None:
        """End the stage (its bar disappears; plain mode says it ended if it spoke)."""
        with self._lock:
            self._draw()
            if self._bar is not None:
                self._bar.close()
                self._bar = None
            elif self._enabled and not self._bar_mode and self._label and \
                    self._started >= 0 and time.monotonic() >= self._started + self._interval:
                elapsed = time.monotonic() - self._started
                self._write(f"replaydbg: {self._label}: done in {elapsed:.0f}s")
            self._label = ""

    def _tick(self) -> None:
        while not self._stopped.wait(0.1 if self._bar_mode else min(self._interval, 0.5)):
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        if not self._enabled or not self._label:
            return
        now = time.monotonic()
        if self._started < 0:  # a stage just started
            self._begin(now)
        if self._bar_mode and self._bar is None and now >= self._next_line:
            # Only a stage that lasts gets a bar (tqdm's own ``delay`` shows none when
            # updates come from another thread).
            self._bar = tqdm(total=self._total or None, desc=self._label, file=self._stream,
                             leave=False, unit="ev", initial=self._done)
            self._drawn = self._done
        if self._bar is not None:
            self._bar.update(self._done - self._drawn)
            self._drawn = self._done
        elif not self._bar_mode and now >= self._next_line:
            self._line(now)

    def _begin(self, now: float) -> None:
        if self._bar is not None:
            self._bar.close()
        self._started, self._drawn, self._bar = now, 0, None
        self._next_line = now + (min(self._interval, 1.0) if self._bar_mode else self._interval)

    def _line(self, now: float) -> None:
        elapsed = now - self._started
        if self._total:
            share = 100 * self._done / self._total
            text = f"{self._done:,}/{self._total:,} ({share:.0f}%)"
        else:
            text = "working"
        self._write(f"replaydbg: {self._label}: {text}, {elapsed:.0f}s")
        self._next_line = now + self._interval

    def _write(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()
