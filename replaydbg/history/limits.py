"""Read history files with bounds, so no input can hang replaydbg or exhaust its memory.

Only regular files are read: a FIFO blocks until someone writes to it and ``/dev/zero`` never
ends. The bytes read and the bytes gzip expands to are both capped. Temporal itself refuses
histories over 50 MB by default, so the default cap (1 GiB) leaves a lot of room; the cap is
raised with ``--max-history-size`` or ``REPLAYDBG_MAX_HISTORY_SIZE``, which the debug adapter's
processes inherit.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import zlib
from pathlib import Path

from replaydbg.errors import ConfigError, HistoryFileError

#: Environment variable holding the cap; the CLI option sets it so child processes agree.
ENV_VAR = "REPLAYDBG_MAX_HISTORY_SIZE"
DEFAULT_CAP = 1 << 30
_CHUNK = 1 << 20
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1 << 10, "m": 1000**2, "mb": 1000**2,
          "mib": 1 << 20, "g": 1000**3, "gb": 1000**3, "gib": 1 << 30}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")
_RAISE_HINT = "raise the limit with --max-history-size SIZE (e.g. 4GiB) or {env}=SIZE"
_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def parse_size(text: str) -> int:
    """``1GiB``, ``500MB``, ``2000000`` -> bytes; ``ConfigError`` for anything else."""
    match = _SIZE.match(text.lower())
    if not match or match.group(2) not in _UNITS or float(match.group(1)) <= 0:
        raise ConfigError(
            f"invalid history size limit {text!r}",
            hint="give a positive size such as 2GiB, 500MB or 1000000 (bytes)",
        )
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def history_cap() -> int:
    """The cap in force: ``REPLAYDBG_MAX_HISTORY_SIZE`` if set, else 1 GiB."""
    text = os.environ.get(ENV_VAR, "").strip()
    return parse_size(text) if text else DEFAULT_CAP


def size_text(size: int) -> str:
    """``1073741824`` -> ``1 GiB``: sizes in messages read at a glance."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def too_big(source: str, what: str, cap: int) -> HistoryFileError:
    """The error for a history over the cap: names the cap and how to raise it."""
    return HistoryFileError(
        f"{source}: {what}, over the history size limit of {size_text(cap)} "
        "(Temporal itself refuses histories over 50 MB by default)",
        hint=_RAISE_HINT.format(env=ENV_VAR),
    )


def read_bounded(file: Path, source: str, cap: int) -> bytes:
    """The bytes of the regular file ``file``, at most ``cap`` of them."""
    # O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
    fd = _open(file, source)
    try:
        info = os.fstat(fd)
        _check_regular(info.st_mode, source)
        if info.st_size > cap:
            raise too_big(source, f"the file is {size_text(info.st_size)}", cap)
        data = _read_fd(fd, cap + 1)
    finally:
        os.close(fd)
    if len(data) > cap:  # the file grew while we read it
        raise too_big(source, f"the file is over {size_text(cap)}", cap)
    return data


def _read_fd(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(_CHUNK * 16, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _open(file: Path, source: str) -> int:
    try:
        return os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as err:
        raise HistoryFileError(
            f"history file {source} does not exist",
            hint="check the path; save a history with "
            "`temporal workflow show --workflow-id ID --output json > FILE`",
        ) from err
    except IsADirectoryError as err:
        raise HistoryFileError(
            f"{source} is a directory, not a history file",
            hint="pass the path of a history file (e.g. DIR/history.json)",
        ) from err
    except OSError as err:
        raise _open_error(err, source) from err


def _open_error(err: OSError, source: str) -> HistoryFileError:
    if err.errno == errno.ELOOP:
        return HistoryFileError(
            f"{source}: the symbolic link loops (it leads back to itself)",
            hint="point the link at the history file (`ls -l` shows where it leads), "
            "or pass the file's own path",
        )
    if err.errno in (errno.EACCES, errno.EPERM):
        return HistoryFileError(f"cannot read history file {source}: {err.strerror}",
                                hint="check the file's permissions")
    return HistoryFileError(f"cannot read history file {source}: {err.strerror or err}",
                            hint="check the path and that the file can be read")


def _check_regular(mode: int, source: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise HistoryFileError(
            f"{source} is a directory, not a history file",
            hint="pass the path of a history file (e.g. DIR/history.json)",
        )
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    raise HistoryFileError(
        f"{source} is {kind}, not a history file; replaydbg reads only regular files",
        hint="save the history to a file first (e.g. `temporal workflow show --workflow-id ID "
        "--output json > history.json`) and pass that file",
    )


def gunzip_bounded(data: bytes, source: str, cap: int) -> bytes:
    """Undo one layer of gzip (every member of it), expanding to at most ``cap`` bytes.

    Decompression is incremental, so a gzip bomb is refused once it passes the cap, with no
    more than the cap in memory; and one made of a single repeated byte (zeros, typically) is
    refused after its first megabyte, since no history looks like that.
    """
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        pending = rest
        while pending and not inflater.eof:
            before = len(out)
            out += inflater.decompress(pending, min(_CHUNK, cap + 1 - before))
            pending = inflater.unconsumed_tail
            _check_expansion(out, before, source, cap)
        if not inflater.eof:
            raise zlib.error("the data ends before the end of the gzip stream")
        rest = inflater.unused_data
        if rest and not rest.startswith(b"\x1f\x8b") and not rest.strip(b"\0"):
            break  # zero padding after the last member, as tape tools write
    return bytes(out)


def _check_expansion(out: bytearray, before: int, source: str, cap: int) -> None:
    if len(out) > cap:
        raise too_big(source, f"it decompresses to more than {size_text(cap)}", cap)
    first_window_done = before < _CHUNK <= len(out)
    if first_window_done and out.count(out[:1], 0, _CHUNK) == _CHUNK:
        raise HistoryFileError(
            f"{source}: the gzip data expands to the byte {out[0]:#04x} repeated over and "
            "over, not a history (a decompression bomb?)",
            hint="check where the file came from; save the history again with "
            "`temporal workflow show --workflow-id ID --output json`",
        )
