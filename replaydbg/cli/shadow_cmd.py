"""``replaydbg shadow``: replay many production histories against the current code.

The histories are the executions a visibility query selects on a server (fetched
concurrently, closed runs cached by run id) or saved folders; ``--jobs`` processes replay
them. The report groups what broke by cause and line. Exit codes: 0 all replay, 1 any
divergence or task failure, 2 bad input (or only unusable histories), 130 interrupted (the
report so far is printed).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replaydbg.cli.parser import (
    add_codec_options,
    add_common_options,
    add_connection_options,
    add_setup_options,
    lazy_handler,
    seconds_option,
)
from replaydbg.errors import InputError

if TYPE_CHECKING:  # imported where used: `replaydbg --help` must not pay for them
    from replaydbg.cli.progress import Progress
    from replaydbg.shadow.pool import ReplayPool
    from replaydbg.shadow.replaying import HistoryRef, ReplayOptions
    from replaydbg.shadow.report import ShadowReport
    from replaydbg.shadow.selection import Selection

logger = logging.getLogger(__name__)


def add_parser(sub: Any) -> None:
    """Register ``replaydbg shadow``."""
    shadow = sub.add_parser(
        "shadow", help="replay many production histories against your current code (CI)",
        description="Select executions with a visibility query (or the shortcuts), fetch "
        "their histories and replay them against your current workflow code in parallel, "
        "or replay saved folders of histories. Reports what would break, grouped by cause "
        "and line, before you deploy.")
    add_common_options(shadow)
    shadow.add_argument("histories", nargs="*", metavar="DIR",
                        help="saved histories (files or folders) instead of a server "
                        "(default: histories of [tool.replaydbg] when no selection is given)")
    select = shadow.add_argument_group("selection (on a server)")
    select.add_argument("--query", "-q", metavar="QUERY",
                        help="a visibility list filter, e.g. \"WorkflowType='Orders' AND "
                        "StartTime > '2026-11-01T00:00:00Z'\"")
    select.add_argument("--workflow-type", "-t", action="append", default=[], metavar="TYPE",
                        help="only executions of this workflow type (repeatable)")
    select.add_argument("--since", metavar="WHEN",
                        help="only executions started since: 7d, 12h, 30m, or an ISO date")
    select.add_argument("--status", action="append", default=[], metavar="STATUS",
                        help="only executions in this status: running, completed, failed, "
                        "canceled, terminated, continued-as-new, timed-out (repeatable)")
    select.add_argument("--sample-rate", type=float, default=1.0, metavar="RATE",
                        help="replay this share of the matches, e.g. 0.1 (the same ones on "
                        "every run: chosen by run id)")
    select.add_argument("--max", type=int, metavar="N", help="replay at most N executions")
    run = shadow.add_argument_group("running")
    run.add_argument("--jobs", "-j", type=int, metavar="N",
                     help="replaying processes (default: the number of CPUs)")
    run.add_argument("--fetch-concurrency", type=int, default=8, metavar="N",
                     help="history requests in flight at once (default 8)")
    run.add_argument("--cache-dir", metavar="DIR",
                     help="where fetched histories of closed runs are kept (default "
                     "~/.cache/replaydbg/histories)")
    run.add_argument("--no-cache", action="store_true",
                     help="fetch every history, keep none")
    run.add_argument("--thorough", action="store_true",
                     help="replay every history with replaydbg's recording (slower): also "
                     "reports the warnings of checks Temporal does not make")
    run.add_argument("--deadlock-timeout", type=seconds_option, default=2.0, metavar="SECONDS",
                     help="a workflow task running this long without yielding is a deadlock "
                     "(default 2, as on a worker)")
    run.add_argument("--no-progress", action="store_true",
                     help="no progress on stderr (a bar on a terminal, else a line every "
                     "few seconds)")
    shadow.add_argument("--workflow", "-W", action="append", default=[], metavar="SPEC",
                        help="package.module:Class, or a module, file or directory to scan for "
                        "workflows (repeatable; default: workflows of [tool.replaydbg], else "
                        "scan the working directory)")
    add_setup_options(shadow)
    add_codec_options(shadow)
    out = shadow.add_argument_group("report")
    out.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    out.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    out.add_argument("--junit-per", choices=("history", "signature"),
                     help="a JUnit test case per history (the default) or per group of "
                     "equally broken histories (the default with --on-temporal)")
    out.add_argument("--sarif", metavar="FILE",
                     help="also write the divergent lines as SARIF 2.1.0 (code scanning)")
    cluster = shadow.add_argument_group(
        "on Temporal", "Run the shadowing as a workflow on your cluster: it fans batches of runs "
        "out to `replaydbg shadow-worker` processes polling the task queue.")
    cluster.add_argument("--on-temporal", action="store_true",
                         help="start the shadowing workflow and print its report")
    cluster.add_argument("--task-queue", metavar="QUEUE",
                         help="the task queue the shadow workers poll")
    cluster.add_argument("--batch-size", type=int, default=20, metavar="N",
                         help="runs per replaying activity (default 20)")
    add_connection_options(shadow, execution=False)
    shadow.set_defaults(handler=lazy_handler("shadow_cmd", "run_shadow"))

    worker = sub.add_parser(
        "shadow-worker", help="replay shadowing batches for `shadow --on-temporal`",
        description="A Temporal worker for `replaydbg shadow --on-temporal`: it runs the "
        "shadowing workflow and replays batches of runs against the workflow code where it "
        "runs. Start as many as you like; Ctrl-C or SIGTERM stops one after its batches.")
    add_common_options(worker)
    worker.add_argument("--task-queue", required=True, metavar="QUEUE",
                        help="the task queue to poll (the same as the starting command's)")
    worker.add_argument("--workflow", "-W", action="append", default=[], metavar="SPEC",
                        help="where the workflows are (repeatable; default: what the starting "
                        "command was given, else workflows of [tool.replaydbg], else scan "
                        "the working directory)")
    add_setup_options(worker)
    add_codec_options(worker)
    worker.add_argument("--cache-dir", metavar="DIR",
                        help="where fetched histories of closed runs are kept")
    worker.add_argument("--no-cache", action="store_true", help="keep no fetched history")
    add_connection_options(worker, execution=False)
    worker.set_defaults(handler=lazy_handler("shadow_cmd", "run_worker"))


def run_shadow(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg shadow``."""
    import asyncio  # here, as the rest: the parser imports this module for every command
    import contextlib
    import tempfile

    from replaydbg.cli.converters import codec_options_from_args
    from replaydbg.cli.progress import Progress
    from replaydbg.cli.replay_cmd import setup_specs
    from replaydbg.project.codec import codec_options_json
    from replaydbg.project.pyproject import ProjectConfig, load_project
    from replaydbg.shadow.pool import ReplayPool, default_jobs
    from replaydbg.shadow.replaying import ReplayOptions
    from replaydbg.shadow.report import ShadowReport

    selection = _selection(args)
    project = load_project(os.getcwd()) if args.config else ProjectConfig()
    args.workflow = args.workflow or list(project.workflows)
    args.profile = args.profile or project.profile
    if selection is None and not args.histories:
        args.histories = list(project.histories)
        if not args.histories:
            raise InputError("nothing to shadow", hint="select executions on a server with "
                             "--query, --workflow-type, --since or --status, or give folders "
                             "of saved histories (or histories = [...] in [tool.replaydbg])")
    if selection is not None and args.histories:
        raise InputError("both saved histories and a server selection given",
                         hint="shadow one or the other in a run")
    if args.on_temporal:
        if selection is None:
            raise InputError("--on-temporal shadows executions on the server",
                             hint="select them with --query, --workflow-type, --since or "
                             "--status")
        if not args.task_queue:
            raise InputError("--on-temporal needs --task-queue",
                             hint="the task queue your `replaydbg shadow-worker` processes "
                             "poll, e.g. --task-queue replaydbg-shadow")
    elif args.task_queue:
        raise InputError("--task-queue is for --on-temporal", hint="add --on-temporal")
    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        raise InputError(f"--jobs {jobs}: at least one process replays", hint="give 1 or more")
    specs = project.merged_setup(setup_specs(args), sandbox=args.sandbox)
    options = ReplayOptions(tuple(args.workflow), specs.to_json(),
                            codec_options_json(codec_options_from_args(args)), args.thorough,
                            args.deadlock_timeout or None)
    if args.on_temporal:
        assert selection is not None
        report = _on_temporal(args, selection, options)
        _emit(args, report)
        return report.exit_code
    report = ShadowReport()
    with contextlib.ExitStack() as stack:
        progress = stack.enter_context(Progress(enabled=not args.no_progress))
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="replaydbg-shadow-")))
        pool = ReplayPool(options, jobs, verbose=args.verbose, log_file=args.log_file)
        try:
            asyncio.run(_run(args, selection, pool, report, progress, scratch))
        except KeyboardInterrupt:
            report.interrupted = True
            progress.close()
            pool.close(interrupted=True)
        else:
            pool.close()
    _emit(args, report)
    return report.exit_code


