"""``replaydbg replay``: replay histories against the current code, trace and summarise.

The CI use is several histories at once ("do all these saved histories still replay against
my current code?"): every history is replayed even when one fails, each gets its outcome,
and the exit code is 0 only when all replayed (1 if any diverged or failed, 2 if any input
was unusable).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replaydbg.cli.converters import with_codec_server
from replaydbg.cli.progress import Progress
from replaydbg.cli.sources import fetch_from_args
from replaydbg.cli.trace import trace_lines
from replaydbg.errors import InputError, ReplaydbgError
from replaydbg.history import History, load_history
from replaydbg.history.files import history_files
from replaydbg.project import SetupSpecs
from replaydbg.project.pyproject import ProjectConfig, load_project
from replaydbg.replay import ReplayReport, find_workflow, replay_history
from replaydbg.replay.discovery import ensure_import_path, user_roots
from replaydbg.replay.outcome import outcome_lines
from replaydbg.replay.setup import WorkerSetup

logger = logging.getLogger(__name__)


@dataclass
class _Run:
    reports: list[ReplayReport] = field(default_factory=list)
    input_errors: list[tuple[str, ReplaydbgError]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.input_errors:
            return 2
        return 0 if all(r.ok for r in self.reports) else 1

    def summary(self) -> dict[str, int]:
        statuses = [r.status for r in self.reports]
        return {
            "histories": len(self.reports) + len(self.input_errors),
            "ok": statuses.count("ok"),
            "nondeterminism": statuses.count("nondeterminism"),
            "failed": statuses.count("failed"),
            "unusable": len(self.input_errors),
        }


def run_replay(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg replay``."""
    project = _project(args)
    if not args.histories and not args.workflow_id:
        raise InputError("no history given",
                         hint="pass history files or directories, or --workflow-id ID, or "
                         "list them as histories = [...] in [tool.replaydbg] of pyproject.toml")
    ensure_import_path()
    specs = project.merged_setup(setup_specs(args), sandbox=args.sandbox)
    setup, _ = with_codec_server(specs.resolve(), args)
    run = _Run()
    with Progress(enabled=not args.no_progress) as progress:
        for source, history in _histories(args, run, progress):
            try:
                report = _replay_one(history, args, setup, progress)
            except ReplaydbgError as err:
                run.input_errors.append((source, err))
                _emit_error(args, source, err)
                continue
            run.reports.append(report)
            _emit_report(args, report)
    _emit_summary(args, run)
    return run.exit_code


def _histories(args: argparse.Namespace, run: _Run, progress: Progress) -> Any:
    if args.workflow_id:
        history = fetch_from_args(args)
        yield history.source, history
    for path in history_files(args.histories):
        try:
            progress.start(f"loading {path}")
            _announce_big(progress, path)
            history = load_history(path)
            progress.close()
        except ReplaydbgError as err:
            progress.close()
            run.input_errors.append((str(path), err))
            _emit_error(args, str(path), err)
            continue
        yield str(path), history


#: Files from this size on are announced before loading (seconds of parsing, no output).
_BIG_FILE = 10_000_000


def _announce_big(progress: Progress, path: Path) -> None:
    with contextlib.suppress(OSError):
        size = path.stat().st_size
        if size >= _BIG_FILE:
            progress.note(f"loading {path} ({size / 1e6:.0f} MB)")


def _replay_one(history: History, args: argparse.Namespace,
                setup: WorkerSetup, progress: Progress) -> ReplayReport:
    candidate = find_workflow(args.workflow, history.workflow_type)
    try:
        return asyncio.run(replay_history(history, candidate.cls, setup=setup,
                                          user_roots=user_roots(args.workflow),
                                          deadlock_timeout=args.deadlock_timeout or None,
                                          progress=_stages(progress)))
    finally:
        progress.close()


def _stages(progress: Progress) -> Callable[[str, int, int], None]:
    """Feed the replay's (stage, done, total) reports to ``progress``, one stage at a time."""
    current = [""]

    def report(stage: str, done: int, total: int) -> None:
        if stage != current[0]:
            current[0] = stage
            progress.start(stage, total)
        progress.update(done)

    return report


def setup_specs(args: argparse.Namespace) -> SetupSpecs:
    """The worker setup the command line names (see ``add_setup_options``)."""
    return SetupSpecs(tuple(args.plugin), tuple(args.interceptor), args.data_converter,
                      tuple(args.failure_type), tuple(args.passthrough),
                      args.sandbox is not False)


def _project(args: argparse.Namespace) -> ProjectConfig:
    """``[tool.replaydbg]``, its defaults filled into ``args`` where the command line is silent.

    Lists of the worker setup add up (see :meth:`ProjectConfig.merged_setup`); workflows,
    histories and the profile are replaced by the command line's when it gives them.
    """
    if not args.config:
        logger.info("not reading pyproject.toml (--no-config)")
        return ProjectConfig()
    project = load_project(os.getcwd())
    if project.path is None:
        logger.info("no pyproject.toml with [tool.replaydbg] at or above %s", os.getcwd())
        return project
    logger.info("project configuration from %s", project.path)
    args.workflow = args.workflow or list(project.workflows)
    args.profile = args.profile or project.profile
    if not args.histories and not args.workflow_id:
        args.histories = list(project.histories)
    return project


def _emit_report(args: argparse.Namespace, report: ReplayReport) -> None:
    if args.json:
        return
    # One write per chunk of lines: a big history's trace is tens of thousands of lines.
    lines = [] if args.quiet else list(trace_lines(report))
    lines.extend(outcome_lines(report, overflow_note="all of them are in --json output"))
    if not args.quiet:
        lines.append("")
    sys.stdout.writelines(line + "\n" for line in lines)
    sys.stdout.flush()


def _emit_error(args: argparse.Namespace, source: str, err: ReplaydbgError) -> None:
    if not args.json:
        detail = str(err).replace("\n", "\n    ")
        print(f"UNUSABLE  {source}\n    {detail}")


def _emit_summary(args: argparse.Namespace, run: _Run) -> None:
    summary = run.summary()
    if args.json:
        document = {
            "results": [r.to_json() for r in run.reports],
            "errors": [{"source": s, "error": e.message, "hint": e.hint}
                       for s, e in run.input_errors],
            "summary": summary,
        }
        json.dump(document, sys.stdout, indent=2)
        print()
        return
    if summary["histories"] > 1:
        print(f"{summary['histories']} histories: {summary['ok']} ok, "
              f"{summary['nondeterminism']} nondeterministic, {summary['failed']} failed, "
              f"{summary['unusable']} unusable")
