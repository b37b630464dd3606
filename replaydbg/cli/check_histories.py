"""``replaydbg check --histories``: the saved histories' replay findings, next to the rules'.

The replay runs in this process with the project's worker setup (``[tool.replaydbg]`` and the
setup options, as ``replaydbg replay``), and its findings join the static ones: the same
output formats, ``--select``/``--ignore`` and exit code.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from replaydbg.cli.replay_cmd import setup_specs
from replaydbg.errors import InputError
from replaydbg.histcheck.as_rules import as_finding
from replaydbg.histcheck.findings import unusable_file
from replaydbg.histcheck.run import replay_saved
from replaydbg.histcheck.saved import SavedHistories
from replaydbg.project.pyproject import ProjectConfig, load_project
from replaydbg.rules import Config, Finding
from replaydbg.shadow.replaying import BatchReplayer, ReplayOptions


def history_findings(args: argparse.Namespace, paths: list[Path], root: Path,
                     config: Config) -> list[Finding]:
    """What replaying the saved histories finds, as findings ``config`` lets through."""
    project = load_project(root) if args.config else ProjectConfig()
    folders = [Path(f) for f in args.histories]
    if args.replay_histories:
        if not project.replayed_folders:
            raise InputError("--replay-histories: [tool.replaydbg] lists no histories",
                             hint="add histories = [\"tests/histories\"] to [tool.replaydbg] "
                             "in pyproject.toml, or give --histories DIR")
        folders += [Path(f) for f in project.histories]
        pulled = project.recent.folder if project.recent is not None else None
        if pulled is not None and not pulled.is_dir():
            raise InputError(f"--replay-histories: the recent histories are not pulled yet "
                             f"(no folder {pulled})",
                             hint="run `replaydbg history pull` first (it fetches what "
                             "[tool.replaydbg.recent_histories] selects)")
        folders += [pulled] if pulled is not None else []
    missing = [str(f) for f in folders if not f.exists()]
    if missing:
        raise InputError(f"no such history folder or file: {', '.join(missing)}",
                         hint="give folders of saved histories (temporal workflow show "
                         "--workflow-id ID --output json > FILE saves one)")
    saved, unreadable = SavedHistories(folders).scan()
    if not saved and not unreadable:
        raise InputError(f"no history files in {', '.join(map(str, folders))}",
                         hint="history files end in .json, .json.gz, .pb or .binpb")
    workflows = args.workflow or list(project.workflows) or [str(p) for p in paths]
    specs = project.merged_setup(setup_specs(args), sandbox=args.sandbox)
    options = ReplayOptions(tuple(workflows), specs.to_json())
    _, found = asyncio.run(replay_saved(BatchReplayer(options), saved))
    found += [unusable_file(str(bad.path), bad.message) for bad in unreadable]
    return [finding for finding in map(as_finding, found) if config.enabled(finding.code)]
