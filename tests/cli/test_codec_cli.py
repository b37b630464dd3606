"""Decoded payloads end to end: the CLI in a subprocess, a real codec server process, and a
history recorded from a dev server with the zlib codec (``tests/history/data``)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from replaydbg.history import load_history
from replaydbg.testing.devserver import free_port
from tests.cli.conftest import ROOT, Result, run_cli
from tests.replay.conftest import marker_lines
from tests.support.codec_server import CodecServer

HISTORY = "tests/history/data/codec_history.json"
TOKEN = "Bearer s3cret-codec-token-42"
ORIGINAL = "tests/history/codec/workflows.py"
CHANGED = "tests/history/codec/changed_amount.py"


@pytest.fixture(scope="module")
def codec() -> Iterator[CodecServer]:
    with CodecServer(TOKEN.removeprefix("Bearer ")) as server:
        yield server


def show(*args: str, env: dict[str, str] | None = None) -> Result:
    return run_cli("history", "show", HISTORY, *args, env=env)


def _row(out: str, event_id: int) -> str:
    return next(line for line in out.splitlines() if line.split()[:1] == [str(event_id)])


def test_show_decodes_through_the_codec_endpoint(codec: CodecServer) -> None:
    result = show("--codec-endpoint", codec.endpoint, "--codec-auth", TOKEN)
    assert result.code == 0, result.err
    assert _row(result.out, 1).endswith('input=["order-7"]')
    assert _row(result.out, 3).endswith('input=["leave at the door", 2]')
    assert _row(result.out, 6).endswith('charge id=1 input=["a", 3]')
    assert 'details=[{"card": "4242", "reason": "expired"}]' in _row(result.out, 14)
    result_text = _row(result.out, 18).split("result=")[1]  # cut to 60 characters
    assert result_text.startswith('[{"notes": ["2:leave at the door"]') and len(result_text) == 60
    assert result_text.endswith("…")
    assert "cannot decode" not in result.out


def test_without_a_codec_payloads_say_what_would_decode_them() -> None:
    result = show()
    assert result.code == 0, result.err
    assert _row(result.out, 6).endswith(
        "input=[<binary/zlib: cannot decode>, <binary/zlib: cannot decode>]")
    assert "--data-converter MODULE:ATTR" in result.out and "--codec-endpoint URL" in result.out
    assert "Traceback" not in result.err


def test_the_users_data_converter_decodes_without_a_server() -> None:
    result = show("--data-converter", "tests.support.zlib_codec:data_converter")
    assert result.code == 0, result.err
    assert _row(result.out, 6).endswith('input=["a", 3]')


def test_json_adds_the_decoded_values_to_each_event(codec: CodecServer, tmp_path: Path) -> None:
    result = show("--json", "--codec-endpoint", codec.endpoint,
                  env={"TEMPORAL_CODEC_AUTH": TOKEN})
    assert result.code == 0, result.err
    events = json.loads(result.out)["events"]
    assert events[5]["decoded"] == {"input": ["a", 3]}
    assert events[7]["decoded"] == {"result": [{"customer": "a", "charged": 3}]}
    assert events[13]["decoded"] == {
        "failure.applicationFailureInfo.details": [{"card": "4242", "reason": "expired"}]}
    assert "decoded" not in events[1]  # WorkflowTaskScheduled carries no payloads
    # Still a history: the SDK's loader and ours ignore the extra key.
    saved = tmp_path / "shown.json"
    saved.write_text(result.out)
    assert len(load_history(saved).events) == 18
    assert len(WorkflowHistory.from_json("codec-order-7", result.out).events) == 18


def test_json_names_the_encoding_and_the_fix_for_undecodable_payloads() -> None:
    result = show("--json")
    assert result.code == 0, result.err
    [value] = json.loads(result.out)["events"][0]["decoded"]["input"]
    assert value.startswith("<binary/zlib: cannot decode — pass the data converter")


def test_profile_codec_section_with_namespace_template(tmp_path: Path) -> None:
    with CodecServer(TOKEN.removeprefix("Bearer ")) as server:
        config = tmp_path / "temporal.toml"
        config.write_text(
            '[profile.prod]\nnamespace = "orders"\n'
            f'[profile.prod.codec]\nendpoint = "{server.endpoint}/{{namespace}}"\n'
            f'auth = "{TOKEN}"\n')
        result = show("--profile", "prod", "--config-file", str(config))
        requests = server.requests()
    assert result.code == 0, result.err
    assert _row(result.out, 6).endswith('input=["a", 3]')
    # One batched request for the history's 9 payloads, for the profile's namespace.
    assert requests == ["decode orders 9"]


def test_refused_credentials_exit_2_without_the_token(codec: CodecServer) -> None:
    result = show("--codec-endpoint", codec.endpoint, "--codec-auth", "Bearer wrong-token-77")
    assert result.code == 2
    assert f"the codec server at {codec.endpoint} refused the credentials (HTTP 401)" in result.err
    assert "--codec-auth" in result.err
    assert "wrong-token-77" not in result.out + result.err
    assert "Traceback" not in result.err


def test_profile_token_never_shows_when_refused(codec: CodecServer, tmp_path: Path) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text(f'[profile.default.codec]\nendpoint = "{codec.endpoint}"\n'
                      'auth = "Bearer profile-secret-99"\n')
    result = show("--config-file", str(config))
    assert result.code == 2 and "refused the credentials" in result.err
    assert "profile-secret-99" not in result.out + result.err


def test_server_down_names_the_endpoint() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = show("--codec-endpoint", endpoint)
    assert result.code == 2
    assert f"cannot connect to the codec server at {endpoint}: connection refused" in result.err
    assert "start the codec server" in result.err


def test_a_server_that_never_answers_times_out() -> None:
    with CodecServer("t", mode="silent") as server:
        started = time.monotonic()
        result = show("--codec-endpoint", server.endpoint, "--codec-timeout", "0.5")
        elapsed = time.monotonic() - started
    assert result.code == 2
    assert f"the codec server at {server.endpoint} did not answer POST /decode within 0.5 s" \
        in result.err
    assert "--codec-timeout" in result.err
    assert elapsed < 20


@pytest.mark.parametrize(("mode", "problem"), [
    ("wrong-shape", "answered POST /decode with a JSON document without a 'payloads' list"),
    ("not-json", "answered POST /decode with something that is not JSON"),
])
def test_wrong_answers_are_named(mode: str, problem: str) -> None:
    with CodecServer("t", mode=mode) as server:
        result = show("--codec-endpoint", server.endpoint, "--codec-auth", "Bearer t")
    assert result.code == 2
    assert f"the codec server at {server.endpoint} {problem}" in result.err
    assert "Traceback" not in result.err


def test_an_endpoint_that_is_not_a_url() -> None:
    result = show("--codec-endpoint", "codec.example.com")
    assert result.code == 2
    assert "codec endpoint 'codec.example.com' is not an http(s) URL" in result.err


def test_replay_shows_changed_arguments_decoded(codec: CodecServer) -> None:
    result = run_cli("replay", HISTORY, "-q", "--workflow", CHANGED,
                     "--codec-endpoint", codec.endpoint, "--codec-auth", TOKEN)
    assert result.code == 0, result.out + result.err
    line = marker_lines(ROOT / CHANGED)["charge"]
    assert ("event 6 ActivityTaskScheduled: arguments of activity charge differ from the "
            'recorded input: recorded ["a", 3], now ["a", 4] '
            f"(issued at {CHANGED}:{line} (run))") in result.out
    assert result.out.count("warning:") == 1


def test_replay_of_the_original_code_has_no_difference(codec: CodecServer) -> None:
    result = run_cli("replay", HISTORY, "-q", "--workflow", ORIGINAL,
                     "--codec-endpoint", codec.endpoint, "--codec-auth", TOKEN)
    assert result.code == 0, result.out + result.err
    assert "OK  " in result.out and "warning" not in result.out


def test_replay_compares_through_the_users_codec_too() -> None:
    result = run_cli("replay", HISTORY, "-q", "--workflow", CHANGED,
                     "--data-converter", "tests.support.zlib_codec:data_converter")
    assert result.code == 0, result.out + result.err
    assert 'recorded ["a", 3], now ["a", 4]' in result.out


def test_replay_with_refused_credentials_is_unusable(codec: CodecServer) -> None:
    result = run_cli("replay", HISTORY, "--workflow", ORIGINAL,
                     "--codec-endpoint", codec.endpoint, "--codec-auth", "Bearer nope-31337")
    assert result.code == 2
    assert "UNUSABLE" in result.out and "refused the credentials" in result.out
    assert "nope-31337" not in result.out + result.err


def test_the_secure_examples_codec_server_decodes_its_history() -> None:
    """Another codec server implementation (the bundled example's, AES-GCM), same protocol."""
    server = subprocess.Popen(
        [sys.executable, "examples/secure/codec_server.py", "--port", "0", "--auth", "T0K"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        endpoint = server.stdout.readline().strip().removeprefix("listening on ")
        result = run_cli("history", "show", "examples/secure/history.json",
                         "--codec-endpoint", endpoint, env={"TEMPORAL_CODEC_AUTH": "Bearer T0K"})
    finally:
        server.terminate()
        server.communicate(timeout=10)
    assert result.code == 0, result.err
    assert _row(result.out, 5).endswith('compute_payslip id=1 input=["E-1024", "2026-05"]')
    assert "cannot decode" not in result.out


def test_replay_with_the_codec_server_down_names_it() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = run_cli("replay", HISTORY, "--workflow", ORIGINAL, "--codec-endpoint", endpoint)
    assert result.code == 2
    assert f"cannot connect to the codec server at {endpoint}" in result.out
    assert "Traceback" not in result.out + result.err


def test_the_codec_class_alone_decodes_and_replays() -> None:
    """What a worker's main passes as ``payload_codec=ZlibCodec()`` is enough to name."""
    shown = show("--data-converter", "tests.support.zlib_codec:ZlibCodec")
    assert shown.code == 0, shown.err
    assert _row(shown.out, 6).endswith('input=["a", 3]')
    replayed = run_cli("replay", HISTORY, "-q", "--workflow", CHANGED,
                       "--data-converter", "tests.support.zlib_codec:ZlibCodec")
    assert replayed.code == 0, replayed.out + replayed.err
    assert 'recorded ["a", 3], now ["a", 4]' in replayed.out
