"""Advice for a sandbox refusal seen at runtime, from the same tables as the static rules.

The sandbox says only "Cannot access datetime.datetime.now.__call__ from inside a workflow";
the rule that catches the same call statically knows what to use instead.
"""

from __future__ import annotations

import re

from replaydbg.rules.callables import lookup, module_hazard
from replaydbg.rules.catalog import RULES

_REFUSED = re.compile(r"Cannot access (\S+?) from inside a workflow")
_DUNDERS = re.compile(r"(\.__\w+__)+$")


def restricted_access_advice(message: str) -> str | None:
    """``datetime.datetime.now reads the wall clock; use workflow.now()/… (RDB101)``."""
    found = _REFUSED.search(message)
    if found is None:
        return None
    name = _DUNDERS.sub("", found.group(1))
    hazard = lookup(name) or module_hazard(name)
    if hazard is None or hazard.code not in RULES:
        return None
    return f"{name} {RULES[hazard.code].summary} ({hazard.code})"
