"""Tell the history formats apart by content, never by file name.

Files get renamed, downloads lose their extension, and a ``.json`` may well be gzipped; so the
bytes decide: gzip by its magic number, JSON by its first significant character, anything
else that is text is described ("an HTML page", "the text table of `temporal workflow show`")
so the user knows what they saved instead, and the rest is tried as a binary protobuf
``temporal.api.history.v1.History``.
"""

from __future__ import annotations

import json
import zlib

from google.protobuf.message import DecodeError
from temporalio.api.history.v1 import History, HistoryEvent

from replaydbg.errors import HistoryFileError
from replaydbg.history.jsonhistory import events_from_json
from replaydbg.history.limits import gunzip_bounded, history_cap
from replaydbg.history.validate import validate_events

_GZIP_MAGIC = b"\x1f\x8b"
_MAX_GZIP_LAYERS = 3
_WHITESPACE = b" \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0D}
_JSON_SCALAR_STARTS = frozenset(bytes([byte]) for byte in b'"-0123456789tfn')
#: Other compressions, by magic number: named so the user can undo them.
_OTHER_COMPRESSIONS = ((b"BZh", "bzip2", "bunzip2"), (b"\xfd7zXZ\x00", "xz", "unxz"),
                       (b"\x28\xb5\x2f\xfd", "zstd", "unzstd"), (b"PK\x03\x04", "zip", "unzip"))
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SHOW_HINT = "save the history with `temporal workflow show --workflow-id ID --output json`"


def decompress(data: bytes, source: str, *, cap: int | None = None) -> bytes:
    """Undo gzip (even applied up to three times), expanding to at most ``cap`` bytes.

    Other data is returned as it is; other compressions and deeper gzip nesting are named.
    """
    limit = history_cap() if cap is None else cap
    for _ in range(_MAX_GZIP_LAYERS):
        if not data.startswith(_GZIP_MAGIC):
            break
        try:
            data = gunzip_bounded(data, source, limit)
        except zlib.error as err:
            raise HistoryFileError(
                f"{source}: the gzip data is corrupt or truncated ({err})",
                hint="download or compress the history again; `gzip -t FILE` checks a file",
            ) from err
    _check_still_compressed(data, source)
    return data


def _check_still_compressed(data: bytes, source: str) -> None:
    if data.startswith(_GZIP_MAGIC):
        raise HistoryFileError(
            f"{source}: gzip nested more than {_MAX_GZIP_LAYERS} times (after undoing "
            f"{_MAX_GZIP_LAYERS} layers the content is still gzip)",
            hint="decompress it yourself (`gunzip -c FILE | gunzip -c ... > history.json`) "
            "and pass the result, or compress the history only once",
        )
    for magic, name, tool in _OTHER_COMPRESSIONS:
        if data.startswith(magic):
            raise HistoryFileError(
                f"{source}: the file is {name}-compressed; replaydbg reads gzip or plain files",
                hint=f"decompress it first (`{tool}`), or compress with gzip",
            )


def events_from_bytes(data: bytes, source: str) -> list[HistoryEvent]:
    """Validated events from decompressed file content, whichever format it is in."""
    start = _significant_start(data)
    if not start:
        raise HistoryFileError(f"{source}: the file is empty", hint=_SHOW_HINT)
    if start[:1] in (b"{", b"[") or _is_json_scalar(data, start):
        return _json_or_binary(data, source)
    if _looks_like_text(data):
        raise HistoryFileError(
            f"{source}: not a JSON history: it looks like {_describe_text(start)}",
            hint=_SHOW_HINT,
        )
    encoding = _other_text_encoding(data)
    if encoding:
        raise HistoryFileError(
            f"{source}: the file is text in {encoding}, not UTF-8",
            hint="re-save it as UTF-8 (in an editor, or e.g. `iconv -f UTF-16 -t UTF-8 FILE`); "
            "Temporal writes JSON histories in UTF-8",
        )
    return events_from_binary(data, source)


def _other_text_encoding(data: bytes) -> str | None:
    """"UTF-16"/"Latin-1..." when ``data`` is text in an encoding other than UTF-8."""
    head = data[:4096]
    if head.startswith(_UTF16_BOMS) or _zero_every_other_byte(head):
        return "UTF-16 (or UTF-32)"
    if any(byte in _CONTROL_BYTES for byte in head) or all(byte < 0x80 for byte in head):
        return None
    if head[:1] == b"\n":  # binary protobuf histories start with field 1, tag 0x0A
        return None
    return "a single-byte encoding (Latin-1 or Windows-1252?)"


def _zero_every_other_byte(head: bytes) -> bool:
    pairs = len(head) // 2
    if pairs < 2:
        return False
    return head[0::2].count(0) == pairs or head[1::2].count(0) == pairs


def _json_or_binary(data: bytes, source: str) -> list[HistoryEvent]:
    try:
        return events_from_json(data, source)
    except HistoryFileError:
        # A binary History starts with 0x0A (a newline to a text sniffer); its next byte can
        # happen to be "{". Only when JSON fails, see whether the bytes are protobuf.
        if data[:1] != b"\n" or _looks_like_text(data):
            raise
        binary = _try_binary(data)
        if binary is None:
            raise
    validate_events(binary, source)
    return binary


def events_from_binary(data: bytes, source: str) -> list[HistoryEvent]:
    """Validated events from a serialized ``temporal.api.history.v1.History``."""
    try:
        history = History.FromString(data)
    except DecodeError as err:
        raise _not_a_history(source, f"protobuf decoding failed: {err}") from err
    events = list(history.events)
    if not _plausible(events):
        raise _not_a_history(source, "it decodes, but not into history events")
    validate_events(events, source)
    return events


def _try_binary(data: bytes) -> list[HistoryEvent] | None:
    try:
        events = list(History.FromString(data).events)
    except DecodeError:
        return None
    return events if _plausible(events) else None


def _plausible(events: list[HistoryEvent]) -> bool:
    # Protobuf happily decodes many byte strings as unknown fields; real events have an id
    # and a type, so the first one tells whether this was a History at all.
    return bool(events) and events[0].event_id > 0 and events[0].event_type != 0


def _not_a_history(source: str, why: str) -> HistoryFileError:
    return HistoryFileError(
        f"{source}: neither JSON nor a binary temporal.api.history.v1.History ({why})",
        hint="binary histories must be a serialized History message (as written by "
        "`replaydbg history fetch -o FILE.pb`); " + _SHOW_HINT,
    )


def _is_json_scalar(data: bytes, start: bytes) -> bool:
    # A lone string or number is valid JSON, just not a history; say so rather than "text".
    if start[:1] not in _JSON_SCALAR_STARTS:
        return False
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def _significant_start(data: bytes) -> bytes:
    return data.removeprefix(_UTF8_BOM).lstrip(_WHITESPACE)[:512]


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if any(byte in _CONTROL_BYTES for byte in head):
        return False
    # A multi-byte character cut at the end of the sample is not a reason to call it binary.
    return head.decode("utf-8", errors="replace").count("\ufffd") <= 1


def _describe_text(start: bytes) -> str:
    text = start.decode("utf-8", errors="replace")
    lowered = text.lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<head" in lowered:
        return "an HTML page (a login or error page saved instead of the history?)"
    if lowered.startswith("<"):
        return "XML or HTML"
    if text.startswith("Progress:") or ("ID" in text and "Type" in text and "Time" in text):
        return "the text table of `temporal workflow show` (add `--output json`)"
    if text.startswith("---") or text.startswith("events:"):
        return "YAML"
    first_line = text.splitlines()[0] if text else ""
    return f"text starting with {first_line[:60]!r}"
