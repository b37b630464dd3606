"""A launch that decodes payloads through a codec server (a real process, examples/secure).

No data converter in the launch: the encrypted payloads of the payroll history reach the
replay and the Temporal scope only through the codec server, as in the Temporal Web UI.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.history.test_codec_server_example import CodecServer, start, stop
from tests.support.dap_client import Adapter, adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "launch-codec-token"
#: The payroll workflow reads what the plugin's interceptor carries, and its context module
#: is passed through: everything of the plugin but its converter.
SETUP: dict[str, Any] = {"interceptors": ["secure.plugin:interceptor"],
                         "passthroughModules": ["secure.context"]}


@pytest.fixture(scope="module")
def codec() -> Iterator[CodecServer]:
    server = start(sys.executable, "-m", "secure.codec_server", "--auth", TOKEN)
    yield server
    stop(server)


def _children(adapter: Adapter, seq: int, reference: int) -> dict[str, Any]:
    answer = adapter.request(seq, "variables", variablesReference=reference)
    return {v["name"]: v for v in answer["body"]["variables"]}


def _launch(adapter: Adapter, **extra: Any) -> dict[str, Any]:
    adapter.send(2, "launch", historyFile="secure/history.json", cwd=str(EXAMPLES),
                 python=sys.executable, workflow="secure.workflows", **SETUP, **extra)
    wait_for(adapter, lambda m: m.get("event") in ("initialized", "terminated"))
    adapter.request(3, "setFunctionBreakpoints", breakpoints=[{"name": "event:7"}])
    adapter.request(4, "configurationDone")
    return wait_for(adapter, lambda m: m.get("event") in ("stopped", "terminated"))


def test_the_temporal_scope_decodes_through_the_codec_server(codec: CodecServer) -> None:
    with adapter_session() as adapter:
        stopped = _launch(adapter, codecEndpoint=codec.url, codecAuth=f"Bearer {TOKEN}")
        assert stopped["event"] == "stopped", adapter.messages
        thread = stopped["body"]["threadId"]
        frame = adapter.request(5, "stackTrace", threadId=thread)["body"]["stackFrames"][0]
        scopes = adapter.request(6, "scopes", frameId=frame["id"])["body"]["scopes"]
        temporal = next(s for s in scopes if s["name"] == "Temporal")
        event = _children(adapter, 7, temporal["variablesReference"])["event"]
        attributes = _children(adapter, 8, event["variablesReference"])["attributes"]
        result = _children(adapter, 9, attributes["variablesReference"])["result"]
        payloads = _children(adapter, 10, result["variablesReference"])["payloads"]
        first = _children(adapter, 11, payloads["variablesReference"])["0"]
        payslip = _children(adapter, 12, first["variablesReference"])
        assert payslip["employee_id"]["value"] == "'E-1024'"
        adapter.request(13, "continue", threadId=thread)
        wait_for(adapter, lambda m: m.get("event") == "terminated")
        assert TOKEN not in str(adapter.messages)


def test_a_refused_token_ends_the_launch_without_showing_it(codec: CodecServer) -> None:
    with adapter_session() as adapter:
        _launch(adapter, codecEndpoint=codec.url, codecAuth="Bearer wrong-token")
        wait_for(adapter, lambda m: m.get("event") == "terminated")
        said = "".join(m["body"].get("output", "") for m in adapter.messages
                       if m.get("event") == "output")
        assert "refused the credentials" in said, said
        assert "wrong-token" not in str(adapter.messages)
