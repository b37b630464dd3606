"""The rules' public entry point: a workspace of Python files, some of them open in an editor.

The language server and ``replaydbg check`` both drive this class. It owns the caches: file
texts (by modification time), module facts (by text), chunk facts (by chunk text, shared by
all files) and per-function results (see :mod:`.memo`), so that re-analysing after one edit
re-scans and re-checks one top-level statement. Not
thread-safe: call it from one thread.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from replaydbg.rules.analysis import Analysis, AnalysisResult
from replaydbg.rules.catalog import RULES, RuleInfo
from replaydbg.rules.config import Config
from replaydbg.rules.factcache import FactCache, text_key, workspace_state
from replaydbg.rules.memo import Memo
from replaydbg.rules.model import Finding
from replaydbg.rules.module import ChunkCache, ModuleFacts, assemble, parsed_chunks
from replaydbg.rules.resolve import ModuleIndex, imported_paths

logger = logging.getLogger(__name__)

#: Folders that never hold the user's workflow code.
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "env",
                           ".tox", ".nox", "node_modules", "build", "dist", "site-packages",
                           ".mypy_cache", ".ruff_cache", ".pytest_cache", ".eggs"})


class Workspace:
    """All Python files under ``root``; open editor buffers override the files on disk."""

    def __init__(self, root: Path, config: Config, cache: FactCache | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        self.config = config
        #: Facts kept between processes (``replaydbg check``); None keeps them in memory only.
        self.cache = cache
        self._documents: dict[Path, str] = {}
        self._disk: dict[Path, tuple[int, int, str]] = {}
        self._modules: dict[Path, tuple[str, ModuleFacts]] = {}
        self._chunks = ChunkCache()
        self._files: list[Path] | None = None
        self._index: ModuleIndex | None = None
        self._indexed: tuple[Path, ...] = ()
        self._memo = Memo()
        self._last: tuple[tuple[tuple[Path, int], ...], AnalysisResult] | None = None

    def set_document(self, path: Path, text: str) -> None:
        """Use ``text`` for ``path`` (an open, maybe unsaved, editor buffer)."""
        self._documents[self._key(path)] = text

    def forget_document(self, path: Path) -> None:
        """The buffer was closed: read ``path`` from disk again."""
        self._documents.pop(self._key(path), None)

    def rescan(self) -> None:
        """Look for added or deleted files on the next analysis."""
        self._files = None

    def rules(self) -> list[RuleInfo]:
        """Every rule, in documentation order."""
        return list(RULES.values())

    def analyze(self, paths: Iterable[Path] | None = None) -> dict[Path, list[Finding]]:
        """Findings for ``paths`` (every Python file of the workspace when None).

        The whole workspace is analysed either way, because a workflow in another file may
        reach a helper in one of ``paths``; only the findings of ``paths`` are returned.
        """
        if paths is None:
            self._files = None
        result = self._analysis()
        if paths is None:
            return {p: list(f) for p, f in result.findings.items()
                    if not self._excluded(p)}
        wanted = [self._key(p) for p in paths]
        return {p: list(result.findings.get(p, [])) for p in wanted if not self._excluded(p)}

    def dependents(self, path: Path) -> set[Path]:
        """Files whose findings may change when ``path`` changes (``path`` included)."""
        key = self._key(path)
        if self._last is None:
            self._analysis()
        assert self._last is not None
        return set(self._last[1].dependents.get(key, {key}))

    def _analysis(self) -> AnalysisResult:
        with _collector_paused():
            return self._paused_analysis()

    def _paused_analysis(self) -> AnalysisResult:
        state = workspace_state(self.config, self._fingerprints()) \
            if self.cache is not None else b""
        known = self.cache.findings(state) if self.cache is not None else None
        if known is not None:  # a re-run over the very same files and settings
            return AnalysisResult(known)
        texts = self._texts()
        modules = self._current_modules(texts)
        stamp = tuple((p, id(m)) for p, m in modules.items())
        if self._last is not None and self._last[0] == stamp:
            return self._last[1]
        assert self._index is not None  # built by _current_modules
        result = Analysis(modules, self._index, self.config, self._memo).run()
        if self.cache is not None:
            self.cache.keep_findings(state, result.findings)
            self.cache.save()
        self._last = (stamp, result)
        return result

    def _fingerprints(self) -> Iterator[tuple[Path, bytes]]:
        """Every file that is not excluded, with its size and time, or its buffer's hash."""
        for path in dict.fromkeys([*self._workspace_files(), *self._documents]):
            if self._excluded(path):
                continue
            if path in self._documents:
                yield path, text_key(self._documents[path])
                continue
            try:
                stat = os.stat(path)
            except OSError:
                continue
            yield path, b"%d:%d" % (stat.st_mtime_ns, stat.st_size)

    def _texts(self) -> dict[Path, str]:
        """The text of every file of the workspace that is not excluded."""
        texts: dict[Path, str] = {}
        for path in dict.fromkeys([*self._workspace_files(), *self._documents]):
            text = self._text(path)
            if text is not None and not self._excluded(path):
                texts[path] = text
        return texts

    def _index_of(self, texts: dict[Path, str]) -> ModuleIndex:
        paths = tuple(texts)
        if self._index is None or self._indexed != paths:
            self._index, self._indexed = ModuleIndex(self.root, list(paths)), paths
        return self._index

    def _current_modules(self, texts: dict[Path, str]) -> dict[Path, ModuleFacts]:
        """The facts of the modules that can matter: see :func:`_relevant`.

        Most files of a repository (tests, workers, scripts) hold no workflow and are not
        imported by one; reading their text is cheap, parsing it is most of a cold check.
        Files that mention ``defn`` or an escape hatch are the roots, open editor buffers
        too; every workspace module they import (at any depth) is parsed as well.
        """
        index = self._index_of(texts)
        modules: dict[Path, ModuleFacts] = {}
        pending = [p for p, t in texts.items() if p in self._documents or _relevant(t)]
        while pending:
            path = pending.pop()
            if path in modules:
                continue
            modules[path] = self._facts(path, texts[path])
            pending.extend(p for p in imported_paths(modules[path], index) if p in texts)
        return {p: modules[p] for p in texts if p in modules}

    def _facts(self, path: Path, text: str) -> ModuleFacts:
        cached = self._modules.get(path)
        if cached is None or cached[0] != text:
            cached = (text, self._fresh_facts(path, text))
            self._modules[path] = cached
        return cached[1]

    def _fresh_facts(self, path: Path, text: str) -> ModuleFacts:
        """Facts from the persistent cache, else parsed; a failure is kept as RDB002."""
        key = text_key(text) if self.cache is not None else b""
        chunks = self.cache.get(key) if self.cache is not None else None
        if chunks is None:
            try:
                chunks = parsed_chunks(text, self._chunks)
            except Exception as error:  # one file's defect must not stop the others
                logger.debug("extracting facts of %s failed", path, exc_info=True)
                return ModuleFacts(path, failure=("this file", error))
            if self.cache is not None:
                self.cache.put(key, chunks)
        return assemble(path, chunks)

    def _text(self, path: Path) -> str | None:
        if path in self._documents:
            return self._documents[path]
        try:
            stat = path.stat()
        except OSError:
            return None
        cached = self._disk.get(path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None
        self._disk[path] = (stat.st_mtime_ns, stat.st_size, text)
        return text

    def _workspace_files(self) -> list[Path]:
        if self._files is None:
            self._files = sorted(_python_files(self.root))
        return self._files

    def _excluded(self, path: Path) -> bool:
        if not self.config.exclude:
            return False
        try:
            return self.config.excluded(path.relative_to(self.root))
        except ValueError:
            return False

    def _key(self, path: Path) -> Path:
        return Path(os.path.abspath(path))


#: Text that any module with a workflow entry point or an escape hatch holds.
_ROOT_WORDS = ("defn", "UnsandboxedWorkflowRunner", "with_passthrough_all_modules")


def _relevant(text: str) -> bool:
    return any(word in text for word in _ROOT_WORDS)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the length of an analysis.

    A cold analysis of a 5,000-line module allocates some 100,000 AST nodes and tens of
    thousands of facts, enough to trigger collections that walk every object alive and free
    nothing: AST nodes, facts and findings hold no reference cycles and go with their
    reference counts. That was ~10% of an analysis, cold or after an edit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _python_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root] if root.suffix == ".py" else []
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        found.extend(Path(folder, f) for f in files if f.endswith(".py"))
    return found
