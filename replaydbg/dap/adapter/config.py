"""The ``launch`` arguments of a replay session: one typed structure, validated once.

The editor client's package.json schema mirrors :data:`ATTRIBUTES`; a test keeps the two
identical. Every problem names the attribute and the fix, and becomes a DAP error response.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from replaydbg.errors import InputError
from replaydbg.history.codec_config import CodecOptions
from replaydbg.project.pyproject import load_project
from replaydbg.project.specs import SetupSpecs

logger = logging.getLogger(__name__)

#: Attribute -> (accepted JSON types, description). Keys every DAP client adds are allowed too.
ATTRIBUTES: dict[str, tuple[tuple[type, ...], str]] = {
    "historyFile": ((str,), "path of a history file (JSON, binary or gzip)"),
    "workflowId": ((str,), "workflow id to fetch from a Temporal server"),
    "runId": ((str,), "run id of that workflow (default: latest run)"),
    "namespace": ((str,), "Temporal namespace"),
    "address": ((str,), "Temporal server host:port"),
    "apiKey": ((str,), "API key for the server (prefer TEMPORAL_API_KEY)"),
    "tls": ((bool,), "connect with TLS"),
    "tlsCaFile": ((str,), "CA certificate to trust (PEM)"),
    "tlsCertFile": ((str,), "client certificate for mTLS (PEM)"),
    "tlsKeyFile": ((str,), "client private key for mTLS (PEM)"),
    "tlsServerName": ((str,), "server name to verify the certificate against"),
    "profile": ((str,), "profile of the temporal environment configuration"),
    "workflow": ((str,), "package.module:Class of the workflow (default: discovered)"),
    "python": ((str, list), "the interpreter to replay with (default: the adapter's)"),
    "cwd": ((str,), "working directory of the replay"),
    "env": ((dict,), "extra environment variables"),
    "justMyCode": ((bool,), "only stop in your own code (default true)"),
    "sandbox": ((bool,), "run the workflow in the Temporal sandbox (default true)"),
    "deadlockTimeout": ((int, float), "seconds a workflow task may run without yielding "
                        "before the replay stops it as a deadlock (default 5; 0: never)"),
    "stopOnEntry": ((bool,), "stop at the first history event"),
    "dataConverter": ((str,), "package.module:attribute of your DataConverter"),
    "plugins": ((list,), "package.module:attribute of each worker plugin"),
    "interceptors": ((list,), "package.module:attribute of each worker interceptor"),
    "workflowFailureExceptionTypes": (
        (list,), "package.module:Class of each exception that fails the workflow"),
    "passthroughModules": ((list,), "modules the worker's sandbox passes through"),
    "codecEndpoint": ((str,), "codec server to decode payloads with (default: the profile's "
                      "codec.endpoint or TEMPORAL_CODEC_ENDPOINT)"),
    "codecAuth": ((str,), "Authorization header value for the codec server (prefer "
                  "TEMPORAL_CODEC_AUTH or the profile's codec.auth)"),
}
#: Attributes that are arrays of strings, and what each string is.
_STRING_ARRAYS = {"plugins": "package.module:attribute", "interceptors": "package.module:attribute",
                  "workflowFailureExceptionTypes": "package.module:Class",
                  "passthroughModules": "module name"}
_JSON_NAMES = {str: "string", bool: "boolean", list: "array", dict: "object", int: "number",
               float: "number"}
_CLIENT_KEYS = {"type", "request", "name", "__sessionId", "__configurationTarget",
                "preLaunchTask", "postDebugTask", "presentation", "internalConsoleOptions",
                "debugServer", "noDebug", "__restart", "console"}


@dataclass(frozen=True)
class LaunchConfig:
    """A validated launch request, with the project's ``[tool.replaydbg]`` settings merged in.

    The setup lists of the launch add to the project's; its scalars replace them.
    """

    history_file: str | None = None
    workflow_id: str | None = None
    run_id: str | None = None
    namespace: str | None = None
    address: str | None = None
    api_key: str | None = field(default=None, repr=False)
    tls: bool | None = None
    tls_ca_file: str | None = None
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    tls_server_name: str | None = None
    profile: str | None = None
    workflow: str | None = None
    python: tuple[str, ...] = (sys.executable,)
    cwd: str = field(default_factory=os.getcwd)
    env: Mapping[str, str] = field(default_factory=dict)
    just_my_code: bool = True
    deadlock_timeout: float = 5.0
    stop_on_entry: bool = False
    codec_endpoint: str | None = None
    codec_auth: str | None = field(default=None, repr=False)
    #: The worker setup: the launch's plugins, converter, sandbox... and the project's.
    setup: SetupSpecs = SetupSpecs()
    #: Workflow specs of the project, used when the launch names no ``workflow``.
    project_workflows: tuple[str, ...] = ()

    @property
    def custom_payloads(self) -> bool:
        """Whether only the debuggee can decode payloads (a converter, a codec server)."""
        return self.setup.custom_payloads or bool(self.codec_endpoint or self.profile
                                                  or os.environ.get("TEMPORAL_CODEC_ENDPOINT"))

    @property
    def codec(self) -> CodecOptions:
        """The codec server options of this launch (the profile's are read where it runs)."""
        return CodecOptions(endpoint=self.codec_endpoint, auth=self.codec_auth,
                            namespace=self.namespace, profile=self.profile)

    @property
    def sandbox(self) -> bool:
        """Whether the workflow runs in the Temporal sandbox."""
        return self.setup.sandbox

    @property
    def workflows(self) -> list[str]:
        """The workflow specs to find the history's workflow in (empty: scan the cwd)."""
        return [self.workflow] if self.workflow else list(self.project_workflows)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def parse_launch(arguments: Mapping[str, Any]) -> LaunchConfig:
    """Validate ``launch`` arguments; an InputError names the attribute and the fix."""
    values: dict[str, Any] = {}
    for key, value in arguments.items():
        if key in _CLIENT_KEYS:
            continue
        if key not in ATTRIBUTES:
            known = ", ".join(sorted(ATTRIBUTES))
            raise InputError(f"unknown launch attribute {key!r}", hint=f"known: {known}")
        types, what = ATTRIBUTES[key]
        if value is None:
            continue
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            kinds = " or ".join(_JSON_NAMES[t] for t in types)
            article = "an" if kinds.startswith(("a", "o")) else "a"
            raise InputError(f"launch attribute {key!r} must be {article} {kinds} ({what}), "
                             f"not {json_type(value)}")
        if key in _STRING_ARRAYS:
            _check_strings(key, value)
        values[_snake(key)] = value
    sandbox = values.pop("sandbox", None)
    return _with_project(_finish(values), sandbox)


def _check_strings(key: str, value: Any) -> None:
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"launch attribute {key!r} must be an array of non-empty strings "
                         f"({ATTRIBUTES[key][1]})",
                         hint=f'write it as "{key}": ["{_STRING_ARRAYS[key]}", ...]')


