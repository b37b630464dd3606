"""Which Python files can define a ``@workflow.defn`` class, without importing them.

Discovery imports the files it finds, and importing runs module-level code: a script, a test
module or a worker's ``main`` must not be imported just because it lies in the scanned tree.
A file is imported only when its syntax tree has a class decorated with the SDK's ``defn``
under any of the spellings the SDK's users write (``@workflow.defn``, ``@wf.defn`` after
``from temporalio import workflow as wf``, ``@defn`` after ``from temporalio.workflow import
defn``, with or without arguments). Workflow code quoted in strings or comments does not count.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox",
                       ".mypy_cache", "build", "dist", "site-packages"})


def python_files(root: Path) -> Iterable[Path]:
    """The ``.py`` files under ``root`` that may define a workflow, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for filename in sorted(filenames):
            file = Path(dirpath, filename)
            if filename.endswith(".py") and may_define_workflow(file):
                yield file


def may_define_workflow(file: Path) -> bool:
    """True when ``file`` has a ``@workflow.defn`` class, or cannot be parsed to tell."""
    try:
        source = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return source_defines_workflow(source)


def source_defines_workflow(source: str) -> bool:
    """The test of :func:`may_define_workflow` on source text.

    A file that does not parse is let through when it speaks of workflows: importing it is
    what tells the user where the syntax error is.
    """
    if "defn" not in source:  # cheap: most files are rejected here without parsing
        return False
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return "workflow" in source
    defn_names, module_names = _sdk_aliases(tree)
    return any(_is_defn(decorator, defn_names, module_names)
               for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
               for decorator in node.decorator_list)


def _sdk_aliases(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to ``temporalio.workflow.defn`` and to the ``temporalio.workflow`` module."""
    defn_names: set[str] = set()
    module_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "temporalio.workflow":
            defn_names.update(a.asname or a.name for a in node.names if a.name == "defn")
        elif isinstance(node, ast.ImportFrom) and node.module == "temporalio":
            module_names.update(a.asname or a.name for a in node.names if a.name == "workflow")
        elif isinstance(node, ast.Import):
            module_names.update(a.asname for a in node.names
                                if a.name == "temporalio.workflow" and a.asname)
    return defn_names, module_names


def _is_defn(decorator: ast.expr, defn_names: set[str], module_names: set[str]) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    dotted = _dotted(target)
    if dotted is None:
        return False
    owner, _, last = dotted.rpartition(".")
    # "workflow.defn" also covers temporalio.workflow.defn and a workflow module re-exported
    # by the user's own package.
    return (dotted in defn_names or dotted.endswith("workflow.defn")
            or (last == "defn" and owner in module_names))


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        owner = _dotted(expr.value)
        return f"{owner}.{expr.attr}" if owner else None
    return None
