"""The debuggee process, started by the adapter itself: its output and exit as DAP events.

debugpy's ``launch`` starts the debuggee through a launcher process, and the debuggee's module
runs only once the editor's configuration is done; the replay's start-up (the SDK's imports,
the history) then comes after the whole handshake. Started here instead, the debuggee does
that work while debugpy's adapter and the editor shake hands, then connects to debugpy (which
``attach``-es with ``listen``). What the launcher did for a launched debuggee is done here
the same way: the output of its stdout and stderr (file descriptors, so the SDK core's logs
too) becomes ``output`` events, its exit an ``exited`` event, and stopping it stops its
whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

Message = dict[str, Any]


class DebuggeeProcess:
    """One debuggee, in a process group of its own; ``emit`` hears its output and exit.

    ``emit`` is called from the process's reader threads: the output of each stream in
    order, then ``exited`` once both streams ended and the process was reaped.
    """

    def __init__(self, command: Sequence[str], cwd: str, env: Mapping[str, str],
                 emit: Callable[[Message], None]) -> None:
        self._emit = emit
        self.exited = threading.Event()
        self.exit_code: int | None = None
        # The launcher's settings for an internal console: unbuffered, UTF-8.
        env = {**env, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        self._proc = subprocess.Popen(list(command), cwd=cwd, env=env,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, start_new_session=True)
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self.pid = self._proc.pid
        self._pumps = [threading.Thread(target=self._pump, args=(stream, category),
                                        name=f"replaydbg-debuggee-{category}", daemon=True)
                       for stream, category in ((self._proc.stdout, "stdout"),
                                                (self._proc.stderr, "stderr"))]
        for pump in self._pumps:
            pump.start()
        threading.Thread(target=self._wait, name="replaydbg-debuggee", daemon=True).start()

    def _pump(self, stream: IO[bytes], category: str) -> None:
        while True:
            data = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not data:
                return
            self._emit({"type": "event", "event": "output", "body": {
                "category": category, "output": data.decode("utf-8", errors="replace")}})

    def _wait(self) -> None:
        code = self._proc.wait()
        for pump in self._pumps:
            pump.join(timeout=2.0)  # a child that inherited the pipes must not hold us
        self.exit_code = code
        self._emit({"type": "event", "event": "exited", "body": {"exitCode": code}})
        self.exited.set()

    def kill(self) -> None:
        """Stop the debuggee and whatever it started (its process group)."""
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=2.0)
