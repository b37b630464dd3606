"""A module's facts, assembled from its chunks' facts (cached by chunk text).

Positions inside the facts stay chunk-relative; each function carries the line offset of its
chunk and :func:`place` turns raw spans into file positions only for what gets reported. That is
what lets an edit re-scan one chunk while the others come from :class:`ChunkCache` unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from replaydbg.rules.extract import chunk_facts
from replaydbg.rules.facts import (
    Binding,
    ChunkFacts,
    ClassFacts,
    FunctionFacts,
    ImportFact,
    RawSpan,
)
from replaydbg.rules.model import Position, Span
from replaydbg.rules.source import parse_text, split_chunks


def place(span: RawSpan, lines: int) -> Span:
    """A chunk-relative ``span`` of a chunk ``lines`` lines into the file, in file positions."""
    line, column, end_line, end_column = span
    return Span(Position(line + lines, column), Position(end_line + lines, end_column))


class Placed(NamedTuple):
    """A function's facts and the line offset of the chunk they came from."""

    facts: FunctionFacts
    offset: int

    def span(self, span: RawSpan) -> Span:
        """A span of these facts in file positions."""
        return place(span, self.offset)


@dataclass
class ModuleFacts:
    """Everything known about one file, ready for name resolution."""

    path: Path
    bindings: dict[str, Binding] = field(default_factory=dict)
    functions: dict[str, Placed] = field(default_factory=dict)
    classes: dict[str, tuple[ClassFacts, int]] = field(default_factory=dict)
    imports: list[tuple[ImportFact, int]] = field(default_factory=list)
    toplevel: list[Placed] = field(default_factory=list)
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    syntax_errors: list[tuple[int, int, str]] = field(default_factory=list)
    #: The first exception the analysis raised on this file, and where (RDB002).
    failure: tuple[str, Exception] | None = None

    @property
    def is_workflow_module(self) -> bool:
        """Whether a class here is decorated with something named ``defn`` from ``workflow``."""
        return any(d.name.endswith("defn") and "activity" not in d.name
                   for c, _ in self.classes.values() for d in c.decorators)

    def add(self, facts: ChunkFacts, offset: int) -> None:
        """Merge one chunk's facts, found ``offset`` lines into the file."""
        self.bindings.update(facts.bindings)
        for function in facts.functions:
            self.functions[function.qualname] = Placed(function, offset)
        for cls in facts.classes:
            self.classes[cls.qualname] = (cls, offset)
        self.imports.extend((i, offset) for i in facts.imports)
        self.toplevel.append(Placed(facts.toplevel, offset))
        for line, codes in facts.suppressions.items():
            self.suppressions[line + offset] = codes
        if facts.syntax_error is not None:
            line, column, message = facts.syntax_error
            self.syntax_errors.append((line + offset, column, message))


class ChunkCache:
    """Chunk text -> facts, bounded; shared by every file of a workspace."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._entries: OrderedDict[str, ChunkFacts] = OrderedDict()
        self._capacity = capacity

    def facts(self, text: str) -> ChunkFacts:
        """The facts of a chunk with this text, from the cache when seen before."""
        cached = self._entries.get(text)
        if cached is not None:
            self._entries.move_to_end(text)
            return cached
        result = chunk_facts(parse_text(text), text)
        self._entries[text] = result
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return result


def module_facts(path: Path, text: str, cache: ChunkCache) -> ModuleFacts:
    """Split, parse (through the cache) and assemble the facts of one file."""
    return assemble(path, parsed_chunks(text, cache))


def assemble(path: Path, chunks: list[tuple[ChunkFacts, int]]) -> ModuleFacts:
    """A module's facts from its chunks' facts and first lines."""
    module = ModuleFacts(path)
    for facts, first_line in chunks:
        module.add(facts, first_line)
    return module


def parsed_chunks(text: str, cache: ChunkCache) -> list[tuple[ChunkFacts, int]]:
    """Chunks' facts, with a statement split across chunks (a string at column 0) merged."""
    chunks = split_chunks(text)
    result: list[tuple[ChunkFacts, int]] = []
    index = 0
    while index < len(chunks):
        chunk = chunks[index]
        facts, taken = cache.facts(chunk.text), 1
        if facts.syntax_error is not None:
            merged, taken = _merge(chunks, index)
            facts = cache.facts(merged) if taken > 1 else facts
        result.append((facts, chunk.first_line))
        index += taken
    return result


def _merge(chunks: list, index: int) -> tuple[str, int]:  # type: ignore[type-arg]
    text = chunks[index].text
    for extra in range(1, 4):
        if index + extra >= len(chunks):
            break
        text += chunks[index + extra].text
        if parse_text(text, repair=False).error is None:
            return text, extra + 1
    return chunks[index].text, 1
