"""The secure example's histories need its plugin (or the pydantic converter) to replay.

`examples/secure/history.json` was recorded by a worker with `secure.plugin.plugin`: every
payload is encrypted, and the workflow reads a header that only the plugin's interceptor
turns into `context.requested_by`, through a module only the plugin passes through the
sandbox. Each piece missing makes the SDK's replayer fail in its own way.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECURE = EXAMPLES / "secure"


@pytest.fixture(autouse=True)
def _examples_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox re-imports workflow modules by name.
    monkeypatch.syspath_prepend(str(EXAMPLES))


@pytest.fixture
def secure_plugin() -> ModuleType:
    import secure.plugin

    return secure.plugin


def history(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(name, json.loads((SECURE / name).read_text()))


def replay_failure(name: str, **config: Any) -> str | None:
    """The replayer's failure as text, or None when the history replays."""
    result = asyncio.run(Replayer(**config).replay_workflow(
        history(name), raise_on_replay_failure=False,
    ))
    return None if result.replay_failure is None else str(result.replay_failure)


def payloads(node: object) -> Iterator[dict[str, Any]]:
    """Every payload in a JSON history (anything with `metadata.encoding`)."""
    if isinstance(node, dict):
        if "encoding" in node.get("metadata", {}):
            yield node
        for value in node.values():
            yield from payloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from payloads(value)


def encoding(payload: dict[str, Any]) -> str:
    return base64.b64decode(payload["metadata"]["encoding"]).decode()


def test_every_payload_but_the_header_is_encrypted() -> None:
    events = json.loads((SECURE / "history.json").read_text())["events"]
    header = events[0]["workflowExecutionStartedEventAttributes"]["header"]["fields"]
    assert encoding(header["requested-by"]) == "json/plain"
    found = [encoding(p) for p in payloads(events) if p is not header["requested-by"]]
    assert len(found) >= 8
    assert set(found) == {"binary/encrypted"}


def test_replays_with_the_plugin(secure_plugin: ModuleType) -> None:
    from secure.workflows import PayrollWorkflow

    for plugin in (secure_plugin.plugin, secure_plugin.make_plugin()):
        assert replay_failure("history.json", workflows=[PayrollWorkflow], plugins=[plugin]) is None


def test_replays_with_the_pieces_given_one_by_one(secure_plugin: ModuleType) -> None:
    from secure.workflows import PayrollWorkflow

    assert replay_failure(
        "history.json", workflows=[PayrollWorkflow],
        data_converter=secure_plugin.data_converter, interceptors=[secure_plugin.interceptor],
        workflow_runner=secure_plugin.with_passthrough(None),
    ) is None


def test_without_the_plugin_the_payloads_are_unreadable() -> None:
    from secure.workflows import PayrollWorkflow

    failure = replay_failure("history.json", workflows=[PayrollWorkflow])
    assert failure is not None
    assert "Failed decoding arguments" in failure
    assert "Unknown payload encoding binary/encrypted" in failure


@pytest.mark.parametrize("pieces", [(), ("interceptors",), ("workflow_runner",)])
def test_with_the_codec_alone_the_workflow_goes_another_way(
    secure_plugin: ModuleType, pieces: tuple[str, ...],
) -> None:
    from secure.workflows import PayrollWorkflow

    given = {
        "interceptors": [secure_plugin.interceptor],
        "workflow_runner": secure_plugin.with_passthrough(None),
    }
    failure = replay_failure(
        "history.json", workflows=[PayrollWorkflow], data_converter=secure_plugin.data_converter,
        **{piece: given[piece] for piece in pieces},
    )
    assert failure is not None
    assert "[TMPRL1100] Nondeterminism error: Fail workflow machine does not handle this event: " \
           "HistoryEvent(id: 5, ActivityTaskScheduled)" in failure


# The default converter reads pydantic models through their deprecated v1 methods.
@pytest.mark.filterwarnings("ignore::pydantic.PydanticDeprecatedSince20")
def test_pydantic_history_needs_the_pydantic_converter() -> None:
    from secure.pydantic_workflows import InvoiceWorkflow
    from temporalio.contrib.pydantic import pydantic_data_converter

    name, workflows = "history_pydantic.json", [InvoiceWorkflow]
    assert replay_failure(name, workflows=workflows, data_converter=pydantic_data_converter) is None
    with pytest.warns(UserWarning, match="pydantic_data_converter"):
        failure = replay_failure(name, workflows=workflows)
    assert failure is not None
    assert "Object of type date is not JSON serializable" in failure
