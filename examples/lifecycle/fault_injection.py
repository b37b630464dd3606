"""Recording-only fault injection: make one workflow task fail once, on purpose.

The workflows import this module through the sandbox as a pass-through module, so the switch
that `record_histories.py` arms is the very object the workflow reads. Nothing arms it during a
replay, which is what keeps the workflow deterministic there.
"""

from __future__ import annotations

_armed: set[str] = set()


def arm(key: str) -> None:
    """Make the next `should_fail(key)` answer True."""
    _armed.add(key)


def should_fail(key: str) -> bool:
    """True once after `arm(key)`, False otherwise."""
    if key in _armed:
        _armed.discard(key)
        return True
    return False
