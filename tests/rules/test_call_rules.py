"""Per-rule positive and negative cases for calls and reads inside a workflow's run method."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.rules import Config, Workspace

from .conftest import Write, codes, workflow_module

POSITIVE = [
    ("RDB101", "from datetime import datetime", "datetime.now()"),
    ("RDB101", "import datetime as dt", "dt.datetime.utcnow()"),
    ("RDB101", "from datetime import date", "date.today()"),
    ("RDB101", "import time", "time.perf_counter()"),
    ("RDB101", "from time import time as now", "now()"),
    ("RDB102", "import time", "time.sleep(1)"),
    ("RDB103", "import random", "random.randint(1, 6)"),
    ("RDB103", "from random import choice", "choice([1, 2])"),
    ("RDB103", "import secrets", "secrets.token_hex()"),
    ("RDB103", "import os", "os.urandom(4)"),
    ("RDB104", "import uuid", "uuid.uuid4()"),
    ("RDB104", "from uuid import uuid1", "uuid1()"),
    ("RDB105", "import os", "os.getcwd()"),
    ("RDB105", "import os", "os.environ['HOME']"),
    ("RDB105", "import os", "os.getenv('HOME')"),
    ("RDB105", "import platform", "platform.node()"),
    ("RDB106", "", "open('x')"),
    ("RDB106", "", "input()"),
    ("RDB107", "from pathlib import Path", "Path('x').read_text()"),
    ("RDB107", "import pathlib", "p = pathlib.Path('x')\np.exists()"),
    ("RDB107", "import shutil", "shutil.copy('a', 'b')"),
    ("RDB107", "import glob", "glob.glob('*')"),
    ("RDB107", "import os", "os.path.exists('x')"),
    ("RDB108", "import socket", "socket.gethostname()"),
    ("RDB108", "import urllib.request", "urllib.request.urlopen('http://x')"),
    ("RDB108", "import requests", "requests.get('http://x')"),
    ("RDB108", "import httpx", "httpx.get('http://x')"),
    ("RDB109", "import threading", "threading.Thread(target=print)"),
    ("RDB109", "import subprocess", "subprocess.run(['ls'])"),
    ("RDB109", "from concurrent.futures import ThreadPoolExecutor", "ThreadPoolExecutor()"),
    ("RDB110", "import asyncio", "await asyncio.to_thread(print)"),
    ("RDB110", "import asyncio", "await asyncio.get_running_loop().run_in_executor(None, print)"),
    ("RDB201", "", "for x in {'a', 'b'}:\n    pass"),
    ("RDB201", "", "names = set(['a'])\nlist(names)"),
    ("RDB201", "", "s = {('a', 1)}\n[x for x in s]"),
    ("RDB201", "", "s: set[str] = set()\n', '.join(s)"),
    ("RDB202", "", "hash('x')"),
    ("RDB202", "", "id(self)"),
    ("RDB203", "import time", "time.gmtime()"),
    ("RDB203", "import time", "time.strftime('%Y')"),
    ("RDB204", "from datetime import datetime", "datetime.fromtimestamp(0)"),
    ("RDB204", "", "workflow.now().astimezone()"),
    ("RDB205", "import random", "random.Random()"),
    ("RDB205", "import random", "random.SystemRandom()"),
    ("RDB206", "import uuid", "uuid.getnode()"),
    ("RDB207", "import io", "io.open('x')"),
    ("RDB207", "import os", "os.stat('x')"),
    ("RDB207", "from os.path import exists", "exists('x')"),
    ("RDB207", "import sqlite3", "sqlite3.connect(':memory:')"),
    ("RDB207", "import pkgutil", "pkgutil.get_data('a', 'b')"),
    ("RDB208", "import sys", "sys.argv"),
    ("RDB208", "import sys", "x = sys.platform"),
    ("RDB209", "import os", "'X' in os.environ"),
    ("RDB209", "import os", "for k in os.environ:\n    pass"),
    ("RDB210", "", "print('hi')"),
    ("RDB210", "import logging", "logging.info('hi')"),
    ("RDB210", "import logging\nlog = logging.getLogger(__name__)", "log.warning('hi')"),
    ("RDB211", "import importlib", "importlib.import_module('json')"),
    ("RDB212", "import asyncio", "await asyncio.wait([])"),
    ("RDB212", "import asyncio", "asyncio.as_completed([])"),
    ("RDB213", "import gc", "gc.collect()"),
    ("RDB213", "import weakref", "weakref.ref(self)"),
]

NEGATIVE = [
    ("", "workflow.now()"),
    ("", "workflow.time()"),
    ("", "workflow.random().randint(1, 2)"),
    ("", "workflow.uuid4()"),
    ("import asyncio", "await asyncio.sleep(1)"),
    ("import asyncio", "asyncio.get_running_loop().time()"),
    ("import random", "random.Random(42).random()"),
    ("import random", "rng = random.Random(7)\nrng.choice([1])"),
    ("", "sorted({'a', 'b'})"),
    ("", "for x in sorted({'a', 'b'}):\n    pass"),
    ("", "for x in {1, 2, 3}:\n    pass"),
    ("", "s: set[int] = set()\nlist(s)"),
    ("", "s = {'a'}\nlen(s)\n'a' in s"),
    ("", "s = {'a'}\n{x.upper() for x in s}"),
    ("", "sorted(x for x in {'a'})"),
    ("import time", "time.gmtime(0)"),
    ("import time", "time.strftime('%Y', time.gmtime(0))"),
    ("from datetime import datetime, timezone", "datetime.fromtimestamp(0, tz=timezone.utc)"),
    ("from datetime import timezone", "workflow.now().astimezone(timezone.utc)"),
    ("", "workflow.logger.info('x')"),
    ("", "if not workflow.unsafe.is_replaying():\n    print('once')"),
    ("import os", "os.sep"),
    ("", "time = 3\ntime.sleep"),
    ("from datetime import timedelta", "timedelta(seconds=1)"),
    ("import json", "json.dumps({})"),
]


def _run(write: Write, tmp_path: Path, body: str, imports: str) -> list[str]:
    write("flows.py", workflow_module(body, imports=imports))
    return codes(Workspace(tmp_path, Config()).analyze())


@pytest.mark.parametrize(("code", "imports", "body"), POSITIVE)
def test_flags(write: Write, tmp_path: Path, code: str, imports: str, body: str) -> None:
    assert code in _run(write, tmp_path, body, imports)


@pytest.mark.parametrize(("imports", "body"), NEGATIVE)
def test_silent(write: Write, tmp_path: Path, imports: str, body: str) -> None:
    assert _run(write, tmp_path, body, imports) == []


def test_every_sandbox_and_gap_rule_has_a_positive_case() -> None:
    covered = {code for code, _, _ in POSITIVE}
    assert covered >= {
        f"RDB{n}" for n in (*range(101, 111), *range(201, 214))}


def test_activity_code_and_plain_modules_are_silent(write: Write, tmp_path: Path) -> None:
    write("acts.py", """\
        import time
        from temporalio import activity

        @activity.defn
        def work() -> float:
            time.sleep(1)
            return time.time()

        def script() -> None:
            print(open('x').read())
        """)
    write("flows.py", workflow_module(
        "await workflow.execute_activity(work, start_to_close_timeout=timedelta(1))\n",
        imports="from datetime import timedelta\nfrom acts import work"))
    assert codes(Workspace(tmp_path, Config()).analyze()) == []


def test_calls_inside_sandbox_unrestricted_are_reported_once(write: Write,
                                                               tmp_path: Path) -> None:
    body = ("with workflow.unsafe.sandbox_unrestricted():\n"
            "    time.time()\n    open('x')\n    helper()\n")
    write("flows.py", workflow_module(body, imports="import time\nfrom helper import helper"))
    write("helper.py", "import time\n\ndef helper():\n    time.sleep(1)\n")
    assert codes(Workspace(tmp_path, Config()).analyze()) == ["RDB401"]
