"""A debug session's copies of the history are private and leave with the session."""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
import time
from pathlib import Path

from replaydbg.dap.adapter.workdir import PREFIX, sweep_orphans
from tests.support.dap_client import Adapter, adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _folders(pid: int) -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob(f"{PREFIX}{pid}-*"))


def _launch(adapter: Adapter) -> None:
    adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                 python=sys.executable, workflow="greeting.original_workflows:GreetingWorkflow")
    wait_for(adapter, lambda m: m.get("event") == "initialized")
    adapter.request(3, "configurationDone")
    assert adapter.response(2, timeout=60)["success"]


def _wait_for_copy(pid: int) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        copies = [p for folder in _folders(pid) for p in folder.glob("*.pb")]
        if copies:
            return copies[0]
        time.sleep(0.05)
    raise AssertionError(f"no history copy for adapter {pid}")


def test_copies_are_owner_only_and_go_with_a_clean_disconnect() -> None:
    with adapter_session() as adapter:
        _launch(adapter)
        copy = _wait_for_copy(adapter.proc.pid)
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _folders(adapter.proc.pid) == []


def test_a_terminated_adapter_removes_its_folder() -> None:
    adapter = Adapter()
    adapter.request(1, "initialize", adapterID="temporal-replay")
    _launch(adapter)
    _wait_for_copy(adapter.proc.pid)
    adapter.proc.send_signal(signal.SIGTERM)
    adapter.proc.wait(timeout=20)
    assert _folders(adapter.proc.pid) == []


def test_the_next_session_sweeps_the_folder_of_a_killed_adapter() -> None:
    killed = Adapter()
    killed.request(1, "initialize", adapterID="temporal-replay")
    _launch(killed)
    _wait_for_copy(killed.proc.pid)
    killed.proc.kill()  # SIGKILL: no cleanup can run in it
    killed.proc.wait(timeout=20)
    assert _folders(killed.proc.pid), "the killed adapter could not remove it"
    with adapter_session() as adapter:
        _launch(adapter)
        assert _folders(killed.proc.pid) == []


def test_sweep_spares_live_sessions_and_other_files(tmp_path: Path) -> None:
    live = tmp_path / f"{PREFIX}{os.getpid()}-abc"
    live.mkdir()
    parent = tmp_path / f"{PREFIX}{os.getppid()}-abc"
    parent.mkdir()
    gone = tmp_path / f"{PREFIX}{2**22 + 12345}-abc"  # above the largest pid Linux gives
    (gone / "sub").mkdir(parents=True)
    unnamed_new = tmp_path / f"{PREFIX}xyz"
    unnamed_new.mkdir()
    unnamed_old = tmp_path / f"{PREFIX}old"
    unnamed_old.mkdir()
    os.utime(unnamed_old, (time.time() - 3 * 86400,) * 2)
    other = tmp_path / "unrelated"
    other.mkdir()
    assert sorted(sweep_orphans(str(tmp_path))) == sorted([gone, unnamed_old])
    assert live.exists() and parent.exists() and unnamed_new.exists() and other.exists()
