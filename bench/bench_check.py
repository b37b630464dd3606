"""Benchmark of the determinism rules: editor latency and ``replaydbg check`` vs temporalint.

1. Diagnostics for a generated 5,000-line workflow module through the Workspace API the
   language server uses: cold (new workspace) and after a one-line edit (goals: < 100 ms and
   < 30 ms).
2. ``python -m replaydbg check`` vs ``temporalint`` on the same generated corpus, as
   subprocesses (interpreter start included for both), best of N; and parity: every finding of
   temporalint's determinism rules (TPL001, TPL007, TPL008, TPL009) must have a replaydbg
   finding on the same line. Needs ``pip install temporalint``; part 2 is skipped without it.

3. With ``--tree PATH``: only both linters on a real tree, alternating, medians and ratio.

Run: /work/venv/bin/python bench/bench_check.py [--repeat 5] [--tree PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from replaydbg.rules import Config, Workspace

_CLASS = '''

@workflow.defn
class Flow{n}:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.done = False

    @workflow.run
    async def run(self, order: str) -> str:
        started = datetime.now()
        token = uuid.uuid4()
        pick = random.randint(1, 6)
        print("starting", order)
        logging.info("order %s", order)
        await workflow.execute_activity(charge, order)
        workflow.sleep(1)
        for tag in {{"a", "b", "c"}}:
            self.items.append(tag)
        total = helper_{n}(order)
        await workflow.execute_activity(charge, order, start_to_close_timeout=MINUTE)
        await workflow.wait_condition(lambda: self.done)
        return f"{{order}} {{started}} {{token}} {{pick}} {{total}} {{time.time()}}"

    @workflow.signal
    def finish(self) -> None:
        self.done = True

    @workflow.query
    def count(self) -> int:
        return len(self.items)


def helper_{n}(order: str) -> int:
    value = len(order)
    for index in range(3):
        value += index
    return value + int(time.monotonic())


def unused_{n}(order: str) -> str:
    values = [order.upper(), order.lower()]
    values.sort()
    return ",".join(values)
'''

_HEADER = '''"""A generated workflow module for the benchmark."""

import logging
import random
import time
import uuid
from datetime import datetime, timedelta

from temporalio import activity, workflow

MINUTE = timedelta(minutes=1)


@activity.defn
async def charge(order: str) -> str:
    return order
'''


def generate(lines: int) -> str:
    """A workflow module of about ``lines`` lines."""
    parts = [_HEADER]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(_CLASS.format(n=n))
        n += 1
    return "".join(parts)


def bench_editor(repeat: int) -> tuple[float, float, int, int]:
    """Median cold and after-edit milliseconds, the module's line and finding counts."""
    text = generate(5000)
    middle = text.index("class Flow25")
    edited = text[:middle] + text[middle:].replace("value = len(order)",
                                                   "value = len(order) + 1", 1)
    cold, warm, count = [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "flows.py")
        path.write_text(text)
        for attempt in range(repeat):
            started = time.perf_counter()
            workspace = Workspace(Path(folder), Config())
            workspace.set_document(path, text)
            count = len(workspace.analyze([path])[path])
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            workspace.set_document(path, edited if attempt % 2 == 0 else text)
            workspace.analyze([path])
            warm.append(time.perf_counter() - started)
    return (statistics.median(cold) * 1000, statistics.median(warm) * 1000,
            text.count("\n"), count)


