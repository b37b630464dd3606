"""Write a history to a file in the format its name asks for.

``.json`` (or anything else): proto3 JSON ``{"events": [...]}``, the format of
``temporal workflow show --output json``, so every tool reads it; ``.pb`` / ``.binpb``: the
binary ``temporal.api.history.v1.History``; a trailing ``.gz`` gzips either. The file is
written next to its final name and renamed into place, so an interrupted save never leaves
a truncated history behind.
"""

from __future__ import annotations

import gzip
import os
import stat
import tempfile
from pathlib import Path

from google.protobuf import json_format
from temporalio.api.history.v1 import History as HistoryMessage

from replaydbg.errors import HistoryFileError
from replaydbg.history.model import History

_BINARY_SUFFIXES = (".pb", ".binpb")


def save_history(history: History, path: str | Path) -> Path:
    """Write ``history`` to ``path`` (format from the suffixes); returns the path written."""
    target = Path(path)
    _write_atomically(target, encode_history(history, target.name))
    return target


def encode_history(history: History, file_name: str) -> bytes:
    """The bytes ``save_history`` writes for a file called ``file_name``."""
    message = HistoryMessage(events=history.events)
    compressed = file_name.endswith(".gz")
    inner = file_name.removesuffix(".gz")
    if inner.endswith(_BINARY_SUFFIXES):
        data = message.SerializeToString()
    else:
        data = (json_format.MessageToJson(message, indent=2) + "\n").encode()
    # mtime=0 keeps the output reproducible: same history, same bytes.
    return gzip.compress(data, mtime=0) if compressed else data


def _write_atomically(target: Path, data: bytes) -> None:
    try:
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as err:
        raise _write_error(target, err) from err
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except OSError as err:
        Path(temp_name).unlink(missing_ok=True)
        raise _write_error(target, err) from err


def _mode_for(target: Path) -> int:
    # mkstemp creates owner-only files; a saved history should look like any other file,
    # except in an owner-only folder (a debug session's copy of customer payloads): there
    # it stays owner-only.
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    try:
        private = not stat.S_IMODE(target.parent.stat().st_mode) & 0o077
    except OSError:
        private = False
    return 0o600 if private else 0o644


def _write_error(target: Path, err: OSError) -> HistoryFileError:
    return HistoryFileError(
        f"cannot write history file {target}: {err.strerror or err}",
        hint="check that the directory exists and is writable",
    )
