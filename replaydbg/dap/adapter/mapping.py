"""Map the history in the background, in the user's interpreter, and fetch histories.

The debug session wants the whole event map (to plan stops, verify event breakpoints,
answer "history summary" requests and know where replay diverges), but the user should
not wait for it: the map is made by a separate, lower-priority process while the debuggee
starts and runs; it arrives task by task, and the debuggee is held only when it gets ahead
of it.

Every child started here (the mapping run, a fetch) gets a pipe as stdin and the CLI's
lifeline: when this adapter dies, the pipe closes and the child exits — no orphans.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replaydbg.dap.adapter.config import LaunchConfig
from replaydbg.errors import InputError
from replaydbg.lifeline import LIFELINE_ENV
from replaydbg.project.codec import codec_options_json

#: Where the ``replaydbg`` package lives, put on the user's PYTHONPATH so that their
#: interpreter can run our modules even when replaydbg is installed elsewhere.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])
#: An import of ours that fails in the user's interpreter (before any user code runs).
_MISSING_MODULE = re.compile(r"^ModuleNotFoundError: No module named '([\w.]+)'$", re.M)
#: How much lower the mapping run's CPU priority is than the debuggee's (it must not slow
#: the interactive start on a small machine).
NICENESS = 10


@dataclass(frozen=True)
class MapResult:
    """The history file that was mapped and its replay report (the CLI's JSON result)."""

    history_file: str
    report: dict[str, Any]


def session_codec(config: LaunchConfig) -> dict[str, Any]:
    """The launch's codec server options for a child's session (the secret stays out)."""
    return codec_options_json(dataclasses.replace(config.codec, auth=None))


def user_environment(config: LaunchConfig) -> dict[str, str]:
    """The environment the user's code runs in: theirs, plus our package on the path."""
    env = {**os.environ, **config.env}
    paths = [PACKAGE_ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    if config.api_key:  # through the environment: never on a command line
        env["TEMPORAL_API_KEY"] = config.api_key
    if config.codec_auth:  # likewise (the profile loader reads it from there)
        env["TEMPORAL_CODEC_AUTH"] = config.codec_auth
    return env


class Child:
    """``<python> -m MODULE ARGS`` with the user's cwd and environment, on a lifeline."""

    def __init__(self, config: LaunchConfig, args: list[str], *, module: str = "replaydbg",
                 niceness: int = 0) -> None:
        self._python = config.python[0]
        try:
            self._proc = subprocess.Popen(
                [*config.python, "-m", module, *args], cwd=config.cwd,
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

    def finish(self, timeout: float,
               on_line: Callable[[bytes], None] | None = None) -> tuple[int, str, str]:
        """Wait for the exit; returns (exit code, stdout, stderr). Kills it on timeout.

        With ``on_line``, each stdout line goes there as it comes (and not in the result).
        """
        assert self._proc.stdout is not None
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            self.kill()

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            if on_line is None:
                out = self._proc.stdout.read()
            else:
                out = b""
                for line in self._proc.stdout:
                    on_line(line)
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
    return args + {True: ["--tls"], False: ["--no-tls"], None: []}[config.tls]


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
    """The background replay that maps every event (:mod:`replaydbg.dap.mapper`).

    ``on_mapped(events, through)`` hears of each batch of final mappings while it runs;
    :meth:`result` waits for the whole report.
    """

    def __init__(self, config: LaunchConfig, history_file: str, workflow_id: str,
                 on_mapped: Callable[[list[dict[str, Any]], int], None]) -> None:
        self.history_file = history_file
        self._python = config.python[0]
        self._on_mapped = on_mapped
        session = {"historyFile": history_file, "workflowId": workflow_id,
                   "workflows": config.workflows, **config.setup.to_json(),
                   "deadlockTimeout": config.deadlock_timeout, "codec": session_codec(config)}
        self._child = Child(config, [json.dumps(session)], module="replaydbg.dap.mapper",
                            niceness=NICENESS)
        self._last: dict[str, Any] = {}
        #: The workflow class and the worker setup loaded (or the run ended): a launch
        #: that failed for that has said so by then.
        self.found = threading.Event()
        #: The run ended without a map (its error is what the session says).
        self.broken = False

    def _line(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if "mapped" in message and message.get("through") is not None:
            self._on_mapped(message["mapped"], int(message["through"]))
        elif "found" in message:
            self.found.set()
        elif "report" in message or "error" in message:
            self._last = message
            self.broken = "error" in message
            self.found.set()

    def result(self, timeout: float = 600) -> MapResult:
        """The report; input problems (import errors, unknown workflow...) raise."""
        try:
            _, _, stderr = self._child.finish(timeout, self._line)
        finally:
            self.broken = "report" not in self._last
            self.found.set()
        if "error" in self._last:
            raise InputError(self._last["error"], hint=self._last.get("hint"))
        if "report" not in self._last:
            missing = _MISSING_MODULE.search(stderr)
            if missing:
                module = missing.group(1).split(".")[0]
                raise InputError(
                    f"the interpreter {self._python} cannot import {module!r}",
                    hint=f"install it there ({self._python} -m pip install {module}), or set "
                    "'python' in the launch configuration to your project's interpreter")
            raise InputError(_last_error(stderr) or "replaydbg could not start in "
                             f"{self._python}", hint="is replaydbg's Python >= 3.10 and "
                             "temporalio installed in that interpreter?")
        return MapResult(self.history_file, self._last["report"])

    def cancel(self) -> None:
        """Stop mapping (the session ended first)."""
        self._child.kill()
