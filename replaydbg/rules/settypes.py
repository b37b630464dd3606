"""Which expressions are sets, and whether their elements hash the same in every process.

Only ``int``-like elements (ints, floats, bools, None) hash identically across processes;
strings, bytes, Enums, tuples of them and plain objects (hashed by id) do not, so iterating
such a set gives a different order on replay. The inference is local and cheap: literals,
``set()``/``frozenset()`` calls, comprehensions, annotations, and names assigned from those.
"""

from __future__ import annotations

import ast

SAFE = "int"
_SAFE_TYPES = frozenset({"int", "float", "bool", "None", "complex"})
_SET_TYPES = frozenset({"set", "frozenset", "Set", "FrozenSet", "AbstractSet", "MutableSet"})
_SET_OPS = (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor)


def element_kind(node: ast.expr, names: dict[str, str]) -> str | None:
    """The element kind of a set expression (``int``, ``str``, ``unknown``...), None if no set."""
    if isinstance(node, ast.Set):
        return _constants_kind(node.elts)
    if isinstance(node, ast.SetComp):
        return "unknown"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("set", "frozenset"):
            return _call_kind(node)
        return None
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "self":
            return names.get("self." + node.attr)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, _SET_OPS):
        return element_kind(node.left, names)
    return None


def _call_kind(node: ast.Call) -> str:
    if not node.args:
        return "unknown"
    argument = node.args[0]
    if isinstance(argument, (ast.List, ast.Tuple, ast.Set)):
        return _constants_kind(argument.elts)
    if isinstance(argument, ast.Constant) and isinstance(argument.value, (str, bytes)):
        return "str"
    return "unknown"


def _constants_kind(elements: list[ast.expr]) -> str:
    kinds = set()
    for element in elements:
        if not isinstance(element, ast.Constant):
            return "tuple" if isinstance(element, ast.Tuple) else "unknown"
        value = element.value
        kinds.add("str" if isinstance(value, str) else
                  "bytes" if isinstance(value, bytes) else SAFE)
    if kinds <= {SAFE}:
        return SAFE
    return "str" if "str" in kinds else "bytes" if "bytes" in kinds else "unknown"


def annotation_kind(annotation: ast.expr | None) -> str | None:
    """The element kind for ``set[str]``-style annotations, None for non-set annotations."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
    if name not in _SET_TYPES:
        return None
    if not isinstance(annotation, ast.Subscript):
        return "unknown"
    inner = annotation.slice
    inner_name = getattr(inner, "id", None)
    if isinstance(inner, ast.Constant) and inner.value is None:
        inner_name = "None"
    return SAFE if inner_name in _SAFE_TYPES else (inner_name or "unknown")