async def _run(args: argparse.Namespace, selection: Selection | None, pool: ReplayPool,
               report: ShadowReport, progress: Progress, scratch: Path) -> None:
    from replaydbg.shadow.run import batch_size, from_files, shadow

    if selection is None:
        refs = list(_saved(args.histories))
        progress.start("replaying", len(refs))
        await shadow(from_files(refs), pool, report, size=batch_size(len(refs), pool.jobs),
                     on_progress=progress.update)
        return
    from replaydbg.cli.sources import fetch_options
    from replaydbg.history.connect import connect, resolve_settings
    from replaydbg.shadow.cache import HistoryCache, default_cache_dir
    from replaydbg.shadow.fetching import Fetcher

    settings = resolve_settings(fetch_options(args))
    client = await connect(settings, args.connect_timeout)
    cache = None if args.no_cache else HistoryCache(
        Path(args.cache_dir) if args.cache_dir else default_cache_dir(), settings.namespace)
    fetcher = Fetcher(client, address=settings.address, cache=cache, scratch=scratch,
                      concurrency=args.fetch_concurrency)
    total = await fetcher.count(selection)
    if total == 0:
        raise InputError(f"no execution matches {selection.quoted()} in namespace "
                         f"{settings.namespace!r} at {settings.address}",
                         hint="check the query, the namespace and the time range (--since)")
    progress.start("shadowing", total or 0)
    try:
        await shadow(fetcher.refs(selection), pool, report,
                     size=batch_size(total, pool.jobs), on_progress=progress.update)
    finally:
        report.fetched, report.cached = fetcher.fetched, fetcher.cached
    if not report.outcomes:
        raise InputError(f"no execution matches {selection.quoted()}",
                         hint="check the query, the namespace and --sample-rate")


