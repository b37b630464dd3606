"""Rules about modules rather than functions: import-time calls, defaults, escape hatches.

Import-time code runs when the sandbox imports a workflow module (for every run) or once per
worker for passed-through modules, so a clock read there gives each process its own value.
"""

from __future__ import annotations

from collections.abc import Iterator

from replaydbg.rules import callables
from replaydbg.rules.checks import FunctionChecker, Issue
from replaydbg.rules.facts import DEFAULT_VALUE, RawSpan
from replaydbg.rules.model import Position, Span
from replaydbg.rules.module import ModuleFacts, Placed, place

#: Hazards that make an import-time value differ between processes.
_VALUE_CODES = frozenset({"RDB101", "RDB103", "RDB104", "RDB105", "RDB106", "RDB107",
                          "RDB108", "RDB120", "RDB202", "RDB205", "RDB206", "RDB207", "RDB208"})
_UNSANDBOXED = "temporalio.worker.UnsandboxedWorkflowRunner"
_PASSTHROUGH_ALL = "with_passthrough_all_modules"


def syntax_issues(module: ModuleFacts) -> Iterator[Issue]:
    """RDB001 for each chunk that does not parse."""
    for line, column, message in module.syntax_errors:
        at = Position(line, column)
        yield Issue("RDB001", f"syntax error: {message} (the rest of the file is still checked)",
                    Span(at, Position(line, column + 1)))


def failure_issue(where: str, error: BaseException, line: int = 1) -> Issue:
    """RDB002: the analysis itself failed on part of a file (a defect of replaydbg).

    One issue per file, so that the rest of the tree is still checked and CI can tell a
    file it could not check from a finding (``replaydbg check`` exits with 3).
    """
    at = Position(line, 0)
    return Issue("RDB002", f"replaydbg could not analyse {where} ({type(error).__name__}: "
                 f"{str(error)[:120]}): its findings may be incomplete; the rest of the tree is "
                 "still checked. Please report it", Span(at, Position(line, 1)))


def import_time_issues(checker: FunctionChecker, placed: Placed, *,
                       imported_normally: bool) -> Iterator[Issue]:
    """RDB215 (non-deterministic call at import) and RDB216 (defaults, default_factory).

    ``placed`` is one top-level chunk of the module.
    """
    for call in placed.facts.calls:
        _, name = checker.call_name(call, None)
        hazard = callables.lookup(name) if name else None
        default = bool(call.flags & DEFAULT_VALUE)
        if hazard is not None and hazard.code in _VALUE_CODES and (imported_normally
                                                                   or default):
            yield _import_issue(placed, call.span, call.callee, default)
        yield from _factory_refs(checker, placed, call.value_refs)


def _factory_refs(checker: FunctionChecker, placed: Placed,
                  refs: tuple[tuple[str, RawSpan], ...]) -> Iterator[Issue]:
    for raw, span in refs:
        _, name = checker.target_name(raw, None)
        hazard = callables.lookup(name) if name else None
        if hazard is not None and hazard.code in _VALUE_CODES:
            yield Issue("RDB216", f"default_factory={raw} gives every new object a value from "
                        "the clock or randomness; pass the value in from workflow.now()/"
                        "workflow.uuid4() instead", placed.span(span), label=raw)


def _import_issue(placed: Placed, span: RawSpan, raw: str, default: bool) -> Issue:
    if default:
        return Issue("RDB216", f"{raw}() as a default value is computed once, at import, and "
                     "differs between workers", placed.span(span), label=raw)
    return Issue("RDB215", f"{raw}() runs at import time: each worker process gets its own "
                 "value", placed.span(span), label=raw)


def hatch_issues(checker: FunctionChecker, placed: Placed) -> Iterator[Issue]:
    """RDB403 (unsandboxed runner) and RDB404 (everything passed through) in one function."""
    for call in placed.facts.calls:
        _, name = checker.call_name(call, placed.facts if placed.facts.cls else None)
        if name == _UNSANDBOXED:
            yield Issue("RDB403", "UnsandboxedWorkflowRunner: no workflow of this worker "
                        "is sandboxed, so nothing non-deterministic fails at runtime",
                        placed.span(call.span))
        elif call.method == _PASSTHROUGH_ALL:
            yield Issue("RDB404", "every module is passed through the sandbox: module "
                        "state is shared across runs", placed.span(call.span))


def passthrough_imports(module: ModuleFacts) -> Iterator[Issue]:
    """RDB404 for a non-deterministic module passed through (checked in workflow modules)."""
    for fact, offset in module.imports:
        names = [fact.module] if not fact.names else [f"{fact.module}.{n}" for n in fact.names]
        risky = [n for n in names if fact.passthrough and fact.level == 0
                 and callables.module_hazard(n) is not None]
        if risky:
            yield Issue("RDB404", f"{risky[0]} is passed through the sandbox: its calls are "
                        "not re-imported per run and it is non-deterministic",
                        place(fact.span, offset))


def sandboxed_false_issue(module: ModuleFacts, cls: str) -> Issue:
    """RDB402 for a ``@workflow.defn(sandboxed=False)`` class."""
    facts, offset = module.classes[cls]
    return Issue("RDB402", f"{cls} runs without the sandbox (sandboxed=False): nothing "
                 "non-deterministic fails at runtime; these diagnostics are the only check",
                 place(facts.span, offset))
