"""The editor's line and exception breakpoints, as debugpy last heard them.

Going back in a replay means starting it again in a new debuggee (and a new debugpy
adapter): that one must hear the same breakpoints, and only once the replay has reached the
point it goes back to, or they would stop it on the way.
"""

from __future__ import annotations

from typing import Any

Message = dict[str, Any]


class EditorBreakpoints:
    """The last ``setBreakpoints`` per source and the last ``setExceptionBreakpoints``."""

    def __init__(self) -> None:
        self._by_source: dict[str, Message] = {}
        self._exceptions: Message | None = None

    def lines(self, arguments: Message) -> None:
        """Remember a ``setBreakpoints`` (it replaces the source's earlier ones)."""
        source = arguments.get("source") or {}
        key = str(source.get("path") or source.get("sourceReference") or source.get("name"))
        self._by_source[key] = arguments

    def exceptions(self, arguments: Message) -> None:
        """Remember the ``setExceptionBreakpoints`` arguments sent to debugpy."""
        self._exceptions = arguments

    def requests(self) -> list[Message]:
        """The requests that tell a new debugpy all of them."""
        found = [{"type": "request", "command": "setBreakpoints", "arguments": arguments}
                 for arguments in self._by_source.values()]
        if self._exceptions is not None:
            found.append({"type": "request", "command": "setExceptionBreakpoints",
                          "arguments": self._exceptions})
        return found
