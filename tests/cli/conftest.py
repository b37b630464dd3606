from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PEER_HISTORIES = ROOT.parent / "shared" / "peer-histories"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Result:
    """Run the real entry point (``python -m replaydbg``) in a fresh process."""
    merged = {**os.environ, **(env or {})}
    merged.pop("TEMPORAL_ADDRESS", None) if env is None else None
    proc = subprocess.run(
        [sys.executable, "-mreplaydbg", *args], cwd=cwd, env=merged,
        capture_output=True, text=True, timeout=240,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli
