"""``replaydbg shadow`` against a real dev server holding recorded executions.

The server holds 160 completed runs of the greeting workflow as first written (today's
examples/greeting/workflows.py sends an SMS instead of the email: each of them diverges at
the same line), 40 runs of today's code (they replay), and one StuckOrder run whose workflow
task fails (a KeyError) for ever. Shadowing runs locally, and on the server itself through two
``shadow-worker`` processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from replaydbg.testing import DevServer
from tests.replay.conftest import marker_lines
from tests.support.greeting_server import record_greetings, serving
from tests.support.stuck_server import get_stuck

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OLD, NEW = 160, 40  # runs recorded by the original code, and by today's
GREETINGS = OLD + NEW


async def _record(address: str) -> None:
    await record_greetings(address, old=OLD, new=NEW, prefix="greeting-")
    await get_stuck(address, "stuck-order-1")


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    with serving(_record) as dev:
        yield dev


def shadow(server: DevServer | None, *args: str, cwd: Path = EXAMPLES,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    address = ["--address", server.address] if server else []
    env = {**os.environ, "TEMPORAL_CONFIG_FILE": os.devnull}
    return subprocess.run([sys.executable, "-m", "replaydbg", "shadow", "--no-progress",
                           "--no-config", *address, *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def test_every_run_the_edit_breaks_is_one_group_at_the_line(server: DevServer,
                                                           tmp_path: Path) -> None:
    junit, sarif = tmp_path / "shadow.xml", tmp_path / "shadow.sarif"
    run = shadow(server, "--workflow-type", "GreetingWorkflow", "-W", "greeting.workflows",
                 "--jobs", "2", "--cache-dir", str(tmp_path / "cache"),
                 "--junit-xml", str(junit), "--sarif", str(sarif))
    assert run.returncode == 1, run.stderr
    line = marker_lines(EXAMPLES / "greeting" / "workflows.py")["divergence"]
    lines = run.stdout.splitlines()
    assert lines[0] == (f"shadowed {GREETINGS} histories: {NEW} ok, {OLD} nondeterministic, "
                        "0 failed, 0 unusable")
    assert f"NONDETERMINISM  {OLD} histories at greeting/workflows.py:{line} (run)" in lines
    assert any("is ActivityTaskScheduled(send_email) but the code" in x and "send_sms" in x
               for x in lines)
    assert sum(1 for x in lines if x.startswith(("NONDETERMINISM", "FAILED"))) == 1
    cases = ET.parse(junit).getroot().findall("./testsuite/testcase")
    assert len(cases) == GREETINGS
    failing = {n for n, _ in _runs([c for c in cases if c.find("failure") is not None])}
    assert failing == set(range(OLD))
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] \
        == [("RDB901", "greeting/workflows.py", line)]
    assert results[0]["message"]["text"].startswith(
        f"breaks {OLD} of {GREETINGS} shadowed histories")


def _runs(cases: list[ET.Element]) -> list[tuple[int, str]]:
    found = []
    for case in cases:
        name = case.get("name") or ""
        workflow, run = name.split(" run ")
        found.append((int(workflow.rsplit("-", 1)[1]), run))
    return found


def test_the_code_they_were_recorded_with_replays_them_and_a_rerun_fetches_nothing(
        server: DevServer, tmp_path: Path) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = shadow(server, "-t", "GreetingWorkflow", "-W", "greeting.original_workflows",
                   "--jobs", "1", *cache)
    assert first.returncode == 1, first.stdout + first.stderr
    assert first.stdout.splitlines()[:2] == [
        f"shadowed {GREETINGS} histories: {OLD} ok, {NEW} nondeterministic, 0 failed, "
        "0 unusable", f"  fetched {GREETINGS} histories, 0 from the cache"]
    again = shadow(server, "-t", "GreetingWorkflow", "-W", "greeting.original_workflows",
                   "--json", *cache)
    summary = json.loads(again.stdout)["summary"]
    assert (summary["ok"], summary["fetched"], summary["cached"]) == (OLD, 0, GREETINGS)


def test_a_stuck_run_is_a_task_failure_at_the_raising_line(server: DevServer) -> None:
    run = shadow(server, "--status", "running", "-W", "incidents.workflows", "--json",
                 "--no-cache")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["summary"]["histories"] == 1 and report["summary"]["failed"] == 1
    group = report["groups"][0]
    lookup = marker_lines(EXAMPLES / "incidents" / "workflows.py")["lookup"]
    assert (group["status"], group["kind"], group["line"], group["function"]) == (
        "failed", "KeyError", lookup, "_price_of")
    assert group["examples"][0]["workflowId"] == "stuck-order-1"


def test_sampling_is_stable_and_bounded(server: DevServer) -> None:
    def sampled() -> list[str]:
        run = shadow(server, "-t", "GreetingWorkflow", "-W", "greeting.original_workflows",
                     "--sample-rate", "0.5", "--max", "5", "--no-cache", "--junit-xml",
                     "/dev/stdout", "--json")
        assert run.returncode in (0, 1), run.stderr
        return sorted(re.findall(r'<testcase [^>]*name="(workflow [^"]+)"', run.stdout))

    first = sampled()
    assert 1 <= len(first) <= 5
    assert sampled() == first


def test_a_query_that_matches_nothing_or_is_invalid_is_an_input_error(server: DevServer) -> None:
    none = shadow(server, "--query", "WorkflowType = 'NoSuchWorkflow'", "-W",
                  "greeting.workflows")
    assert none.returncode == 2
    assert "no execution matches \"(WorkflowType = 'NoSuchWorkflow')\"" in none.stderr
    bad = shadow(server, "--query", "WorkflowType = = 'x'", "-W", "greeting.workflows")
    assert bad.returncode == 2
    assert "the server refused the visibility query" in bad.stderr
    assert "Traceback" not in none.stderr + bad.stderr


def test_an_unreachable_server_is_named() -> None:
    run = shadow(None, "--address", "127.0.0.1:1", "--connect-timeout", "2", "-t",
                 "GreetingWorkflow", "-W", "greeting.workflows")
    assert run.returncode != 0 and run.returncode != 1
    assert "127.0.0.1:1" in run.stderr and "Traceback" not in run.stderr


def test_on_temporal_two_shadow_workers_share_the_run_and_make_the_same_report(
        server: DevServer, tmp_path: Path) -> None:
    queue = f"shadow-{uuid.uuid4()}"
    env = {**os.environ, "TEMPORAL_CONFIG_FILE": os.devnull}
    workers = [subprocess.Popen(
        [sys.executable, "-m", "replaydbg", "shadow-worker", "--no-config", "--address",
         server.address, "--task-queue", queue, "-W", "greeting.workflows", "--cache-dir",
         str(tmp_path / f"cache-{n}")], cwd=EXAMPLES, env=env, stderr=subprocess.PIPE,
        text=True) for n in range(2)]
    try:
        run = shadow(server, "--on-temporal", "--task-queue", queue, "-t", "GreetingWorkflow",
                     "--batch-size", "10", "--json", timeout=300)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        ends = [worker.communicate(timeout=60) for worker in workers]
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert {k: report["summary"][k] for k in ("histories", "ok", "nondeterminism", "failed")} \
        == {"histories": GREETINGS, "ok": NEW, "nondeterminism": OLD, "failed": 0}
    line = marker_lines(EXAMPLES / "greeting" / "workflows.py")["divergence"]
    [group] = report["groups"]
    assert (group["count"], Path(group["path"]).name, group["line"]) == (OLD, "workflows.py",
                                                                         line)
    # Both workers replayed batches; each stopped cleanly on SIGTERM.
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in ends]
    assert all("Traceback" not in err for _, err in ends)
    started = re.search(r"started workflow (\S+)", run.stderr)
    assert started, run.stderr
    assert len(asyncio.run(_batch_workers(server.address, started.group(1)))) == 2


async def _batch_workers(address: str, workflow_id: str) -> set[str]:
    """The identities of the workers that started the run's replaying activities."""
    client = await Client.connect(address)
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    scheduled = {e.event_id: e.activity_task_scheduled_event_attributes.activity_type.name
                 for e in history.events if e.HasField("activity_task_scheduled_event_attributes")}
    return {e.activity_task_started_event_attributes.identity for e in history.events
            if e.HasField("activity_task_started_event_attributes")
            and scheduled[e.activity_task_started_event_attributes.scheduled_event_id]
            == "replaydbg.shadow.replay_batch"}
