"""examples/secure/codec_server.py as a real process, fed payloads from the recorded history.

The payroll history (`examples/secure/history.json`) was written by a worker with the
secure plugin, so its payloads are AES-GCM encrypted; the codec server must read them, and
what it encodes must read back the same. The recording script also checks the server with
the Temporal CLI's `--codec-endpoint` against the live run.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HISTORY = EXAMPLES / "secure" / "history.json"
TOKEN = "s3cret-token"
ENCRYPTED = b"binary/encrypted"


@dataclass
class CodecServer:
    process: subprocess.Popen[str]
    url: str


def start(*args: str) -> CodecServer:
    process = subprocess.Popen(
        [*args, "--port", "0"], cwd=EXAMPLES, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), line + process.communicate()[1]
    return CodecServer(process, line.split()[-1])


def stop(server: CodecServer) -> str:
    """Stop the server; what it printed on stdout after the ready line."""
    server.process.terminate()
    out, _ = server.process.communicate(timeout=10)
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[CodecServer]:
    running = start(sys.executable, "-m", "secure.codec_server", "--auth", TOKEN)
    yield running
    assert stop(running) == "", "stdout carries only the ready line"


def post(url: str, body: bytes, token: str | None = TOKEN) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "X-Namespace": "default"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def started_input() -> dict[str, Any]:
    """The payroll's start arguments as recorded: `{"payloads": [...]}`, encrypted."""
    events = json.loads(HISTORY.read_text())["events"]
    payloads: dict[str, Any] = events[0]["workflowExecutionStartedEventAttributes"]["input"]
    return payloads


def meta(payload: dict[str, Any], key: str) -> bytes:
    return base64.b64decode(payload["metadata"][key])


def data(payload: dict[str, Any]) -> bytes:
    return base64.b64decode(payload.get("data", ""))


def test_decodes_the_recorded_payloads(server: CodecServer) -> None:
    recorded = started_input()
    assert {meta(p, "encoding") for p in recorded["payloads"]} == {ENCRYPTED}
    status, decoded = post(f"{server.url}/decode", json.dumps(recorded).encode())
    assert status == 200
    assert [meta(p, "encoding") for p in decoded["payloads"]] == [b"json/plain"] * 2
    assert [data(p) for p in decoded["payloads"]] == [b'"E-1024"', b'"2026-05"']


def test_encode_then_decode_round_trips(server: CodecServer) -> None:
    _, decoded = post(f"{server.url}/decode", json.dumps(started_input()).encode())
    status, encoded = post(f"{server.url}/encode", json.dumps(decoded).encode())
    assert status == 200
    assert {meta(p, "encoding") for p in encoded["payloads"]} == {ENCRYPTED}
    assert [data(p) for p in encoded["payloads"]] != [data(p) for p in started_input()["payloads"]]
    _, again = post(f"{server.url}/decode", json.dumps(encoded).encode())
    assert again == decoded


def test_only_the_last_path_part_counts(server: CodecServer) -> None:
    body = json.dumps(started_input()).encode()
    status, decoded = post(f"{server.url}/default/codec/decode", body)
    assert status == 200
    assert len(decoded["payloads"]) == 2


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_refuses_without_the_token(server: CodecServer, token: str | None) -> None:
    status, body = post(f"{server.url}/decode", json.dumps(started_input()).encode(), token)
    assert status == 401
    assert "bearer token" in body["error"]


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/decrypt", b"{}", 404, "/encode or /decode"),
        ("/decode", b"not json", 400, "not a Payloads JSON body"),
        ("/decode", b'{"payloads": [{"metadata": {"encoding": "YmluYXJ5L2VuY3J5cHRlZA=="},'
                    b' "data": "AAAA"}]}', 400, "cannot decode"),
    ],
)
def test_bad_requests_say_why(
    server: CodecServer, path: str, body: bytes, status: int, error: str,
) -> None:
    got_status, got = post(f"{server.url}{path}", body)
    assert (got_status, error in got["error"]) == (status, True), got


def test_runs_by_path_without_auth() -> None:
    running = start(sys.executable, str(EXAMPLES / "secure" / "codec_server.py"))
    try:
        status, decoded = post(f"{running.url}/decode", json.dumps(started_input()).encode(), None)
        assert status == 200
        assert data(decoded["payloads"][0]) == b'"E-1024"'
    finally:
        assert stop(running) == ""
