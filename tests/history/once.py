"""Process-wide "first time?" flags for test workflows.

Passed through the workflow sandbox so the state outlives a failed workflow task, which lets
a workflow fail exactly one task on purpose.
"""

from __future__ import annotations

_seen: set[str] = set()


def first_time(key: str) -> bool:
    """True the first time ``key`` is seen in this process."""
    if key in _seen:
        return False
    _seen.add(key)
    return True
