"""Tables of non-deterministic callables and reads, by fully qualified name.

The ``RDB1xx`` entries mirror ``SandboxRestrictions.invalid_module_members_default`` of the
installed temporalio (the ground truth; ``tests/rules/test_sandbox_agreement.py`` checks that
each really fails in the sandbox). The ``RDB2xx`` entries are what the sandbox lets through
although it differs between runs (see replaydbg/docs/rules.md for how each was confirmed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hazard:
    """What a callable does wrong, and the mechanical fix kind if there is one."""

    code: str
    what: str
    fix: str = ""


_RANDOM_FUNCTIONS = (
    "random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform",
    "triangular", "gauss", "normalvariate", "lognormvariate", "expovariate", "vonmisesvariate",
    "gammavariate", "betavariate", "paretovariate", "weibullvariate", "getrandbits",
    "randbytes", "seed", "getstate", "setstate", "binomialvariate",
)
_PATH_IO = (
    "chmod", "cwd", "exists", "expanduser", "glob", "group", "hardlink_to", "home",
    "is_block_device", "is_char_device", "is_dir", "is_fifo", "is_file", "is_mount",
    "is_socket", "is_symlink", "iterdir", "lchmod", "link_to", "lstat", "mkdir", "open",
    "owner", "read_bytes", "read_link", "read_text", "rename", "replace", "resolve", "rglob",
    "rmdir", "samefile", "stat", "symlink_to", "touch", "unlink", "write_bytes", "write_text",
)
_LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "log")

CLOCK = "reads the wall clock"

#: Exact qualified names.
EXACT: dict[str, Hazard] = {
    "datetime.datetime.now": Hazard("RDB101", CLOCK, "now"),
    "datetime.datetime.utcnow": Hazard("RDB101", CLOCK, "now"),
    "datetime.datetime.today": Hazard("RDB101", CLOCK, "now"),
    "datetime.date.today": Hazard("RDB101", CLOCK, "today"),
    "time.time": Hazard("RDB101", CLOCK, "time"),
    "time.time_ns": Hazard("RDB101", CLOCK, "time_ns"),
    "time.monotonic": Hazard("RDB101", CLOCK, "time"),
    "time.monotonic_ns": Hazard("RDB101", CLOCK, "time_ns"),
    "time.perf_counter": Hazard("RDB101", CLOCK, "time"),
    "time.perf_counter_ns": Hazard("RDB101", CLOCK, "time_ns"),
    "time.process_time": Hazard("RDB101", "reads the process clock"),
    "time.process_time_ns": Hazard("RDB101", "reads the process clock"),
    "time.thread_time": Hazard("RDB101", "reads the thread clock"),
    "time.thread_time_ns": Hazard("RDB101", "reads the thread clock"),
    "time.localtime": Hazard("RDB101", "reads the clock and the host's time zone"),
    "time.get_clock_info": Hazard("RDB101", "inspects the host's clocks"),
    "time.tzset": Hazard("RDB101", "changes the process's time zone"),
    "time.pthread_getcpuclockid": Hazard("RDB101", "reads a thread's CPU clock"),
    "time.sleep": Hazard("RDB102", "blocks the workflow thread", "sleep"),
    "os.urandom": Hazard("RDB103", "returns OS randomness", "urandom"),
    "secrets.compare_digest": Hazard("", ""),
    "uuid.uuid1": Hazard("RDB104", "uses the host and the clock", "uuid4"),
    "uuid.uuid4": Hazard("RDB104", "is random", "uuid4"),
    "uuid.uuid7": Hazard("RDB104", "uses the clock and randomness", "uuid7"),
    "builtins.open": Hazard("RDB106", "opens a file"),
    "builtins.input": Hazard("RDB106", "reads the terminal"),
    "builtins.breakpoint": Hazard("RDB106", "stops in a debugger only with debug_mode=True"),
    "gzip.open": Hazard("RDB107", "opens a file"),
    "bz2.open": Hazard("RDB107", "opens a file"),
    "lzma.open": Hazard("RDB107", "opens a file"),
    "tarfile.open": Hazard("RDB107", "opens a file"),
    "marshal.dump": Hazard("RDB107", "writes a file"),
    "marshal.load": Hazard("RDB107", "reads a file"),
    "zoneinfo.ZoneInfo.from_file": Hazard("RDB107", "reads a file"),
    "zoneinfo.ZoneInfo.clear_cache": Hazard("RDB107", "changes the process's zone cache"),
    "zoneinfo.ZoneInfo.reset_tzpath": Hazard("RDB107", "changes the process's zone path"),
    "asyncio.to_thread": Hazard("RDB110", "runs code on another thread"),
    "builtins.hash": Hazard("RDB202", "differs between processes for str/bytes"),
    "builtins.id": Hazard("RDB202", "is a memory address"),
    "random.SystemRandom": Hazard("RDB205", "uses OS randomness"),
    "uuid.getnode": Hazard("RDB206", "reads the host's hardware address"),
    "io.open": Hazard("RDB207", "opens a file (not caught by the sandbox)"),
    "io.open_code": Hazard("RDB207", "opens a file (not caught by the sandbox)"),
    "os.stat": Hazard("RDB207", "reads the filesystem (not caught by the sandbox)"),
    "pkgutil.get_data": Hazard("RDB207", "reads a file (not caught by the sandbox)"),
    "builtins.print": Hazard("RDB210", "prints again on every replay", "print"),
    "importlib.import_module": Hazard("RDB211", "imports a module at run time"),
    "builtins.__import__": Hazard("RDB211", "imports a module at run time"),
    "asyncio.wait": Hazard("RDB212", "orders results by completion", "wait"),
    "asyncio.as_completed": Hazard("RDB212", "orders results by completion", "as_completed"),
}
EXACT |= {f"random.{n}": Hazard("RDB103", "is unseeded randomness", "random")
          for n in _RANDOM_FUNCTIONS}
EXACT |= {f"pathlib.Path.{n}": Hazard("RDB107", "touches the filesystem") for n in _PATH_IO}
EXACT |= {f"logging.{n}": Hazard("RDB210", "logs again on every replay", "logging")
          for n in _LOG_METHODS}
EXACT |= {f"logging.Logger.{n}": Hazard("RDB210", "logs again on every replay", "logger")
          for n in _LOG_METHODS}

#: Module (or class) prefixes: every callable under them.
PREFIXES: dict[str, Hazard] = {
    "os": Hazard("RDB105", "reads or changes the host"),
    "os.path": Hazard("RDB107", "touches the filesystem"),
    "platform": Hazard("RDB105", "reads the host"),
    "signal": Hazard("RDB105", "handles process signals"),
    "getpass": Hazard("RDB105", "reads the user's terminal"),
    "locale": Hazard("RDB105", "reads the host's locale"),
    "gettext": Hazard("RDB105", "reads translation files"),
    "getopt": Hazard("RDB105", "reads the command line"),
    "curses": Hazard("RDB105", "drives the terminal"),
    "readline": Hazard("RDB105", "drives the terminal"),
    "secrets": Hazard("RDB103", "is OS randomness"),
    "glob": Hazard("RDB107", "lists files"),
    "shutil": Hazard("RDB107", "touches the filesystem"),
    "tempfile": Hazard("RDB107", "creates files"),
    "fileinput": Hazard("RDB107", "reads files"),
    "filecmp": Hazard("RDB107", "reads files"),
    "dbm": Hazard("RDB107", "opens a database file"),
    "shelve": Hazard("RDB107", "opens a database file"),
    "mmap": Hazard("RDB107", "maps files"),
    "socket": Hazard("RDB108", "uses the network"),
    "http.client": Hazard("RDB108", "uses the network"),
    "http.server": Hazard("RDB108", "serves the network"),
    "urllib.request": Hazard("RDB108", "uses the network"),
    "ftplib": Hazard("RDB108", "uses the network"),
    "smtplib": Hazard("RDB108", "uses the network"),
    "poplib": Hazard("RDB108", "uses the network"),
    "imaplib": Hazard("RDB108", "uses the network"),
    "xmlrpc": Hazard("RDB108", "uses the network"),
    "socketserver": Hazard("RDB108", "serves the network"),
    "webbrowser": Hazard("RDB108", "opens a browser"),
    "select": Hazard("RDB108", "waits on OS handles"),
    "selectors": Hazard("RDB108", "waits on OS handles"),
    "requests": Hazard("RDB108", "uses the network"),
    "httpx": Hazard("RDB108", "uses the network"),
    "aiohttp": Hazard("RDB108", "uses the network"),
    "urllib3": Hazard("RDB108", "uses the network"),
    "threading": Hazard("RDB109", "uses threads"),
    "multiprocessing": Hazard("RDB109", "uses processes"),
    "concurrent.futures": Hazard("RDB109", "uses threads or processes"),
    "subprocess": Hazard("RDB109", "runs processes"),
    "sched": Hazard("RDB109", "schedules on the wall clock"),
    "sqlite3": Hazard("RDB207", "opens a database (not caught by the sandbox)"),
    "linecache": Hazard("RDB207", "reads source files (not caught by the sandbox)"),
    "importlib.resources": Hazard("RDB207", "reads package files (not caught by the sandbox)"),
    "weakref": Hazard("RDB213", "depends on garbage-collection timing"),
    "gc": Hazard("RDB213", "depends on garbage-collection timing"),
}

#: Dotted names that are non-deterministic to *read* (no call needed).
READS: dict[str, Hazard] = {
    "os.environ": Hazard("RDB105", "reads the worker's environment"),
    "os.name": Hazard("RDB105", "describes the host"),
    "sys.argv": Hazard("RDB208", "is the worker's command line"),
    "sys.platform": Hazard("RDB208", "describes the worker's platform"),
}

#: Method names that are a problem on any receiver (types are rarely known statically).
METHODS: dict[str, Hazard] = {
    "run_in_executor": Hazard("RDB110", "runs code on another thread"),
}


def lookup(name: str) -> Hazard | None:
    """The hazard of calling ``name`` (fully qualified), or None when it is safe."""
    hazard = EXACT.get(name)
    if hazard is not None:
        return hazard if hazard.code else None
    prefix = name
    while "." in prefix:
        prefix = prefix.rsplit(".", 1)[0]
        hazard = PREFIXES.get(prefix)
        if hazard is not None:
            return hazard
    return None


def module_hazard(module: str) -> Hazard | None:
    """The hazard of a whole module (for pass-through and import-time checks)."""
    prefix = module
    while prefix:
        if prefix in PREFIXES or prefix in ("random", "uuid", "time"):
            return PREFIXES.get(prefix) or Hazard("RDB103", "is non-deterministic")
        prefix = prefix.rsplit(".", 1)[0] if "." in prefix else ""
    return None