def json_type(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}.get(type(value), "null")


def _finish(values: dict[str, Any]) -> LaunchConfig:
    if bool(values.get("history_file")) == bool(values.get("workflow_id")):
        raise InputError("launch needs exactly one of 'historyFile' and 'workflowId'",
                         hint="set historyFile to a saved history, or workflowId to fetch one")
    python = values.get("python")
    if isinstance(python, str):
        values["python"] = (python,)
    elif isinstance(python, list):
        if not python or not all(isinstance(p, str) for p in python):
            raise InputError("launch attribute 'python' must be a path or a non-empty array "
                             "of strings (interpreter and its arguments)")
        values["python"] = tuple(python)
    env = values.get("env")
    if env is not None and not all(isinstance(v, str) for v in env.values()):
        raise InputError("launch attribute 'env' must map names to strings")
    deadlock = values.get("deadlock_timeout")
    if deadlock is not None and not 0 <= deadlock < float("inf"):
        raise InputError("launch attribute 'deadlockTimeout' must be a number of seconds, 0 or "
                         "more (0: never stop a task that does not yield)")
    cwd = values.get("cwd")
    if cwd is not None and not os.path.isdir(cwd):
        raise InputError(f"launch attribute 'cwd' is not a directory: {cwd}")
    history = values.get("history_file")
    if history is not None:
        values["history_file"] = os.path.join(values.get("cwd") or os.getcwd(),
                                              os.path.expanduser(history))
    given = SetupSpecs(tuple(values.pop("plugins", ())), tuple(values.pop("interceptors", ())),
                       values.pop("data_converter", None),
                       tuple(values.pop("workflow_failure_exception_types", ())),
                       tuple(values.pop("passthrough_modules", ())))
    values["setup"] = given
    return LaunchConfig(**values)


