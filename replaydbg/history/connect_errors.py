"""Turn connection and RPC failures into errors that say what happened and what to do.

``NOT_FOUND`` means two different things (no such workflow, no such namespace): the error
details tell them apart. Refused credentials are always an ``AuthError``, never "not found",
so nobody goes looking for a workflow that exists.
"""

from __future__ import annotations

from temporalio.api.errordetails.v1 import NamespaceNotFoundFailure
from temporalio.service import RPCError, RPCStatusCode

from replaydbg.errors import (
    AuthError,
    ConfigError,
    FetchError,
    NamespaceNotFoundError,
    ServerUnreachableError,
    WorkflowNotFoundError,
)

_REFUSED_MARKERS = ("connection refused", "tcp connect error", "dns error", "failed to lookup")
_TLS_MARKERS = ("invalidcontenttype", "tls", "certificate", "handshake", "corruptmessage")
_NOT_GRPC_MARKERS = ("h2 protocol error", "goaway", "http2 error", "frame with invalid size")
#: The peer accepted the TCP connection, then closed it before any gRPC answer: what an HTTP/1
#: server does with an HTTP/2 preface (which of these the client sees is a race), and what a
#: server that requires TLS does with plaintext.
#: Compared without spaces: Core prints both "broken pipe" and ``Kind(ConnectionReset)``.
_CLOSED_MARKERS = ("brokenpipe", "connectionreset", "streamclosed", "unexpectedeof",
                   "connectionclosed")
_FRONTEND_SHAPE = (
    "a Temporal frontend address is host:port of its gRPC endpoint, e.g. localhost:7233 "
    "(the dev server's default; not the Web UI's 8233) or NAMESPACE.ACCOUNT.tmprl.cloud:7233"
)
_START_HINT = (
    "start a server (`temporal server start-dev`) or point to yours with --address or "
    "TEMPORAL_ADDRESS"
)


def scrub(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced (defence in depth)."""
    return text.replace(secret, "***") if secret else text


def check_address(address: str) -> None:
    """Refuse an address the SDK would quietly turn into something else (port 80...)."""
    if "://" in address:
        raise ConfigError(
            f"the server address {address!r} is a URL; give host:port without a scheme",
            hint=_FRONTEND_SHAPE,
        )
    host, colon, port = address.rpartition(":")
    if not colon or not port.isdigit() or not host or host.endswith(":"):
        raise ConfigError(f"the server address {address!r} has no port", hint=_FRONTEND_SHAPE)


def connect_failure(
    address: str, text: str, *, tls: bool = False, timeout: float | None = None
) -> FetchError:
    """The error for a failed connection attempt (``text`` already scrubbed)."""
    lowered = text.lower()
    compact = lowered.replace(" ", "")
    if timeout is not None:
        return ServerUnreachableError(
            f"no Temporal server answered at {address} within {timeout:g}s",
            hint=_START_HINT + "; a firewall or a TLS mismatch can also cause silence",
        )
    if "unauthenticated" in lowered or "permissiondenied" in compact:
        return AuthError(
            f"the server at {address} refused the credentials",
            hint="check the API key or client certificate (their values are not shown)",
        )
    if any(marker in lowered for marker in _REFUSED_MARKERS):
        return ServerUnreachableError(
            f"cannot connect to a Temporal server at {address}: {_reason(lowered)}",
            hint=_START_HINT,
        )
    if any(marker in lowered for marker in _NOT_GRPC_MARKERS):
        return ServerUnreachableError(
            f"something answers at {address}, but not gRPC over HTTP/2: it is not a Temporal "
            "frontend (an ordinary web server, the Web UI, a proxy?)",
            hint=_FRONTEND_SHAPE + _tls_aside(tls),
        )
    if "after connection" in lowered and any(marker in compact for marker in _CLOSED_MARKERS):
        return ServerUnreachableError(
            f"something answers at {address}, but not gRPC over HTTP/2: it accepted the "
            "connection and closed it without a gRPC answer (an ordinary web server, the Web "
            "UI, a proxy? or a frontend that requires TLS)",
            hint=_FRONTEND_SHAPE + _tls_aside(tls),
        )
    if any(marker in lowered for marker in _TLS_MARKERS):
        return ServerUnreachableError(
            f"TLS with {address} failed: {text}",
            hint=_tls_hint(tls),
        )
    return ServerUnreachableError(f"cannot connect to {address}: {text}", hint=_START_HINT)


def _tls_aside(tls: bool) -> str:
    """A TLS-only server meets plaintext with an alert or a closed connection: say so."""
    return "" if tls else "; if the server requires TLS, pass --tls"


def _reason(lowered: str) -> str:
    if "refused" in lowered:
        return "connection refused (nothing listens on that port)"
    if "dns" in lowered or "lookup" in lowered:
        return "the host name does not resolve"
    return "the connection failed"


def _tls_hint(tls: bool) -> str:
    if tls:
        return (
            "the server does not seem to speak TLS: for a local dev server use --no-tls "
            "(an API key turns TLS on by default)"
        )
    return "the server may require TLS: pass --tls (and --tls-ca for a private CA)"


def rpc_failure(err: RPCError, *, what: str, namespace: str, address: str) -> FetchError:
    """The error for a failed history request; ``what`` names the workflow (and run)."""
    where = f"namespace {namespace!r} at {address}"
    if err.status == RPCStatusCode.NOT_FOUND:
        return _not_found(err, what, namespace, address)
    if err.status in (RPCStatusCode.UNAUTHENTICATED, RPCStatusCode.PERMISSION_DENIED):
        return _refused(err.status, what, where, address)
    if err.status == RPCStatusCode.UNIMPLEMENTED:
        return FetchError(
            f"the gRPC server at {address} does not know Temporal's WorkflowService "
            f"({err.message}): another gRPC service listens there, not a Temporal frontend",
            hint=_FRONTEND_SHAPE,
        )
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return ServerUnreachableError(
            f"the server at {address} stopped answering while fetching {what}: {err.message}",
            hint="retry; if it persists, check the server",
        )
    return FetchError(
        f"fetching the history of {what} from {where} failed: {err.status.name}: {err.message}",
        hint="check the workflow id, run id and namespace",
    )


def _not_found(err: RPCError, what: str, namespace: str, address: str) -> FetchError:
    if _namespace_missing(err):
        return NamespaceNotFoundError(
            f"namespace {namespace!r} not found at {address}",
            hint=f"`temporal operator namespace list --address {address}` lists them; "
            "choose one with --namespace or TEMPORAL_NAMESPACE",
        )
    return WorkflowNotFoundError(
        f"{what} not found in namespace {namespace!r} at {address}",
        hint=f"`temporal workflow list --namespace {namespace} --address {address}` lists "
        "workflows; closed ones are kept only for the namespace's retention period",
    )


def _refused(status: RPCStatusCode, what: str, where: str, address: str) -> AuthError:
    if status == RPCStatusCode.UNAUTHENTICATED:
        return AuthError(
            f"the server at {address} did not accept the credentials (unauthenticated)",
            hint="check the API key or client certificate (their values are not shown)",
        )
    return AuthError(
        f"permission denied reading the history of {what} in {where}",
        hint="the credentials lack access to this namespace (Temporal Cloud also answers "
        "this way when the namespace does not exist)",
    )


def _namespace_missing(err: RPCError) -> bool:
    for detail in err.grpc_status.details:
        if detail.Is(NamespaceNotFoundFailure.DESCRIPTOR):
            return True
    message = err.message.lower()
    return message.startswith("namespace") and "not found" in message
