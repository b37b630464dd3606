"""Which Python files define ``@workflow.defn`` classes, and of which types, without importing.

Discovery imports the files it finds, and importing runs module-level code: a script, a test
module or a worker's ``main`` must not be imported just because it lies in the scanned tree.
A file counts only when its syntax tree has a class decorated with the SDK's ``defn`` under
any of the spellings the SDK's users write (``@workflow.defn``, ``@wf.defn`` after ``from
temporalio import workflow as wf``, ``@defn`` after ``from temporalio.workflow import defn``,
with or without arguments). Workflow code quoted in strings or comments does not count.

The same pass reads each class's workflow type when the source says it plainly (the class
name, or ``name="..."``), so that a search for one type imports only the files that can
hold it; a type the source computes is unknown, and such a file is always imported.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox",
                       ".mypy_cache", "build", "dist", "site-packages"})


@dataclass(frozen=True)
class WorkflowFile:
    """A file that defines workflow classes."""

    path: Path
    #: The workflow types its classes declare; None when one of them cannot be read from
    #: the source (a computed name, or a file that does not parse).
    types: frozenset[str] | None

    def may_hold(self, workflow_type: str | None) -> bool:
        """Whether this file can define ``workflow_type`` (None: any type)."""
        return workflow_type is None or self.types is None or workflow_type in self.types


def workflow_files(root: Path) -> Iterable[WorkflowFile]:
    """The ``.py`` files under ``root`` that define a workflow, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for filename in sorted(filenames):
            if filename.endswith(".py"):
                found = read_workflow_file(Path(dirpath, filename))
                if found is not None:
                    yield found


def python_files(root: Path) -> Iterable[Path]:
    """The paths of :func:`workflow_files`."""
    return (found.path for found in workflow_files(root))


def read_workflow_file(file: Path) -> WorkflowFile | None:
    """``file`` as a WorkflowFile, None when it defines no workflow (or cannot be read)."""
    try:
        source = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    types = declared_workflow_types(source)
    return None if types == frozenset() else WorkflowFile(file, types)


def source_defines_workflow(source: str) -> bool:
    """True when ``source`` has a ``@workflow.defn`` class, or cannot be parsed to tell."""
    return declared_workflow_types(source) != frozenset()


def declared_workflow_types(source: str) -> frozenset[str] | None:
    """The workflow types ``source`` defines: empty for none, None when one is unknown.

    A file that does not parse but speaks of workflows is unknown: importing it is what
    tells the user where the syntax error is.
    """
    if "defn" not in source or ("temporalio" not in source and "workflow.defn" not in source):
        return frozenset()  # cheap: most files are rejected here without parsing
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None if "workflow" in source else frozenset()
    defn_names: set[str] = set()
    module_names: set[str] = set()
    classes: list[ast.ClassDef] = []
    for node in ast.walk(tree):  # one pass: imports may follow the class (in a function)
        if isinstance(node, ast.ClassDef):
            classes.append(node)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            _note_aliases(node, defn_names, module_names)
    types: set[str] = set()
    for cls in classes:
        for decorator in cls.decorator_list:
            if _is_defn(decorator, defn_names, module_names):
                name = _declared_name(cls, decorator)
                if name is None:
                    return None
                types.add(name)
    return frozenset(types)


def _note_aliases(node: ast.Import | ast.ImportFrom, defn_names: set[str],
                  module_names: set[str]) -> None:
    """Names bound to ``temporalio.workflow.defn`` and to the ``temporalio.workflow`` module."""
    if isinstance(node, ast.Import):
        module_names.update(a.asname for a in node.names
                            if a.name == "temporalio.workflow" and a.asname)
    elif node.module == "temporalio.workflow":
        defn_names.update(a.asname or a.name for a in node.names if a.name == "defn")
    elif node.module == "temporalio":
        module_names.update(a.asname or a.name for a in node.names if a.name == "workflow")


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


def _declared_name(cls: ast.ClassDef, decorator: ast.expr) -> str | None:
    """The type ``@defn`` gives ``cls``: its ``name=`` literal, else the class name."""
    if not isinstance(decorator, ast.Call):
        return cls.name
    if decorator.args:  # defn(SomeClass) or other positional use: not plain
        return None
    for keyword in decorator.keywords:
        if keyword.arg is None:  # **options: could hold a name
            return None
        if keyword.arg == "dynamic":  # any type the worker has no other workflow for
            return None
        if keyword.arg == "name":
            value = keyword.value
            return value.value if isinstance(value, ast.Constant) and isinstance(
                value.value, str) else None
    return cls.name


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        owner = _dotted(expr.value)
        return f"{owner}.{expr.attr}" if owner else None
    return None
