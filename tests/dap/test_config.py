from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.dap.adapter.config import ATTRIBUTES, in_launch_terms, parse_launch
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
    ({"historyFile": "h", "plugins": "a:b"}, "'plugins' must be an array"),
    ({"historyFile": "h", "passthroughModules": ["ok", 3]},
     "'passthroughModules' must be an array of non-empty strings"),
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
    ("give them: --plugin MODULE:ATTR or --passthrough MODULE (or pyproject.toml)",
     'give them: the launch attribute "plugins": ["MODULE:ATTR"] or the launch attribute '
     '"passthroughModules": ["MODULE"] (or pyproject.toml)'),
    ("cannot load the plugin a:b (--plugin): no module",
     'cannot load the plugin a:b (the launch attribute "plugins"): no module'),
    ("replay with --no-sandbox, or configure one",
     'replay with the launch attribute "sandbox": false, or configure one'),
    # A command for a terminal keeps its options.
    ("save it with `temporal workflow show --workflow-id ID --output json`",
     "save it with `temporal workflow show --workflow-id ID --output json`"),
])
def test_cli_options_in_messages_become_launch_attributes(message: str, expected: str) -> None:
    assert in_launch_terms(message) == expected


def test_the_cwds_project_config_is_merged_launch_lists_add_scalars_replace(
        tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.replaydbg]\nworkflows = ["app.flows:Order"]\nplugins = ["app.setup:plugin"]\n'
        'data_converter = "app.setup:converter"\nsandbox = false\nprofile = "staging"\n')
    config = parse_launch({"historyFile": "h.json", "cwd": str(tmp_path / "sub"),
                           "plugins": ["other.setup:plugin"], "dataConverter": "other:conv",
                           "passthroughModules": ["pydantic"]})
    setup = config.setup
    assert setup.plugins == ("app.setup:plugin", "other.setup:plugin")
    assert setup.data_converter == "other:conv" and setup.passthrough == ("pydantic",)
    assert not config.sandbox and setup.import_paths == (str(tmp_path),)
    assert config.workflows == ["app.flows:Order"] and config.profile == "staging"
    launch_wins = parse_launch({"historyFile": "h.json", "cwd": str(tmp_path), "sandbox": True,
                                "workflow": "mine:Flow", "profile": "prod"})
    assert launch_wins.sandbox and launch_wins.workflows == ["mine:Flow"]
    assert launch_wins.profile == "prod"


def test_a_bad_project_config_fails_the_launch_naming_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.replaydbg]\nplugins = "app.setup:plugin"\n')
    with pytest.raises(InputError, match=r"pyproject.toml: \[tool.replaydbg\] plugins must be"):
        parse_launch({"historyFile": "h.json", "cwd": str(tmp_path)})
