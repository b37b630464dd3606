"""The one error hierarchy of replaydbg.

Every message says what went wrong *and* what to do about it; the protocol layers (CLI, DAP,
LSP) turn these into exit codes, error responses and notifications. Messages never contain
secrets (API keys, key material): callers pass file *paths* and server addresses only.
"""

from __future__ import annotations

import errno


class ReplaydbgError(Exception):
    """Base of all errors replaydbg reports to the user instead of a traceback."""

    #: Process exit code the CLI uses for this error.
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class InputError(ReplaydbgError):
    """The user's input (a file, an option, a workflow id) is wrong; exit code 2."""

    exit_code = 2


class HistoryFileError(InputError):
    """A history file is missing, unreadable, or not in any format replaydbg knows."""


class HistoryContentError(InputError):
    """A history parsed but is not a usable workflow history (empty, wrong first event...)."""


class FetchError(InputError):
    """Fetching a history from a Temporal server failed."""


class WorkflowNotFoundError(FetchError):
    """The server has no such workflow execution in that namespace."""


class NamespaceNotFoundError(FetchError):
    """The server has no such namespace."""


class ServerUnreachableError(FetchError):
    """No Temporal server answered at the address within the wait bound."""


class AuthError(FetchError):
    """The server refused the credentials (never reported as "not found")."""


class WorkflowDiscoveryError(InputError):
    """The workflow class to replay could not be found, imported, or chosen unambiguously."""


class ConfigError(InputError):
    """A connection option or environment configuration profile is invalid."""


class CodecServerError(InputError):
    """A remote codec server could not be used to decode (or encode) payloads."""


class CodecServerUnreachableError(CodecServerError):
    """The codec server refused the connection, could not be resolved, or did not answer."""


class CodecServerAuthError(CodecServerError):
    """The codec server refused the credentials (HTTP 401/403)."""


class CodecServerAnswerError(CodecServerError):
    """The codec server answered, but with an HTTP error or not with ``{"payloads": [...]}``."""


class WorkerSetupError(InputError):
    """What the worker was given (plugins, interceptors, converter, sandbox) is wrong or missing.

    A replay without the worker's plugin can fail before any workflow code runs: a sandbox
    restriction the plugin would lift, a payload only its codec can decode.
    """


class PortError(InputError):
    """A server could not listen on the port it was given (taken, or not ours to use)."""

    @classmethod
    def from_os_error(cls, err: OSError, host: str, port: int, option: str) -> PortError:
        """Say why ``host:port`` cannot be used, and how to choose another port."""
        how = f"choose another with {option} PORT, or {option} 0 for any free port"
        if err.errno == errno.EADDRINUSE:
            return cls(f"port {port} on {host} is already in use by another program",
                       hint=f"{how} (`ss -ltnp` shows which program holds it)")
        if err.errno == errno.EACCES:
            return cls(f"not allowed to listen on port {port} (ports below 1024 need root)",
                       hint=how)
        return cls(f"cannot listen on {host}:{port}: {err.strerror or err}", hint=how)
