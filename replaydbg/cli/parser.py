"""Argument parsing for every sub-command; handlers are imported lazily to start fast."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from replaydbg import __version__


def lazy_handler(module: str, name: str) -> Any:
    """A handler that imports ``replaydbg.cli.<module>`` only when its command runs."""
    def run(args: argparse.Namespace) -> int:
        func = getattr(importlib.import_module(f"replaydbg.cli.{module}"), name)
        code: int = func(args)
        return code

    return run


def add_connection_options(parser: argparse.ArgumentParser, *, execution: bool = True) -> None:
    """Options to reach a Temporal server; unset ones fall back to the temporal env config.

    ``execution``: with ``--workflow-id`` and ``--run-id``, for commands about one execution.
    """
    group = parser.add_argument_group(
        "Temporal server",
        "Unset options come from the standard temporal environment configuration "
        "(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_PROFILE, "
        "temporal.toml).",
    )
    if execution:
        group.add_argument("--workflow-id", "-w", help="workflow id to fetch")
        group.add_argument("--run-id", "-r", help="run id (default: the latest run)")
    group.add_argument("--address", help="server host:port (default localhost:7233)")
    group.add_argument("--namespace", "-n", help="namespace (default 'default')")
    group.add_argument("--api-key", help="API key; prefer the TEMPORAL_API_KEY variable")
    group.add_argument("--tls", action="store_true", default=None, help="use TLS")
    group.add_argument("--no-tls", dest="tls", action="store_false", default=None,
                       help="no TLS, even where an API key or a profile would turn it on")
    group.add_argument("--tls-ca", metavar="FILE", help="CA certificate to trust (PEM)")
    group.add_argument("--tls-cert", metavar="FILE", help="client certificate for mTLS (PEM)")
    group.add_argument("--tls-key", metavar="FILE", help="client private key for mTLS (PEM)")
    group.add_argument("--tls-server-name", help="server name to verify the certificate against")
    group.add_argument("--profile", help="profile of the temporal environment config file")
    group.add_argument("--config-file", metavar="FILE", help="temporal.toml to read profiles from")
    group.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                       help="give up on an unreachable server after this long (default 10)")


def add_codec_options(parser: argparse.ArgumentParser, *, converters: bool = False) -> None:
    """Options to decode payloads through a remote codec server.

    With ``converters``, also the user's converter and plugins, for commands that do not
    take the worker setup options.
    """
    group = parser.add_argument_group(
        "payload decoding",
        "A codec server (the Temporal CLI's and Web UI's protocol) can also come from the "
        "temporal.toml profile ([profile.NAME.codec] endpoint/auth) or TEMPORAL_CODEC_ENDPOINT "
        "and TEMPORAL_CODEC_AUTH.",
    )
    if converters:
        group.add_argument("--data-converter", metavar="MODULE:ATTR",
                           help="your DataConverter, or the PayloadCodec or PayloadConverter "
                           "class it puts in the default one (or a function returning one)")
        group.add_argument("--plugin", action="append", default=[], metavar="MODULE:ATTR",
                           help="a worker plugin that sets the data converter (repeatable)")
    group.add_argument("--codec-endpoint", metavar="URL",
                       help="codec server base URL; replaydbg POSTs to URL/decode "
                       "({namespace} is replaced by the namespace)")
    group.add_argument("--codec-auth", metavar="VALUE",
                       help="Authorization header for the codec server, e.g. 'Bearer TOKEN'; "
                       "prefer the TEMPORAL_CODEC_AUTH variable")
    group.add_argument("--codec-tls-ca", metavar="FILE",
                       help="CA certificate (PEM) to trust for an https codec server "
                       "(default: the system CAs)")
    group.add_argument("--codec-connect-timeout", type=float, default=5.0, metavar="SECONDS",
                       help="give up connecting to the codec server after this long (default 5)")
    group.add_argument("--codec-timeout", type=float, default=30.0, metavar="SECONDS",
                       help="give up waiting for the codec server's answer after this long "
                       "(default 30)")


def add_setup_options(parser: argparse.ArgumentParser) -> None:
    """What the worker was given that a replay needs too (plugins, interceptors, converter)."""
    group = parser.add_argument_group(
        "worker setup", "Give the replay what your worker is given, or it is not the replay the "
        "worker did. MODULE:ATTR names an instance or a function without arguments returning one.")
    group.add_argument("--plugin", action="append", default=[], metavar="MODULE:ATTR",
                       help="a worker plugin (temporalio.plugin.SimplePlugin...; repeatable)")
    group.add_argument("--interceptor", action="append", default=[], metavar="MODULE:ATTR",
                       help="a worker interceptor (repeatable)")
    group.add_argument("--data-converter", metavar="MODULE:ATTR",
                       help="your DataConverter, or the PayloadCodec or PayloadConverter class "
                       "it puts in the default one (or a function returning one)")
    group.add_argument("--failure-type", action="append", default=[], metavar="MODULE:CLASS",
                       help="an exception class of the worker's workflow_failure_exception_types "
                       "(repeatable)")
    group.add_argument("--passthrough", action="append", default=[], metavar="MODULE",
                       help="a module the worker's sandbox passes through (repeatable)")
    group.add_argument("--no-sandbox", dest="sandbox", action="store_false", default=None,
                       help="run the workflow without the Temporal sandbox")
    group.add_argument("--sandbox", dest="sandbox", action="store_true", default=None,
                       help="run it in the sandbox even where pyproject.toml says sandbox = false")
    group.add_argument("--no-config", dest="config", action="store_false",
                       help="ignore [tool.replaydbg] in pyproject.toml")


def add_size_limit_option(parser: argparse.ArgumentParser) -> None:
    """``--max-history-size``: the cap on a history file and on what gzip expands it to."""
    parser.add_argument("--max-history-size", type=_size, default=None, metavar="SIZE",
                        help="refuse history files (or their gzip content) larger than this, "
                        "e.g. 4GiB or 500MB (default 1GiB; also REPLAYDBG_MAX_HISTORY_SIZE)")


def _size(text: str) -> str:
    """The text of a valid size; kept as text, it goes to the environment for child processes."""
    from replaydbg.errors import ConfigError
    from replaydbg.history.limits import parse_size

    try:
        parse_size(text)
    except ConfigError as err:
        raise argparse.ArgumentTypeError(f"{err.message}: {err.hint}") from err
    return text


def seconds_option(text: str) -> float:
    """A number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds, 0 or more, not {text!r}")
    return value


