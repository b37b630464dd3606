"""One analysis of a set of modules: reach, run every rule, build findings with chains.

Pure function of the modules' facts and the configuration; the :class:`Workspace` decides
which modules to feed in and caches everything that can be cached.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from replaydbg.rules import hygiene, toplevel
from replaydbg.rules.catalog import RULES
from replaydbg.rules.checks import FunctionChecker, Issue
from replaydbg.rules.config import Config
from replaydbg.rules.fixes import FixContext
from replaydbg.rules.handlers import HandlerRules
from replaydbg.rules.imports import ImportClosure, import_closure
from replaydbg.rules.memo import Memo, workspace_names
from replaydbg.rules.model import ChainStep, Finding
from replaydbg.rules.module import ModuleFacts, Placed
from replaydbg.rules.reach import Entry, Key, Reach, entries, workflow_classes
from replaydbg.rules.resolve import ModuleIndex, Resolver

logger = logging.getLogger(__name__)


@dataclass
class AnalysisResult:
    """Findings per file, and which files each file's findings depend on."""

    findings: dict[Path, list[Finding]]
    #: File -> files whose findings can change when it changes.
    dependents: dict[Path, set[Path]] = field(default_factory=dict)


class Analysis:
    """Runs the rules over ``modules`` (every module of the workspace)."""

    def __init__(self, modules: dict[Path, ModuleFacts], index: ModuleIndex,
                 config: Config, memo: Memo | None = None) -> None:
        self.modules = modules
        self.index = index
        self.config = config
        #: Per-function results of the previous analysis, reused where still valid.
        self.memo = memo if memo is not None else Memo()
        self.resolver = Resolver(index, modules)
        self._checkers: dict[Path, FunctionChecker] = {}
        self._chains: dict[Key, tuple[tuple[ChainStep, ...], str] | None] = {}
        self.issues: dict[Path, list[tuple[Issue, Key | None]]] = {p: [] for p in modules}
        #: The first failure of the analysis itself per file: reported once, as RDB002.
        self.failures: dict[Path, tuple[str, Exception]] = {
            p: m.failure for p, m in modules.items() if m.failure is not None}

    def fail(self, path: Path, where: str, error: Exception) -> None:
        """Keep the first failure of the analysis on ``path``; the rest goes on."""
        logger.debug("analysing %s in %s failed", where, path, exc_info=error)
        self.failures.setdefault(path, (where, error))

    def checker(self, path: Path) -> FunctionChecker:
        """The per-module checker (with its fix context), built once."""
        if path not in self._checkers:
            module = self.modules[path]
            aliases = self._aliases(module)
            self._checkers[path] = FunctionChecker(self.resolver, module, self.config,
                                                   FixContext.of(module, aliases))
        return self._checkers[path]

    def _aliases(self, module: ModuleFacts) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for local, binding in module.bindings.items():
            if binding.kind == "import":
                aliases.setdefault(self.resolver.absolute(module, binding), local)
        return aliases

    def run(self) -> AnalysisResult:
        """Reach workflow code from every entry point, then apply every rule."""
        self.memo.begin(workspace_names(self.modules, self.index, self.config))
        starts = [e for m in self.modules.values() for e in self._entries(m)]
        reach = Reach(self.modules, self.resolver, set(self.config.known_safe), self.memo,
                      self.fail)
        reach.walk(starts)
        for key in reach.hops:
            try:
                self._function_rules(reach, key)
            except Exception as error:  # one function's defect must not stop the others
                self.fail(key[0], key[1], error)
        self._class_rules(starts, reach)
        self._module_rules(starts)
        for path, failure in self.failures.items():
            self.issues[path].append((toplevel.failure_issue(*failure), None))
        findings = {path: sorted(self._findings(path, reach), key=_order) for path in self.modules}
        return AnalysisResult(findings, self._dependents(reach))

    def _entries(self, module: ModuleFacts) -> list[Entry]:
        try:
            return entries(module, self.resolver)
        except Exception as error:
            self.fail(module.path, "its workflow classes", error)
            return []

    def _function_rules(self, reach: Reach, key: Key) -> None:
        placed = reach.placed(key)
        if placed is None:
            return
        entry = reach.entries.get(key)
        kind = entry.kind if entry is not None else ""
        found = self.memo.get(placed.facts, ("issues", key[0], placed.offset, kind),
                              lambda: self._issues_in(key[0], placed, kind))
        # Outside the memo: it depends on other functions' bodies, not only on names.
        if any(i.code == "RDB305" for i in found) and self._helper_continues(reach, key):
            found = tuple(i for i in found if i.code != "RDB305")
        self.issues[key[0]].extend((issue, key) for issue in found)

    def _helper_continues(self, reach: Reach, key: Key) -> bool:
        """Whether a function ``key`` reaches continues as new (RDB305 is then bounded)."""
        seen, pending = {key}, [key]
        while pending:
            for callee, _ in reach.callees(pending.pop()):
                if callee not in seen:
                    seen.add(callee)
                    placed = reach.placed(callee)
                    if placed is not None and hygiene.continues_as_new(placed.facts):
                        return True
                    pending.append(callee)
        return False

    def _issues_in(self, path: Path, placed: Placed, kind: str) -> tuple[Issue, ...]:
        checker = self.checker(path)
        found = [*checker.check(placed), *hygiene.loop_issues(placed),
                 *hygiene.shared_state_issues(checker, placed)]
        if kind in ("query", "validator"):
            found.extend(hygiene.state_issues(checker, placed, kind))
        return tuple(found)

    def _class_rules(self, starts: list[Entry], reach: Reach) -> None:
        rules = HandlerRules(self.modules, reach, self.checker)
        by_class: dict[tuple[Path, str], list[Entry]] = {}
        for entry in starts:
            by_class.setdefault((entry.key[0], entry.cls), []).append(entry)
        for (path, _cls), group in by_class.items():
            runs = [e for e in group if e.kind == "run"]
            handlers = [e.key for e in group if e.kind in ("signal", "update")]
            for run in runs:
                try:
                    issues = list(rules.issues(run.key, handlers))
                except Exception as error:
                    self.fail(path, run.key[1], error)
                    continue
                self.issues[path].extend((issue, run.key) for issue in issues)

    def _module_rules(self, starts: list[Entry]) -> None:
        workflow_paths = {e.key[0] for e in starts}
        closure = import_closure(self.modules, self.index, workflow_paths)
        for path, module in self.modules.items():
            try:
                issues = self._module_issues(path, module, workflow_paths, closure)
            except Exception as error:
                self.fail(path, "its module-level code", error)
                continue
            self.issues[path].extend((issue, None) for issue in issues)

    def _module_issues(self, path: Path, module: ModuleFacts, workflow_paths: set[Path],
                       closure: ImportClosure) -> list[Issue]:
        issues = [*toplevel.syntax_issues(module)]
        # Both kinds of module rules look at calls only: most chunks have none.
        for placed in [*module.toplevel, *module.functions.values()]:
            if placed.facts.calls:
                issues.extend(self._placed_issues("hatch", path, placed))
        if path in workflow_paths:
            issues.extend(toplevel.passthrough_imports(module))
        if path in closure.normal or path in closure.passed:
            table = "import-time" if path in closure.normal else "passed-through"
            for placed in module.toplevel:
                if placed.facts.calls:
                    # RDB215 only where workflows take the value (RDB216 defaults always).
                    used = closure.uses(path, placed.facts.local_names)
                    issues.extend(i for i in self._placed_issues(table, path, placed)
                                  if used or i.code != "RDB215")
        for cls, sandboxed in workflow_classes(module, self.resolver):
            if not sandboxed:
                issues.append(toplevel.sandboxed_false_issue(module, cls))
        return issues

    def _placed_issues(self, table: str, path: Path, placed: Placed) -> tuple[Issue, ...]:
        """Module rules over one function or top-level chunk, through the memo."""
        checker = self.checker(path)
        if table == "hatch":
            compute = partial(toplevel.hatch_issues, checker, placed)
        else:
            compute = partial(toplevel.import_time_issues, checker, placed,
                              imported_normally=table == "import-time")
        return self.memo.get(placed.facts, (table, path, placed.offset),
                             lambda: tuple(compute()))

    def _findings(self, path: Path, reach: Reach) -> Iterator[Finding]:
        module = self.modules[path]
        seen: set[tuple[str, int, int]] = set()
        enabled: dict[str, bool] = {}
        for issue, key in self.issues[path]:
            marker = (issue.code, issue.span.start.line, issue.span.start.column)
            if marker in seen:
                continue
            if issue.code not in enabled:
                enabled[issue.code] = self.config.enabled(issue.code)
            if not enabled[issue.code]:
                continue
            seen.add(marker)
            chain = self._chain(reach, key, issue) if key else ()
            if not _suppressed(self.modules, module, issue, key, chain):
                yield _finding(path, issue, chain)

    def _chain(self, reach: Reach, key: Key, issue: Issue) -> tuple[ChainStep, ...]:
        """From the entry point to the issue; the steps before ``key`` are built once."""
        if key not in self._chains:
            self._chains[key] = self._chain_to(reach, key)
        known = self._chains[key]
        if known is None:
            return ()
        before, label = known
        return (*before, ChainStep(key[0], issue.span, label))

    def _chain_to(self, reach: Reach, key: Key) -> tuple[tuple[ChainStep, ...], str] | None:
        """The steps that lead to ``key`` (each with its call) and ``key``'s label."""
        steps = reach.chain(key)
        if len(steps) == 1:
            return None
        labels = [self._label(path, self.modules[path].functions[name]) for (path, name), _ in
                  steps]
        # Only the last step, ``key`` itself, has no call span: the issue's goes there.
        before = tuple(ChainStep(path, span, label) for ((path, _), span), label
                       in zip(steps[:-1], labels, strict=False) if span is not None)
        return before, labels[-1]

    def _label(self, path: Path, placed: Placed) -> str:
        if placed.facts.cls:
            return placed.facts.qualname
        return f"{self.index.label(path)}.{placed.facts.qualname}"

    def _dependents(self, reach: Reach) -> dict[Path, set[Path]]:
        """Changing a file changes its findings and those of files it reaches or imports."""
        result: dict[Path, set[Path]] = {p: {p} for p in self.modules}
        for key, hop in reach.hops.items():
            entry = _entry_of(reach, key)
            result[entry[0]].add(key[0])
            result[key[0]].add(entry[0])
            if hop.parent is not None:
                result[key[0]].add(hop.parent[0])
        return result


