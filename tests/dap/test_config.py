from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.dap.config import ATTRIBUTES, in_launch_terms, parse_launch
from replaydbg.errors import InputError


def test_defaults_and_client_keys(tmp_path: Path) -> None:
    config = parse_launch({"type": "temporal-replay", "request": "launch", "name": "x",
                           "historyFile": "h.json", "cwd": str(tmp_path)})
    assert config.history_file == str(tmp_path / "h.json")
    assert config.just_my_code and config.sandbox and not config.stop_on_entry


def test_every_attribute_is_accepted(tmp_path: Path) -> None:
    sample = {str: "x", bool: True, list: ["python3", "-X", "dev"], dict: {"A": "b"}, int: 2}
    arguments = {key: sample[types[0]] for key, (types, _) in ATTRIBUTES.items()}
    arguments.update(historyFile="h.json", cwd=str(tmp_path))
    del arguments["workflowId"]
    config = parse_launch(arguments)
    assert config.python == ("x",) and config.env == {"A": "b"}


@pytest.mark.parametrize("arguments, message", [
    ({"historyFile": "h", "stopOnEntri": True}, "unknown launch attribute 'stopOnEntri'"),
    ({"historyFile": 3}, "'historyFile' must be a string"),
    ({"historyFile": "h", "justMyCode": "yes"}, "'justMyCode' must be a boolean"),
    ({"historyFile": "h", "deadlockTimeout": -1}, "'deadlockTimeout' must be a number of seconds"),
    ({"historyFile": "h", "deadlockTimeout": True}, "'deadlockTimeout' must be a number"),
    ({"historyFile": "h", "python": []}, "'python' must be a path or a non-empty array"),
    ({"historyFile": "h", "env": {"A": 1}}, "'env' must map names to strings"),
    ({"historyFile": "h", "cwd": "/no/such/dir"}, "'cwd' is not a directory"),
    ({}, "exactly one of 'historyFile' and 'workflowId'"),
    ({"historyFile": "h", "workflowId": "w"}, "exactly one of"),
])
def test_bad_attributes_name_the_attribute(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_launch(arguments)


@pytest.mark.parametrize("message, expected", [
    ("choose one with --workflow package.module:Class",
     'choose one with the launch attribute "workflow": package.module:Class'),
    ("point to yours with --address or TEMPORAL_ADDRESS",
     'point to yours with the launch attribute "address" or TEMPORAL_ADDRESS'),
    ("use --no-tls for a dev server", 'use the launch attribute "tls": false for a dev server'),
    ("pass --tls (and --tls-ca for a private CA)",
     'pass the launch attribute "tls" (and the launch attribute "tlsCaFile" for a private CA)'),
    ("give --tls-cert and --tls-key",
     'give the launch attribute "tlsCertFile" and the launch attribute "tlsKeyFile"'),
    # A command for a terminal keeps its options.
    ("save it with `temporal workflow show --workflow-id ID --output json`",
     "save it with `temporal workflow show --workflow-id ID --output json`"),
])
def test_cli_options_in_messages_become_launch_attributes(message: str, expected: str) -> None:
    assert in_launch_terms(message) == expected