def _show_help(parser: argparse.ArgumentParser) -> Any:
    """A handler for a command given without a sub-command: print its help, exit 2."""

    def handler(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return handler


def add_common_options(parser: argparse.ArgumentParser, *, root: bool = False) -> None:
    """``-v`` and ``--log-file``, on the root parser and on every sub-command."""
    # Sub-commands repeat the options with SUPPRESS defaults so that ``replaydbg -v replay``
    # and ``replaydbg replay -v`` both work (a plain default would reset the root's value).
    parser.add_argument("-v", "--verbose", action="count",
                        default=0 if root else argparse.SUPPRESS,
                        help="more logging on stderr (-vv for debug)")
    parser.add_argument("--log-file", metavar="FILE", default=None if root else argparse.SUPPRESS,
                        help="write logs to FILE instead of stderr")


#: Modules under ``replaydbg.cli`` that add a sub-command through ``add_parser(subparsers)``.
#: Each keeps its heavy imports inside its handler (see :func:`lazy_handler`) so that
#: ``replaydbg --help`` stays fast.
COMMAND_MODULES: tuple[str, ...] = ("lsp_cmd", "dap_cmd", "shadow_cmd")


def build_parser() -> argparse.ArgumentParser:
    """The full ``replaydbg`` parser."""
    parser = argparse.ArgumentParser(
        prog="replaydbg",
        description="Replay debugger and determinism checker for Temporal Python workflows.",
    )
    parser.add_argument("--version", action="version", version=f"replaydbg {__version__}")
    add_common_options(parser, root=True)
    parser.set_defaults(handler=_show_help(parser))
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_replay(sub)
    _add_history(sub)
    _add_check(sub)
    for name in COMMAND_MODULES:
        importlib.import_module(f"replaydbg.cli.{name}").add_parser(sub)
    return parser


def _add_replay(sub: Any) -> None:
    replay = sub.add_parser(
        "replay", help="replay histories against your workflow code, event by event",
        description="Replay one or more histories (files or directories of them, or a "
        "workflow fetched by id) against your current workflow code. Prints an event-by-event "
        "trace mapped to your source lines and exits non-zero if any history no longer "
        "replays.",
    )
    add_common_options(replay)
    replay.add_argument("histories", nargs="*", metavar="HISTORY",
                        help="history file (JSON, binary, gzip) or a directory of them "
                        "(default: histories of [tool.replaydbg] in pyproject.toml)")
    replay.add_argument("--workflow", "-W", action="append", default=[], metavar="SPEC",
                        help="package.module:Class, or a module, file or directory to scan for "
                        "the @workflow.defn matching the history's type (repeatable; default: "
                        "workflows of [tool.replaydbg], else scan the working directory)")
    add_setup_options(replay)
    add_codec_options(replay)
    replay.add_argument("--deadlock-timeout", type=seconds_option, default=5.0, metavar="SECONDS",
                        help="a workflow task running this long without yielding is a deadlock, "
                        "reported at the line it spins on (default 5; 0: never)")
    add_size_limit_option(replay)
    replay.add_argument("--json", action="store_true", help="machine-readable output")
    replay.add_argument("--quiet", "-q", action="store_true",
                        help="print only outcomes and the summary, not the event trace")
    replay.add_argument("--no-progress", action="store_true",
                        help="no progress on stderr (by default a bar on a terminal, else a "
                        "line every few seconds while a long history loads and replays)")
    add_connection_options(replay)
    replay.set_defaults(handler=lazy_handler("replay_cmd", "run_replay"))


def _add_history(sub: Any) -> None:
    history = sub.add_parser("history", help="show, fetch or pull workflow histories")
    add_common_options(history)
    history.set_defaults(handler=_show_help(history))
    hsub = history.add_subparsers(title="history commands", metavar="COMMAND")
    show = hsub.add_parser("show", help="print the event table of a history")
    add_common_options(show)
    show.add_argument("file", nargs="?", metavar="FILE", help="history file")
    show.add_argument("--json", action="store_true",
                      help="print the history as proto3 JSON, each event with its payloads "
                      "decoded under \"decoded\"")
    add_size_limit_option(show)
    add_codec_options(show, converters=True)
    show.add_argument("--no-config", dest="config", action="store_false",
                      help="ignore [tool.replaydbg] in pyproject.toml (its plugins, converter, "
                      "profile)")
    add_connection_options(show)
    show.set_defaults(handler=lazy_handler("history_cmd", "run_show"))
    fetch = hsub.add_parser("fetch", help="fetch a history from a server and save it")
    add_common_options(fetch)
    fetch.add_argument("--output", "-o", required=True, metavar="FILE",
                       help="where to save (.json, .pb/.binpb for binary, .gz to compress)")
    add_connection_options(fetch)
    fetch.set_defaults(handler=lazy_handler("history_cmd", "run_fetch"))
    importlib.import_module("replaydbg.cli.pull_cmd").add_parser(hsub)


def _add_check(sub: Any) -> None:
    """Register ``check``; here, because its handler's module imports the rules.

    Imported to register the command, they cost every command ~0.15 s, the debug adapter's
    start-up among them.
    """
    check = sub.add_parser(
        "check", help="find non-deterministic workflow code (like a linter)",
        description="Check workflow code for what breaks Temporal replays: calls the sandbox "
        "would reject at runtime, what it misses, workflow hygiene and escape hatches. "
        "Settings come from [tool.replaydbg] in the nearest pyproject.toml.",
    )
    add_common_options(check)
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="files or directories to check (default: the current directory)")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                       help="output format (default text: path:line:col: CODE message)")
    check.add_argument("--select", action="append", metavar="CODES",
                       help="only these codes or prefixes, comma-separated (repeatable)")
    check.add_argument("--ignore", action="append", metavar="CODES",
                       help="never these codes or prefixes, comma-separated (repeatable)")
    check.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the facts cache (kept per checked folder "
                       "in $REPLAYDBG_CACHE_DIR, else ~/.cache/replaydbg)")
    saved = check.add_argument_group(
        "saved histories", "Replay saved histories against the code too: a line that breaks "
        "them (an activity added, swapped or removed without workflow.patched()) is a finding "
        "(RDB901 divergence, RDB902 task failure, RDB903 unusable history).")
    saved.add_argument("--histories", action="append", default=[], metavar="DIR",
                       help="a folder (or file) of saved histories (repeatable; default: none, "
                       "or histories of [tool.replaydbg] with --replay-histories)")
    saved.add_argument("--replay-histories", action="store_true",
                       help="replay the histories = [...] folders of [tool.replaydbg]")
    saved.add_argument("--workflow", "-W", action="append", default=[], metavar="SPEC",
                       help="where the workflows are (repeatable; default: workflows of "
                       "[tool.replaydbg], else the checked PATHs)")
    add_setup_options(check)
    check.set_defaults(handler=lazy_handler("check_cmd", "run_check"))
