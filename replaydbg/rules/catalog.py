"""The rule catalogue: one stable code, name, severity and documentation anchor per rule.

Codes never change meaning once published (editors, CI configs and suppression comments
refer to them). Families: ``RDB0xx`` input problems, ``RDB1xx`` what the Python sandbox
restricts at runtime (found here before the workflow runs), ``RDB2xx`` what the sandbox
misses, ``RDB3xx`` workflow hygiene, ``RDB4xx`` escape hatches (information only),
``RDB9xx`` what a replay of the project's saved histories finds (``check --histories``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from replaydbg.rules.model import Severity

#: Where every rule is documented: the page shipped in the package (package data), so that
#: a link opens the entry of the installed version, offline. Anchors are ``#rdbNNN``.
DOC_FILE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
DOC_BASE = DOC_FILE.as_uri()


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is called and where its documentation lives."""

    code: str
    name: str
    summary: str
    severity: Severity
    doc_url: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

_TABLE: tuple[tuple[str, str, Severity, str], ...] = (
    ("RDB001", "syntax-error", _E, "the file does not parse; the parts that do are analysed"),
    ("RDB002", "not-analysed", _E,
     "the analysis failed on (part of) this file; the rest of the tree is still checked"),
    ("RDB101", "wall-clock", _E, "reads the wall clock; use workflow.now()/time()/time_ns()"),
    ("RDB102", "blocking-sleep", _E, "time.sleep blocks the workflow; use asyncio.sleep"),
    ("RDB103", "randomness", _E, "unseeded randomness; use workflow.random()"),
    ("RDB104", "uuid", _E, "random or host-based UUID; use workflow.uuid4()/uuid7()"),
    ("RDB105", "host-environment", _E,
     "reads the host (os, os.environ, platform, signal, getpass, locale)"),
    ("RDB106", "io-builtin", _E, "open()/input()/breakpoint() in workflow code"),
    ("RDB107", "filesystem", _E, "filesystem access (pathlib I/O, glob, shutil, tempfile...)"),
    ("RDB108", "network", _E, "network access (socket, http, urllib, requests, httpx...)"),
    ("RDB109", "threads-processes", _E,
     "threads or processes (threading, multiprocessing, concurrent.futures, subprocess)"),
    ("RDB110", "executor", _E, "asyncio.to_thread / run_in_executor leaves the workflow thread"),
    ("RDB120", "configured-nondeterministic", _E,
     "a callable configured as non-deterministic in [tool.replaydbg]"),
    ("RDB201", "set-order", _W, "iteration order of a set depends on hash randomisation"),
    ("RDB202", "hash-id", _W, "hash() and id() differ between processes"),
    ("RDB203", "local-time-format", _W,
     "time.gmtime/ctime/asctime()/strftime() without an argument read the clock"),
    ("RDB204", "host-timezone", _W,
     "fromtimestamp without tz and astimezone() use the host's time zone"),
    ("RDB205", "unseeded-random-instance", _W, "random.Random() without a seed, SystemRandom()"),
    ("RDB206", "host-id", _W, "uuid.getnode() reads the host's hardware address"),
    ("RDB207", "unrestricted-io", _W,
     "I/O the sandbox does not catch (io.open, os.stat, os.path imports, sqlite3...)"),
    ("RDB208", "process-info", _W, "sys.argv / sys.platform describe the worker process"),
    ("RDB209", "environ-scan", _W, "membership tests and iteration of os.environ"),
    ("RDB210", "print-logging", _W,
     "print and non-workflow loggers repeat on every replay; use workflow.logger"),
    ("RDB211", "dynamic-import", _W, "importlib.import_module/__import__ in workflow code"),
    ("RDB212", "asyncio-wait", _W,
     "asyncio.wait/as_completed order results by completion; use workflow.wait/as_completed"),
    ("RDB213", "gc-weakref", _W, "weakref and gc expose garbage-collection timing"),
    ("RDB214", "shared-state", _W,
     "mutable module-level state or a cache shared across workflow runs"),
    ("RDB215", "import-time", _W, "a non-deterministic call runs when the module is imported"),
    ("RDB216", "default-factory", _W,
     "a default value or default_factory from the clock or randomness"),
    ("RDB301", "activity-timeout", _E,
     "activity without start_to_close_timeout or schedule_to_close_timeout"),
    ("RDB302", "missing-await", _E, "a workflow coroutine is called but never awaited"),
    ("RDB303", "query-side-effect", _E,
     "a query or update validator changes state or issues a command"),
    ("RDB304", "unfinished-handlers", _W,
     "run may return while signal/update handlers are still running"),
    ("RDB305", "unbounded-history", _W, "an endless loop issues commands without continue_as_new"),
    ("RDB306", "busy-loop", _E, "a loop without await never yields: the workflow deadlocks"),
    ("RDB401", "sandbox-unrestricted", _I, "workflow.unsafe.sandbox_unrestricted() block"),
    ("RDB402", "sandbox-disabled", _I, "@workflow.defn(sandboxed=False)"),
    ("RDB403", "unsandboxed-runner", _I, "UnsandboxedWorkflowRunner runs workflows unsandboxed"),
    ("RDB404", "passthrough", _I, "a non-deterministic module is passed through the sandbox"),
    ("RDB901", "breaks-saved-histories", _E,
     "the code no longer replays saved histories: it issues other commands than they recorded"),
    ("RDB902", "fails-saved-histories", _E,
     "the code raises (or deadlocks) while replaying saved histories"),
    ("RDB903", "unreplayable-history", _E,
     "a saved history cannot be replayed against this code at all"),
)

#: Every rule by code, in documentation order.
RULES: dict[str, RuleInfo] = {
    code: RuleInfo(code, name, summary, severity, f"{DOC_BASE}#{code.lower()}")
    for code, name, severity, summary in _TABLE
}


def rule(code: str) -> RuleInfo:
    """The rule with this code (a ``KeyError`` means a typo in the analyser itself)."""
    return RULES[code]