def installed_env(pycache: str) -> dict[str, str]:
    """The environment of an installed tool: with bytecode (in ``pycache``, not the tree).

    ``PYTHONDONTWRITEBYTECODE`` would compile every module of replaydbg from source on every
    run (~0.2 s), while the tool compared with was installed with its bytecode.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _timed(command: list[str], repeat: int,
           env: dict[str, str] | None = None) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env=env)
        best = min(best, time.perf_counter() - started)
        out = proc.stdout
    return best, out


_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):\d+: (?P<code>[A-Z]+\d+) ", re.M)
_PARITY = {"TPL001": ("RDB301",), "TPL007": ("RDB302",), "TPL009": ("RDB210",),
           "TPL008": ("RDB1", "RDB2")}


def _covered(theirs: tuple[str, str, str], ours: set[tuple[str, str, str]]) -> bool:
    name, line, code = theirs
    return any(f[0] == name and f[1] == line and f[2].startswith(_PARITY[code]) for f in ours)


def bench_corpus(repeat: int, files: int) -> None:
    """Time both linters on the same corpus and check parity of the determinism rules."""
    temporalint = shutil.which("temporalint") or str(Path(sys.executable).with_name("temporalint"))
    if not Path(temporalint).exists():
        print("temporalint is not installed: skipping the comparison")
        return
    with tempfile.TemporaryDirectory() as folder:
        for index in range(files):
            Path(folder, f"flows_{index}.py").write_text(generate(500))
        env = installed_env(str(Path(folder, "pycache")))
        ours, our_out = _timed([sys.executable, "-m", "replaydbg", "check", "--no-cache",
                                folder], repeat, env)
        theirs, their_out = _timed([temporalint, folder], repeat, env)
    found = {(Path(m["path"]).name, m["line"], m["code"]) for m in _LINE.finditer(our_out)}
    missing = [key for key in ((Path(m["path"]).name, m["line"], m["code"])
                               for m in _LINE.finditer(their_out)) if key[2] in _PARITY
               and not _covered(key, found)]
    lines = files * generate(500).count("\n")
    print(f"corpus: {files} files, {lines} lines")
    print(f"replaydbg check: {ours * 1000:.0f} ms, {len(found)} findings")
    print(f"temporalint:     {theirs * 1000:.0f} ms, "
          f"{len(_LINE.findall(their_out))} findings")
    print(f"ratio replaydbg/temporalint: {ours / theirs:.2f}x (goal <= 1.0x)")
    print(f"temporalint determinism findings not found by replaydbg: {len(missing)}"
          + (f" e.g. {missing[:3]}" if missing else ""))


def _cpu_timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU (user + system) seconds of one run of ``command``, and its output.

    On a shared machine the wall time of one run swings with the other jobs' load; the CPU
    time it needs does far less, so the ratios are given on both.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, proc.stdout


def _ratio_line(label: str, ours: list[float], theirs: list[float], goal: float) -> str:
    ratios = sorted(o / t for o, t in zip(ours, theirs, strict=True))
    return (f"{label} median {statistics.median(ratios):.2f}x (rounds "
            f"{', '.join(f'{r:.2f}' for r in ratios)}; goal <= {goal}x)")


def bench_tree(tree: Path, repeat: int) -> None:
    """Both linters on a real tree, alternating, one run each per round; medians and ratios.

    Alternating keeps both under the same machine load (a shared machine's load drifts
    between a block of runs of one and a block of the other). replaydbg runs cold
    (``--no-cache``) against temporalint, and warm (its facts cache filled) against itself.
    """
    temporalint = shutil.which("temporalint") or str(Path(sys.executable).with_name("temporalint"))
    if not Path(temporalint).exists():
        print("temporalint is not installed: skipping the comparison")
        return
    check = [sys.executable, "-m", "replaydbg", "check"]
    wall: dict[str, list[float]] = {"cold": [], "warm": [], "temporalint": []}
    cpu: dict[str, list[float]] = {"cold": [], "warm": [], "temporalint": []}
    outs: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as pycache:
        env = {**installed_env(pycache), "REPLAYDBG_CACHE_DIR": cache}
        _timed([*check, str(tree)], 1, env)  # fill the caches: facts, bytecode of both
        _timed([temporalint, str(tree)], 1, env)
        commands = {"cold": [*check, "--no-cache", str(tree)], "warm": [*check, str(tree)],
                    "temporalint": [temporalint, str(tree)]}
        for _ in range(repeat):
            for name, command in commands.items():
                seconds, cpu_seconds, outs[name] = _cpu_timed(command, env)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    print(f"tree {tree}: {repeat} rounds, medians (wall / CPU)")
    for name, label in (("cold", "replaydbg check, cold"), ("warm", "replaydbg check, warm"),
                        ("temporalint", "temporalint")):
        print(f"{label + ':':23}{statistics.median(wall[name]) * 1000:5.0f} ms / "
              f"{statistics.median(cpu[name]) * 1000:5.0f} ms, "
              f"{len(_LINE.findall(outs[name]))} findings")
    print(_ratio_line("wall cold/temporalint:", wall["cold"], wall["temporalint"], 1.0))
    print(_ratio_line("CPU  cold/temporalint:", cpu["cold"], cpu["temporalint"], 1.0))
    print(_ratio_line("wall warm/cold:       ", wall["warm"], wall["cold"], 0.3))
    print(_ratio_line("CPU  warm/cold:       ", cpu["warm"], cpu["cold"], 0.3))


def main() -> None:
    """Run both benchmarks and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--tree", type=Path,
                        help="only compare both linters on this tree (e.g. a checkout of "
                        "temporalio/samples-python)")
    args = parser.parse_args()
    if args.tree is not None:
        bench_tree(args.tree, args.repeat)
        return
    cold, warm, lines, count = bench_editor(args.repeat)
    print(f"editor: {lines}-line workflow module, {count} findings")
    print(f"  cold:       {cold:6.1f} ms (goal < 100 ms, ratio {cold / 100:.2f})")
    print(f"  after edit: {warm:6.1f} ms (goal < 30 ms, ratio {warm / 30:.2f})")
    bench_corpus(args.repeat, args.files)


if __name__ == "__main__":
    main()