def _on_temporal(args: argparse.Namespace, selection: Selection,
                 options: ReplayOptions) -> ShadowReport:
    """Run the shadowing on the cluster; its report (partial when interrupted)."""
    import asyncio
    import uuid

    from replaydbg.cli.progress import Progress
    from replaydbg.shadow.distributed.messages import ShadowInput
    from replaydbg.shadow.report import ShadowReport

    if args.batch_size < 1:
        raise InputError(f"--batch-size {args.batch_size}: a batch holds 1 run or more",
                         hint="give 1 or more (default 20)")
    last: list[dict[str, Any]] = [{}]
    given = ShadowInput(selection.asked(), selection.sample_rate, selection.limit,
                        options.to_json(), args.batch_size)
    with Progress(enabled=not args.no_progress) as progress:
        def on_digest(digest: dict[str, Any]) -> None:
            last[0] = digest
            progress.update(sum((digest.get("totals") or {}).values()))

        try:
            digest = asyncio.run(_start(args, selection, given, progress, on_digest,
                                        f"replaydbg-shadow-{uuid.uuid4()}"))
        except KeyboardInterrupt:
            report = ShadowReport.from_digest(last[0])
            report.interrupted = True
            return report
    return ShadowReport.from_digest(digest)


async def _start(args: argparse.Namespace, selection: Selection, given: Any, progress: Progress,
                 on_digest: Any, workflow_id: str) -> dict[str, Any]:
    import tempfile

    from replaydbg.cli.sources import fetch_options
    from replaydbg.history.connect import connect, resolve_settings
    from replaydbg.shadow.distributed.starter import run_on_temporal
    from replaydbg.shadow.fetching import Fetcher

    settings = resolve_settings(fetch_options(args))
    client = await connect(settings, args.connect_timeout)
    total = await Fetcher(client, address=settings.address, cache=None,
                          scratch=Path(tempfile.gettempdir())).count(selection)
    if total == 0:
        raise InputError(f"no execution matches {selection.quoted()} in namespace "
                         f"{settings.namespace!r} at {settings.address}",
                         hint="check the query, the namespace and the time range (--since)")
    progress.start("shadowing on Temporal", total or 0)
    return await run_on_temporal(client, args.task_queue, given, workflow_id=workflow_id,
                                 on_digest=on_digest,
                                 say=lambda text: print(text, file=sys.stderr, flush=True))


