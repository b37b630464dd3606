"""``replaydbg history pull``: the recent production histories of the project, into a folder.

What to pull comes from ``[tool.replaydbg.recent_histories]`` (options override it): the newest
executions of each workflow type the project's code declares, started since a while. The
language server runs this command at start and on demand, and replays the folder with the
saved histories; in CI, run it before ``replaydbg check --replay-histories``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from replaydbg.cli.parser import add_common_options, add_connection_options, lazy_handler
from replaydbg.errors import InputError


def add_parser(hsub: Any) -> None:
    """Register ``replaydbg history pull``."""
    pull = hsub.add_parser(
        "pull", help="fetch the recent histories of your workflow types into a folder",
        description="Fetch the newest executions of each workflow type your code declares "
        "(or --workflow-type) from the server into a folder that replaydbg check "
        "--replay-histories and the language server replay. Closed runs already there are "
        "not fetched again; runs no longer selected are removed. Defaults come from "
        "[tool.replaydbg.recent_histories] in pyproject.toml.")
    add_common_options(pull)
    pull.add_argument("--output", "-o", metavar="DIR",
                      help="the folder (default: folder of the table, else one in "
                      "~/.cache/replaydbg/recent for this project)")
    pull.add_argument("--workflow-type", "-t", action="append", default=[], metavar="TYPE",
                      help="pull this workflow type (repeatable; default: the table's "
                      "workflow_types, else every type the project's code declares)")
    pull.add_argument("--since", metavar="WHEN",
                      help="executions started since: 7d, 12h, 30m or an ISO date (default 7d)")
    pull.add_argument("--max", type=int, metavar="N",
                      help="at most N executions per workflow type, newest first (default 20)")
    pull.add_argument("--query", "-q", metavar="QUERY",
                      help="a visibility list filter ANDed with the above, e.g. "
                      "\"ExecutionStatus = 'Completed'\"")
    pull.add_argument("--fetch-concurrency", type=int, default=8, metavar="N",
                      help="history requests in flight at once (default 8)")
    pull.add_argument("--json", action="store_true",
                      help="print what was pulled as JSON on stdout")
    pull.add_argument("--no-config", dest="config", action="store_false",
                      help="ignore [tool.replaydbg] in pyproject.toml")
    add_connection_options(pull, execution=False)
    pull.set_defaults(handler=lazy_handler("pull_cmd", "run_pull"))


def run_pull(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg history pull``."""
    import asyncio  # here: the parser imports this module for every command

    from replaydbg.cli.sources import fetch_options
    from replaydbg.history.connect import connect, resolve_settings
    from replaydbg.project.pyproject import ProjectConfig, load_project
    from replaydbg.project.recent import RecentHistories, default_folder
    from replaydbg.shadow.pulling import declared_types, pull

    project = load_project(os.getcwd()) if args.config else ProjectConfig()
    root = project.root or Path.cwd()
    recent = project.recent or RecentHistories(default_folder(root))
    if args.max is not None and args.max < 1:
        raise InputError(f"--max {args.max} pulls nothing", hint="give 1 or more")
    recent = replace(
        recent, folder=Path(args.output).resolve() if args.output else recent.folder,
        since=args.since or recent.since, max=args.max or recent.max,
        query=args.query or recent.query,
        workflow_types=tuple(args.workflow_type) or recent.workflow_types)
    types = list(recent.workflow_types) or declared_types([root])
    if not types:
        raise InputError(f"no workflow type to pull: no @workflow.defn class under {root}",
                         hint="name them with --workflow-type, or workflow_types in "
                         "[tool.replaydbg.recent_histories]")
    args.profile = args.profile or project.profile
    settings = resolve_settings(fetch_options(args))

    async def pulling() -> Any:
        client = await connect(settings, args.connect_timeout)
        return await pull(client, settings.address, recent, types,
                          concurrency=args.fetch_concurrency)

    pulled = asyncio.run(pulling())
    if args.json:
        json.dump(pulled.to_json(), sys.stdout)
        print()
    counts = ", ".join(f"{n} of {t}" for t, n in pulled.per_type.items())
    print(f"pulled {sum(pulled.per_type.values())} histories ({counts}) from "
          f"{settings.namespace} at {settings.address} into {pulled.folder}: "
          f"{pulled.fetched} fetched, {pulled.kept} already there, {pulled.removed} removed",
          file=sys.stderr)
    for failure in pulled.failed:
        print(f"  not pulled: {failure}", file=sys.stderr)
    return 0
