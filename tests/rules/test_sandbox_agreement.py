"""The rules against the real SDK sandbox: what RDB1xx flags fails at runtime, RDB2xx does not.

Each case is a one-line workflow replayed by ``temporalio.worker.Replayer`` (sandbox on, the
production default) over a real three-event history start. A case the analyser flags with a
sandbox code (RDB1xx) must fail its workflow task; a case it flags with a gap code (RDB2xx)
must run, which is why the gap rules exist. The two lists must agree.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from replaydbg.rules import Config, Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "greeting" / "history.json"

# (imports, statement) pairs: valid code, so a failure can only come from the sandbox.
CASES = [
    ("from datetime import datetime", "datetime.now()"),
    ("from datetime import datetime", "datetime.utcnow()"),
    ("from datetime import date", "date.today()"),
    ("import time", "time.time()"),
    ("import time", "time.time_ns()"),
    ("import time", "time.monotonic()"),
    ("import time", "time.perf_counter()"),
    ("import time", "time.localtime()"),
    ("import time", "time.sleep(0)"),
    ("import random", "random.random()"),
    ("import random", "random.randint(1, 6)"),
    ("import random", "random.shuffle([1, 2])"),
    ("import secrets", "secrets.token_hex(4)"),
    ("import uuid", "uuid.uuid4()"),
    ("import uuid", "uuid.uuid1()"),
    ("import os", "os.urandom(2)"),
    ("import os", "os.getcwd()"),
    ("import os", "os.getpid()"),
    ("import os", "os.environ.get('HOME')"),
    ("import os", "os.getenv('HOME')"),
    ("import os", "os.path.exists('/')"),
    ("import platform", "platform.system()"),
    ("import getpass", "getpass.getuser()"),
    ("import locale", "locale.getlocale()"),
    ("", "open('/dev/null').close()"),
    ("from pathlib import Path", "Path('/').exists()"),
    ("from pathlib import Path", "Path('/etc/hostname').read_text()"),
    ("import glob", "glob.glob('/*')"),
    ("import shutil", "shutil.which('ls')"),
    ("import tempfile", "tempfile.gettempdir()"),
    ("import socket", "socket.gethostname()"),
    ("import threading", "threading.current_thread()"),
    ("import subprocess", "subprocess.list2cmdline(['a'])"),
    ("import concurrent.futures", "concurrent.futures.wait([])"),
    # What the sandbox misses: must run, and must be flagged RDB2xx.
    ("", "[x for x in {'a', 'b'}]"),
    ("", "hash('x')"),
    ("", "id(object())"),
    ("import time", "time.gmtime()"),
    ("import time", "time.ctime()"),
    ("import time", "time.strftime('%Y')"),
    ("from datetime import datetime", "datetime.fromtimestamp(0)"),
    ("import random", "random.Random().random()"),
    ("import random", "random.SystemRandom().random()"),
    ("import uuid", "uuid.getnode()"),
    ("import io", "io.open('/dev/null').close()"),
    ("from os.path import exists", "exists('/')"),
    ("import sqlite3", "sqlite3.connect(':memory:').close()"),
    ("import linecache", "linecache.getline('/etc/hostname', 1)"),
    ("import sys", "sys.argv"),
    ("import sys", "sys.platform"),
    ("import os", "'HOME' in os.environ"),
    ("import os", "list(os.environ)"),
    ("", "print('hello from a workflow')"),
    ("import logging", "logging.getLogger('x').info('hi')"),
    ("import importlib", "importlib.import_module('json')"),
    ("import gc", "gc.collect()"),
]

_SANDBOX = "RDB1"


def _history(name: str) -> WorkflowHistory:
    events = json.loads(EXAMPLE.read_text())["events"][:3]
    started = events[0]["workflowExecutionStartedEventAttributes"]
    started["workflowType"]["name"] = name
    started.pop("input", None)
    return WorkflowHistory.from_json("agreement", {"events": events})


def _module(imports: str, statement: str, probe: str) -> str:
    # A replay of an unfinished history does not report a failed workflow task, so the
    # workflow reports its own exception through a passed-through module (same object inside
    # and outside the sandbox).
    return (f"{imports}\nfrom temporalio import workflow\n\n"
            f"with workflow.unsafe.imports_passed_through():\n    import {probe}\n\n\n"
            f"@workflow.defn(name='Case')\nclass Case:\n    @workflow.run\n"
            f"    async def run(self) -> str:\n        try:\n            {statement}\n"
            f"        except Exception as exc:\n"
            f"            {probe}.errors.append(f'{{type(exc).__name__}}: {{exc}}')\n"
            f"        return 'ok'\n")


async def _fails_in_sandbox(module: str, probe: str) -> str | None:
    cls = importlib.import_module(module).Case
    errors: list[str] = importlib.import_module(probe).errors
    result = await Replayer(workflows=[cls]).replay_workflow(
        _history("Case"), raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
    return errors[0] if errors else None


@pytest.mark.parametrize(("imports", "statement"), CASES)
def test_static_codes_agree_with_the_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              imports: str, statement: str) -> None:
    name = f"agreement_{abs(hash((imports, statement)))}"
    probe = f"{name}_probe"
    (tmp_path / f"{name}.py").write_text(_module(imports, statement, probe))
    (tmp_path / f"{probe}.py").write_text("errors: list[str] = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        failure = asyncio.run(_fails_in_sandbox(name, probe))
    finally:
        sys.modules.pop(name, None)
        sys.modules.pop(probe, None)
    codes = [f.code for f in Workspace(tmp_path, Config()).analyze()[tmp_path / f"{name}.py"]]
    assert codes, f"{statement!r} is not flagged at all"
    flagged_as_restricted = any(c.startswith(_SANDBOX) for c in codes)
    assert flagged_as_restricted == (failure is not None), (codes, failure)

