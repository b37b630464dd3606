"""The architecture, as the imports show it: layers, process boundaries, no cycles.

* the command line starts the servers: nothing below it imports ``replaydbg.cli``;
* the history, replay, project, rules and shadow layers import no server;
* the debug adapter's three processes (``dap.adapter``, ``dap.debuggee``, ``dap.mapper``)
  share only the control channel's protocol (``dap.control``);
* no module imports one that imports it back, however indirectly (type-only imports too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "replaydbg"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The replaydbg modules ``path`` imports (anywhere in it, TYPE_CHECKING blocks too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in MODULES}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _offenders(importer: str, imported: str) -> list[str]:
    return sorted(f"{m} imports {i}" for m, deps in GRAPH.items() if _in(m, importer)
                  for i in deps if _in(i, imported))


@pytest.mark.parametrize(("importer", "imported"), [
    *[(layer, "replaydbg.cli") for layer in ("replaydbg.dap", "replaydbg.lsp",
                                             "replaydbg.replay", "replaydbg.history",
                                             "replaydbg.project", "replaydbg.rules",
                                             "replaydbg.shadow")],
    *[(layer, server) for layer in ("replaydbg.replay", "replaydbg.history",
                                    "replaydbg.project", "replaydbg.rules", "replaydbg.shadow")
      for server in ("replaydbg.dap", "replaydbg.lsp")],
    # Shadowing replays through the replay layer: the replay layer knows nothing of it.
    *[(layer, "replaydbg.shadow") for layer in ("replaydbg.replay", "replaydbg.history",
                                                "replaydbg.project")],
    ("replaydbg.dap.adapter", "replaydbg.dap.debuggee"),
    ("replaydbg.dap.adapter", "replaydbg.dap.mapper"),
    ("replaydbg.dap.debuggee", "replaydbg.dap.adapter"),
    ("replaydbg.dap.debuggee", "replaydbg.dap.mapper"),
    ("replaydbg.dap.mapper", "replaydbg.dap.adapter"),
    ("replaydbg.dap.mapper", "replaydbg.dap.debuggee"),
])
def test_no_import_across_the_layers(importer: str, imported: str) -> None:
    assert _offenders(importer, imported) == []


def test_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in GRAPH[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert cycles == []


def test_the_graph_is_read() -> None:
    # A check that cannot fail because nothing was found would be worthless.
    assert "replaydbg.dap.adapter.session" in GRAPH
    assert "replaydbg.dap.adapter.going_back" in GRAPH["replaydbg.dap.adapter.session"]
    assert _offenders("replaydbg.cli", "replaydbg.dap")
