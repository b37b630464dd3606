"""The editor client's launch schema (package.json) and the adapter's ATTRIBUTES are one list.

VS Code validates launch.json against package.json and the adapter rejects what ATTRIBUTES
lacks, so a difference in names or JSON types is a launch.json that the editor accepts and
the adapter refuses (or the reverse).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from replaydbg.dap.adapter.config import ATTRIBUTES
from replaydbg.dap.adapter.eventbp import FILTERS

PACKAGE_JSON = Path(__file__).parents[2] / "editor-client" / "package.json"
_JSON_NAMES = {str: "string", bool: "boolean", list: "array", dict: "object", int: "number",
               float: "number"}


def _debugger() -> dict[str, Any]:
    manifest = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    debuggers = [d for d in manifest["contributes"]["debuggers"] if d["type"] == "temporal-replay"]
    assert len(debuggers) == 1, "package.json must contribute the temporal-replay debugger once"
    return dict(debuggers[0])


def _schema_types(schema: dict[str, Any]) -> set[str]:
    kinds = schema["type"]
    return {kinds} if isinstance(kinds, str) else set(kinds)


def test_launch_attribute_names_match() -> None:
    properties = _debugger()["configurationAttributes"]["launch"]["properties"]
    assert list(properties) == list(ATTRIBUTES)


@pytest.mark.parametrize("name", sorted(ATTRIBUTES))
def test_launch_attribute_types_match(name: str) -> None:
    properties = _debugger()["configurationAttributes"]["launch"]["properties"]
    expected = {_JSON_NAMES[t] for t in ATTRIBUTES[name][0]}
    assert _schema_types(properties[name]) == expected


def test_required_choice_matches_the_adapter() -> None:
    """The adapter wants exactly one of historyFile and workflowId; so does the schema."""
    launch = _debugger()["configurationAttributes"]["launch"]
    assert launch["oneOf"] == [{"required": ["historyFile"]}, {"required": ["workflowId"]}]


def test_snippets_and_initial_configuration_use_known_attributes() -> None:
    debugger = _debugger()
    bodies = [*debugger["initialConfigurations"],
              *(s["body"] for s in debugger["configurationSnippets"])]
    client_keys = {"type", "request", "name"}
    for body in bodies:
        assert set(body) - client_keys <= set(ATTRIBUTES), body
        assert ("historyFile" in body) != ("workflowId" in body), body


def test_filter_the_client_names_exists() -> None:
    """Without temporal/nextEvent the client points users at a filter, by its label."""
    commands = (PACKAGE_JSON.parent / "src" / "commands.ts").read_text(encoding="utf-8")
    labels = {f["label"] for f in FILTERS}
    named = "Temporal: every history event"
    assert named in commands and named in labels