def _with_project(config: LaunchConfig, sandbox: bool | None) -> LaunchConfig:
    """``config`` with the settings of the pyproject.toml around its ``cwd`` merged in."""
    project = load_project(config.cwd)
    logger.info("project configuration: %s", project.path or "none above " + config.cwd)
    if project.path is None:
        return replace(config, setup=replace(config.setup, sandbox=sandbox is not False))
    return replace(config, setup=project.merged_setup(config.setup, sandbox=sandbox),
                   project_workflows=project.workflows,
                   profile=config.profile or project.profile)


#: The CLI's options that messages shared with the CLI name, and their launch attributes.
_OPTION_ATTRIBUTES = {
    "--workflow-id": "workflowId", "--run-id": "runId", "--workflow": "workflow",
    "--namespace": "namespace", "--address": "address", "--api-key": "apiKey",
    "--tls-ca": "tlsCaFile", "--tls-cert": "tlsCertFile", "--tls-key": "tlsKeyFile",
    "--tls-server-name": "tlsServerName", "--tls": "tls", "--no-tls": "tls",
    "--profile": "profile", "--data-converter": "dataConverter", "--no-sandbox": "sandbox",
    "--plugin": "plugins", "--interceptor": "interceptors",
    "--failure-type": "workflowFailureExceptionTypes", "--passthrough": "passthroughModules",
    "--deadlock-timeout": "deadlockTimeout", "--codec-endpoint": "codecEndpoint",
    "--codec-auth": "codecAuth",
}
#: An option, and the value after it unless the next word is a conjunction.
_OPTION = re.compile(
    "(" + "|".join(re.escape(o) for o in sorted(_OPTION_ATTRIBUTES, key=len, reverse=True))
    + r")(?![\w-])( (?!(?:or|and|to|for)\b)[^\s,;()]+)?")


def in_launch_terms(message: str) -> str:
    """A message shared with the CLI, with its options named as launch attributes.

    ``choose one with --workflow package.module:Class`` means, in an editor, the launch
    attribute ``"workflow"``. Commands quoted in backticks (``temporal workflow show
    --workflow-id ID``) are left as they are: they are meant for a terminal.
    """
    parts = message.split("`")
    for index in range(0, len(parts), 2):  # outside backticks only
        parts[index] = _OPTION.sub(_attribute, parts[index])
    return "`".join(parts)


def _attribute(match: re.Match[str]) -> str:
    attribute = _OPTION_ATTRIBUTES[match.group(1)]
    name = f'the launch attribute "{attribute}"'
    if match.group(1) in ("--no-tls", "--no-sandbox"):
        return f"{name}: false{match.group(2) or ''}"
    if match.group(2) and attribute in _STRING_ARRAYS:  # --plugin X: "plugins": ["X"]
        return f'{name}: ["{match.group(2).strip()}"]'
    return f"{name}:{match.group(2)}" if match.group(2) else name
