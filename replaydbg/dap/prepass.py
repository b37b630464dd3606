"""Map the history in the background: ``replaydbg replay --json`` in the user's interpreter.

The debug session wants the whole event map (to plan stops, verify event breakpoints,
answer "history summary" requests and know where replay diverges), but the user should
not wait for it: the map is made by a separate, lower-priority process while the debuggee
starts, and the debuggee holds its replay at the first point the map is needed for.

Every child started here (the mapping run, a fetch) gets a pipe as stdin and the CLI's
lifeline: when this adapter dies, the pipe closes and the child exits — no orphans.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replaydbg.cli import LIFELINE_ENV
from replaydbg.dap.config import LaunchConfig
from replaydbg.errors import InputError

#: Where the ``replaydbg`` package lives, put on the user's PYTHONPATH so that their
#: interpreter can run our modules even when replaydbg is installed elsewhere.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
#: How much lower the mapping run's CPU priority is than the debuggee's (it must not slow
#: the interactive start on a small machine).
NICENESS = 10


@dataclass(frozen=True)
class Prepass:
    """The history file that was mapped and its replay report (the CLI's JSON result)."""

    history_file: str
    report: dict[str, Any]


def user_environment(config: LaunchConfig) -> dict[str, str]:
    """The environment the user's code runs in: theirs, plus our package on the path."""
    env = {**os.environ, **config.env}
    paths = [PACKAGE_ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    if config.api_key:  # through the environment: never on a command line
        env["TEMPORAL_API_KEY"] = config.api_key
    return env


class Child:
    """``<python> -m replaydbg ARGS`` with the user's cwd and environment, on a lifeline."""

    def __init__(self, config: LaunchConfig, args: list[str], *, niceness: int = 0) -> None:
        self._python = config.python[0]
        try:
            self._proc = subprocess.Popen(
                [*config.python, "-m", "replaydbg", *args], cwd=config.cwd,
                env={**user_environment(config), LIFELINE_ENV: "1"},
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise InputError(f"the interpreter {self._python!r} does not exist",
                             hint="set 'python' in the launch configuration") from None
        except NotADirectoryError:
            raise InputError(f"cwd {config.cwd!r} is not a directory") from None
        if niceness:
            with contextlib.suppress(OSError, AttributeError):  # best effort (not on Windows)
                os.setpriority(os.PRIO_PROCESS, self._proc.pid, niceness)
        self._stderr = b""
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    def _read_stderr(self) -> None:
        assert self._proc.stderr is not None
        self._stderr = self._proc.stderr.read()

    def finish(self, timeout: float) -> tuple[int, str, str]:
        """Wait for the exit; returns (exit code, stdout, stderr). Kills it on timeout."""
        assert self._proc.stdout is not None
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            self.kill()

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            out = self._proc.stdout.read()
            code = self._proc.wait()
        finally:
            timer.cancel()
            with contextlib.suppress(OSError):
                if self._proc.stdin is not None:
                    self._proc.stdin.close()
        self._stderr_reader.join()
        if timed_out.is_set():
            raise InputError(f"replaydbg did not finish within {timeout:.0f}s in "
                             f"{self._python}")
        return code, out.decode(errors="replace"), self._stderr.decode(errors="replace")

    def kill(self) -> None:
        """Stop the child now (idempotent)."""
        with contextlib.suppress(ProcessLookupError, OSError):
            self._proc.kill()


def _connection_args(config: LaunchConfig) -> list[str]:
    pairs = [("--workflow-id", config.workflow_id), ("--run-id", config.run_id),
             ("--namespace", config.namespace), ("--address", config.address),
             ("--tls-ca", config.tls_ca_file), ("--tls-cert", config.tls_cert_file),
             ("--tls-key", config.tls_key_file), ("--tls-server-name", config.tls_server_name),
             ("--profile", config.profile)]
    args = [item for name, value in pairs if value for item in (name, value)]
    return args + (["--tls"] if config.tls else [])


def fetch_to_file(config: LaunchConfig, directory: str) -> str:
    """Fetch ``config.workflow_id`` into a file in ``directory``."""
    target = os.path.join(directory, "history.json")
    child = Child(config, ["history", "fetch", "-o", target, *_connection_args(config)])
    code, _, stderr = child.finish(120)
    if code != 0:
        raise InputError(_last_error(stderr) or "fetching the history failed")
    return target


def _last_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.startswith("replaydbg: ")), None)
    text = "\n".join(lines[start:]) if start is not None else "\n".join(lines[-5:])
    return text.removeprefix("replaydbg: error: ").removeprefix("replaydbg: ")


class MappingRun:
    """The background replay that maps every event; :meth:`result` waits for it."""

    def __init__(self, config: LaunchConfig, history_file: str) -> None:
        self.history_file = history_file
        self._python = config.python[0]
        args = ["replay", history_file, "--json", "-q"]
        args += ["--workflow", config.workflow] if config.workflow else []
        args += [] if config.sandbox else ["--no-sandbox"]
        args += ["--data-converter", config.data_converter] if config.data_converter else []
        self._child = Child(config, args, niceness=NICENESS)

    def result(self, timeout: float = 600) -> Prepass:
        """The report; input problems (import errors, unknown workflow...) raise."""
        _, stdout, stderr = self._child.finish(timeout)
        try:
            document = json.loads(stdout)
        except ValueError:
            raise InputError(_last_error(stderr) or "replaydbg could not start in "
                             f"{self._python}", hint="is replaydbg's Python >= 3.10 and "
                             "temporalio installed in that interpreter?") from None
        if document.get("errors"):
            error = document["errors"][0]
            raise InputError(error["error"], hint=error.get("hint"))
        return Prepass(self.history_file, document["results"][0])

    def cancel(self) -> None:
        """Stop mapping (the session ended first)."""
        self._child.kill()
