"""Before debugging: replay once, silently, in the user's interpreter, to map every event.

The debug session needs the whole event map up front (to plan stops, to answer "history
summary" requests, to know where replay diverges). It comes from ``replaydbg replay --json``
run with the user's interpreter, working directory and environment, so the workflow code is
imported exactly as it will be under the debugger. A workflow id is fetched to a temporary
file first, so that both runs replay the very same history.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replaydbg.dap.config import LaunchConfig
from replaydbg.errors import InputError

#: Where the ``replaydbg`` package lives, put on the user's PYTHONPATH so that their
#: interpreter can run our modules even when replaydbg is installed elsewhere.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Prepass:
    """The history file to debug and its replay report (the CLI's JSON result)."""

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


def _run(config: LaunchConfig, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([*config.python, "-m", "replaydbg", *args], cwd=config.cwd,
                              env=user_environment(config), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise InputError(f"the interpreter {config.python[0]!r} does not exist",
                         hint="set 'python' in the launch configuration") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"replaydbg did not finish within {timeout:.0f}s in "
                         f"{config.python[0]}") from None


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
    done = _run(config, ["history", "fetch", "-o", target, *_connection_args(config)], 120)
    if done.returncode != 0:
        raise InputError(_last_error(done.stderr) or "fetching the history failed")
    return target


def _last_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.startswith("replaydbg: ")), None)
    text = "\n".join(lines[start:]) if start is not None else "\n".join(lines[-5:])
    return text.removeprefix("replaydbg: error: ").removeprefix("replaydbg: ")


def run_prepass(config: LaunchConfig) -> Prepass:
    """Fetch if needed, replay once, and return the report; input problems raise."""
    history = config.history_file
    if history is None:
        history = fetch_to_file(config, tempfile.mkdtemp(prefix="replaydbg-session-"))
    args = ["replay", history, "--json", "-q"]
    args += ["--workflow", config.workflow] if config.workflow else []
    args += [] if config.sandbox else ["--no-sandbox"]
    args += ["--data-converter", config.data_converter] if config.data_converter else []
    done = _run(config, args, 600)
    try:
        document = json.loads(done.stdout)
    except ValueError:
        raise InputError(_last_error(done.stderr) or "replaydbg could not start in "
                         f"{config.python[0]}", hint="is replaydbg's Python >= 3.10 and "
                         "temporalio installed in that interpreter?") from None
    if document.get("errors"):
        error = document["errors"][0]
        raise InputError(error["error"], hint=error.get("hint"))
    return Prepass(history, document["results"][0])