def run_worker(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg shadow-worker``."""
    import asyncio
    import contextlib
    import signal
    import tempfile

    from replaydbg.cli.converters import codec_options_from_args
    from replaydbg.cli.replay_cmd import setup_specs
    from replaydbg.cli.sources import fetch_options
    from replaydbg.history.connect import connect, resolve_settings
    from replaydbg.project.codec import codec_options_json
    from replaydbg.project.pyproject import ProjectConfig, load_project
    from replaydbg.shadow.cache import default_cache_dir
    from replaydbg.shadow.distributed.worker import serve
    from replaydbg.shadow.replaying import ReplayOptions

    project = load_project(os.getcwd()) if args.config else ProjectConfig()
    args.profile = args.profile or project.profile
    told = [args.workflow, args.plugin, args.interceptor, args.data_converter,
            args.failure_type, args.passthrough, args.sandbox is not None]
    own = None
    if any(told) or project.path is not None:
        specs = project.merged_setup(setup_specs(args), sandbox=args.sandbox)
        own = ReplayOptions(tuple(args.workflow or project.workflows), specs.to_json(),
                            codec_options_json(codec_options_from_args(args)))
    cache = None if args.no_cache else Path(args.cache_dir) if args.cache_dir \
        else default_cache_dir()

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        settings = resolve_settings(fetch_options(args))
        client = await connect(settings, args.connect_timeout)
        with tempfile.TemporaryDirectory(prefix="replaydbg-shadow-worker-") as scratch:
            print(f"replaydbg shadow-worker: polling task queue {args.task_queue!r} at "
                  f"{settings.address} (namespace {settings.namespace!r})", file=sys.stderr,
                  flush=True)
            await serve(client, args.task_queue, address=settings.address, own=own,
                        cache_root=cache, scratch=Path(scratch))

    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(main())
    return 0


def _saved(paths: list[str]) -> Iterator[HistoryRef]:
    from replaydbg.history.files import history_files
    from replaydbg.shadow.replaying import HistoryRef

    for path in history_files(paths):
        yield HistoryRef(str(path))


def _selection(args: argparse.Namespace) -> Selection | None:
    """The server selection the options make, or None when they make none."""
    from replaydbg.shadow.selection import Selection, parse_since, status_name

    if not (args.query or args.workflow_type or args.since or args.status):
        if args.sample_rate != 1.0 or args.max is not None:
            raise InputError("--sample-rate and --max sample a server selection",
                             hint="add --query, --workflow-type, --since or --status")
        return None
    return Selection(args.query, tuple(args.workflow_type),
                     parse_since(args.since) if args.since else None,
                     tuple(status_name(s) for s in args.status), args.sample_rate, args.max)


def _emit(args: argparse.Namespace, report: ShadowReport) -> None:
    from replaydbg.shadow.junit import write_junit
    from replaydbg.shadow.sarif import write_sarif

    if args.junit_xml:
        per = args.junit_per or ("history" if report.complete else "signature")
        write_junit(report, args.junit_xml, per=per)
    if args.sarif:
        write_sarif(report, args.sarif)
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2)
        print()
    else:
        sys.stdout.writelines(line + "\n" for line in report.text())
    sys.stdout.flush()