def _entry_of(reach: Reach, key: Key) -> Key:
    current = key
    while reach.hops[current].parent is not None:
        parent = reach.hops[current].parent
        assert parent is not None
        current = parent
    return current


def _suppressed(modules: dict[Path, ModuleFacts], module: ModuleFacts, issue: Issue,
                key: Key | None, chain: Iterable[ChainStep]) -> bool:
    if _suppressed_at(module, issue.code, issue.span.start.line):
        return True
    if key is not None:
        placed = module.functions.get(key[1])
        if placed and _suppressed_at(module, issue.code, placed.facts.first_line
                                     + placed.offset - 1):
            return True
    return any(_suppressed_at(modules[step.path], issue.code, step.span.start.line)
               for step in chain if step.path in modules)


def _suppressed_at(module: ModuleFacts, code: str, line: int) -> bool:
    codes = module.suppressions.get(line)
    return codes is not None and ("*" in codes or code in codes)


def _finding(path: Path, issue: Issue, chain: tuple[ChainStep, ...]) -> Finding:
    info = RULES[issue.code]
    message = issue.message
    if chain:
        labels = [step.label for step in chain] + ([issue.label] if issue.label else [])
        message += f" (reached from {' → '.join(labels)})"
    return Finding(code=issue.code, message=message, severity=info.severity, path=path,
                   span=issue.span, chain=chain, fixes=issue.fixes, doc_url=info.doc_url,
                   data={"rule": info.name})


def _order(finding: Finding) -> tuple[int, int, str]:
    return finding.span.start.line, finding.span.start.column, finding.code
