"""``replaydbg check PATHS``: the determinism rules for CI, as text, JSON or SARIF 2.1.0.

Exit codes: 0 when nothing at warning or error level is found (escape hatches are information
and do not fail a build), 1 when something is, 2 for bad usage or a path that does not exist,
3 when the analysis failed on some file (RDB002; the other files' findings are still
printed): a defect of the checker must never read as "your code has findings".
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from replaydbg import __version__
from replaydbg.errors import InputError
from replaydbg.rules import (
    DOC_BASE,
    RULES,
    Config,
    FactCache,
    Finding,
    Severity,
    Span,
    Workspace,
    load_config,
)

logger = logging.getLogger(__name__)

#: The analysis failed on a file: neither "clean" nor "findings".
EXIT_INCOMPLETE = 3
NOT_ANALYSED = "RDB002"
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
                 Severity.INFORMATION: "note"}


def run_check(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg check``."""
    paths = [Path(p).absolute() for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")
    root = _root(paths)
    config = _config(root, args)
    try:
        cache = None if args.no_cache else FactCache(root)
        # One short-lived process: the cyclic collector would only walk the facts again.
        gc.disable()
        # The folder itself: every file the workspace lists, without listing it twice.
        wanted = None if paths == [root] else _python_files(paths)
        findings = Workspace(root, config, cache).analyze(wanted)
    except Exception as error:  # a checker defect must not read as "findings" (exit 1)
        logger.debug("the analysis failed", exc_info=True)
        print(f"replaydbg: internal error: {type(error).__name__}: {error}\n"
              "  hint: run again with -v to see the traceback, and report it", file=sys.stderr)
        return EXIT_INCOMPLETE
    ordered = [f for path in sorted(findings) for f in findings[path]]
    if args.histories or args.replay_histories:  # the replay engine is imported only then
        from replaydbg.cli.check_histories import history_findings

        ordered += history_findings(args, paths, root, config)
    sys.stdout.write(_FORMATS[args.format](ordered, Path.cwd()))
    if any(f.code == NOT_ANALYSED for f in ordered):
        print("replaydbg: some files could not be analysed (RDB002): the check is "
              "incomplete\n  hint: run again with -v to see why, and report it", file=sys.stderr)
        return EXIT_INCOMPLETE
    failing = [f for f in ordered if f.severity is not Severity.INFORMATION]
    return 1 if failing else 0


def _root(paths: list[Path]) -> Path:
    folders = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([str(f) for f in folders]))


def _config(root: Path, args: argparse.Namespace) -> Config:
    """``[tool.replaydbg]`` of the nearest pyproject.toml, then the command-line options."""
    project = next((d for d in [root, *root.parents] if (d / "pyproject.toml").exists()), root)
    config, problems = load_config(project)
    overrides = {key: [c for v in values for c in v.split(",") if c]
                 for key, values in (("select", args.select), ("ignore", args.ignore))
                 if values}
    config, more = config.merged(overrides)
    for problem in [*problems, *more]:
        print(problem, file=sys.stderr)
    if more:
        raise InputError("invalid --select/--ignore value", hint="codes look like RDB101")
    return config


def _python_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            files.extend(Path(folder, n) for n in sorted(names) if n.endswith(".py"))
    return files


def _shown(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _text(findings: list[Finding], cwd: Path) -> str:
    lines = [f"{_shown(f.path, cwd)}:{f.span.start.line}:{f.span.start.column + 1}: "
             f"{f.code} {f.message}" for f in findings]
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "no problems"
    return "\n".join([*lines, f"Found {len(findings)} finding(s): {summary}."]) + "\n"


def _json(findings: list[Finding], cwd: Path) -> str:
    return json.dumps([_finding_json(f, cwd) for f in findings], indent=2) + "\n"


def _finding_json(finding: Finding, cwd: Path) -> dict[str, Any]:
    return {
        "code": finding.code, "message": finding.message, "severity": finding.severity.value,
        "path": _shown(finding.path, cwd), "span": _span_json(finding.span),
        "doc_url": finding.doc_url,
        "chain": [{"path": _shown(s.path, cwd), "span": _span_json(s.span), "label": s.label}
                  for s in finding.chain],
        "fixes": [{"title": fix.title, "edits": [
            {"path": _shown(e.path, cwd), "span": _span_json(e.span), "new_text": e.new_text}
            for e in fix.edits]} for fix in finding.fixes],
    }


def _span_json(span: Span) -> dict[str, int]:
    """1-based lines and 0-based character columns, as in the findings model."""
    return {"line": span.start.line, "column": span.start.column,
            "end_line": span.end.line, "end_column": span.end.column}


def _sarif(findings: list[Finding], cwd: Path) -> str:
    codes = list(RULES)
    driver = {"name": "replaydbg", "version": __version__,
              "informationUri": DOC_BASE,  # the installed rules page: no web page exists
              "rules": [{"id": r.code, "name": r.name, "shortDescription": {"text": r.summary},
                         "helpUri": r.doc_url,
                         "defaultConfiguration": {"level": _SARIF_LEVELS[r.severity]}}
                        for r in RULES.values()]}
    results = [_sarif_result(f, codes.index(f.code), cwd) for f in findings]
    document = {"$schema": _SARIF_SCHEMA, "version": "2.1.0",
                "runs": [{"tool": {"driver": driver}, "results": results}]}
    return json.dumps(document, indent=2) + "\n"


def _sarif_result(finding: Finding, index: int, cwd: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code, "ruleIndex": index, "level": _SARIF_LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_sarif_location(finding.path, finding.span, cwd)],
    }
    if finding.chain:
        result["relatedLocations"] = [
            {**_sarif_location(s.path, s.span, cwd), "id": i, "message": {"text": s.label}}
            for i, s in enumerate(finding.chain)]
    if finding.fixes:
        result["fixes"] = [{"description": {"text": fix.title}, "artifactChanges": [
            {"artifactLocation": {"uri": _uri(e.path, cwd)},
             "replacements": [{"deletedRegion": _region(e.span),
                               "insertedContent": {"text": e.new_text}}]}
            for e in fix.edits]} for fix in finding.fixes]
    return result


def _sarif_location(path: Path, span: Span, cwd: Path) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(path, cwd)},
                                 "region": _region(span)}}


def _region(span: Span) -> dict[str, int]:
    """SARIF regions count lines and columns from 1 (columns in characters by default)."""
    return {"startLine": span.start.line, "startColumn": span.start.column + 1,
            "endLine": span.end.line, "endColumn": span.end.column + 1}


def _uri(path: Path, cwd: Path) -> str:
    shown = _shown(path, cwd)
    return Path(shown).as_posix() if not Path(shown).is_absolute() else path.as_uri()


_FORMATS = {"text": _text, "json": _json, "sarif": _sarif}
