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


#: What to do instead, for the rules whose summary says only what is wrong.
_INSTEAD = {
    "RDB105": "read host values in an activity and pass them to the workflow",
    "RDB106": "do I/O in an activity",
    "RDB107": "touch files in an activity",
    "RDB108": "call the network from an activity",
    "RDB109": "run the work in an activity; use asyncio tasks inside the workflow",
    "RDB110": "run blocking work in an activity",
    "RDB120": "call it from an activity, or add it to known-safe if it is deterministic",
    "RDB201": "iterate or pass sorted(...) of the set",
    "RDB202": "key on stable values (ids from the history, workflow.uuid4())",
    "RDB203": "pass workflow.now() (or a timestamp derived from it)",
    "RDB204": "pass tz=timezone.utc, or convert with an explicit time zone",
    "RDB205": "use workflow.random() or seed the instance from it",
    "RDB206": "read it in an activity",
    "RDB207": "do I/O in an activity",
    "RDB208": "pass what the workflow needs as input",
    "RDB209": "read configuration in an activity and pass it in",
    "RDB211": "import at module top level",
    "RDB213": "do not depend on garbage collection in workflow code",
    "RDB214": "keep state on the workflow instance",
    "RDB215": "compute it in the workflow (workflow.now(), workflow.random()) or an activity",
    "RDB216": "pass the value in, or use a default computed inside the workflow",
    "RDB301": "pass start_to_close_timeout= (or schedule_to_close_timeout=)",
    "RDB302": "await the coroutine (or workflow.start_* it and keep the handle)",
    "RDB303": "only read state in queries and validators; change it in signals and updates",
    "RDB304": "await workflow.wait_condition(workflow.all_handlers_finished) before returning",
    "RDB305": "workflow.continue_as_new() when workflow.info().is_continue_as_new_suggested()",
    "RDB306": "await something in the loop (workflow.wait_condition, asyncio.sleep)",
    "RDB901": "guard the change with workflow.patched(\"id\"): new code if patched, else the old",
    "RDB902": "make the line succeed on the recorded input (the task fails on every retry)",
    "RDB903": "make the module importable, or remove the file from the history folders",
}


def instead(code: str) -> str | None:
    """What to do instead of what rule ``code`` reports (None for input and info rules)."""
    if code in _INSTEAD:
        return _INSTEAD[code]
    summary = RULES[code].summary if code in RULES else ""
    _, _, advice = summary.partition("; ")
    return advice if advice.startswith("use ") else None
