"""One JSON POST to a codec server: bounded connect and read times, TLS, named failures.

The standard library's ``http.client`` is enough for one request/answer exchange and lets the
connect and read waits be bounded separately (a server that accepts the connection but never
answers must not hang the command). It needs no event loop, so the codec can call it from a
worker thread of whichever loop the SDK or the CLI runs. HTTP proxies are not used.

Secrets: the ``Authorization`` value sits in a field excluded from ``repr`` and is never put
into a message or a log line; text quoted from the server's answer is scrubbed of it.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from replaydbg import __version__
from replaydbg.errors import (
    CodecServerAnswerError,
    CodecServerAuthError,
    CodecServerUnreachableError,
    ConfigError,
)

logger = logging.getLogger(__name__)

_AUTH_HINT = ("pass the whole Authorization header value (e.g. 'Bearer <token>') with "
              "--codec-auth or TEMPORAL_CODEC_AUTH, or as codec.auth in the temporal.toml profile")


@dataclass(frozen=True)
class CodecEndpoint:
    """Where a codec server is and how to talk to it.

    ``url`` is the base endpoint (the protocol's routes ``/decode`` and ``/encode`` are added
    to it), with any ``{namespace}`` already filled in. ``auth`` is sent as the
    ``Authorization`` header as it is; ``ca_file`` replaces the system CAs for https.
    """

    url: str
    auth: str | None = field(default=None, repr=False)
    namespace: str = "default"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    ca_file: str | None = None

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"codec endpoint {self.shown!r} is not an http(s) URL",
                hint="give the codec server's base URL, e.g. --codec-endpoint "
                "https://codec.example.com (replaydbg POSTs to <endpoint>/decode)",
            )

    @property
    def shown(self) -> str:
        """The URL without any user:password part, safe for messages."""
        parts = urllib.parse.urlsplit(self.url)
        netloc = parts.netloc.rpartition("@")[2]
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def post_json(endpoint: CodecEndpoint, route: str, document: dict[str, Any]) -> Any:
    """POST ``document`` to ``<endpoint>/<route>`` and return the parsed JSON answer."""
    parts = urllib.parse.urlsplit(endpoint.url)
    path = parts.path.rstrip("/") + "/" + route
    logger.debug("POST %s/%s", endpoint.shown.rstrip("/"), route)
    conn = _connection(endpoint, parts)
    try:
        _connect(conn, endpoint)
        status, reason, body = _exchange(conn, endpoint, path, document, route)
    finally:
        conn.close()
    _check_status(endpoint, route, status, reason, body)
    try:
        return json.loads(body)
    except ValueError:
        raise CodecServerAnswerError(
            f"the codec server at {endpoint.shown} answered POST /{route} with something that "
            f"is not JSON ({_excerpt(body, endpoint)})",
            hint="check that the endpoint is the codec server's base URL, not a web page or "
            "a login proxy",
        ) from None


def _connection(endpoint: CodecEndpoint,
                parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
    host = parts.hostname or ""
    if parts.scheme == "http":
        return http.client.HTTPConnection(host, parts.port, timeout=endpoint.connect_timeout)
    try:
        context = ssl.create_default_context(cafile=endpoint.ca_file)
    except (OSError, ssl.SSLError) as err:
        raise ConfigError(f"cannot read the codec server CA file {endpoint.ca_file}: {err}",
                          hint="pass a PEM file with --codec-tls-ca") from None
    return http.client.HTTPSConnection(host, parts.port, timeout=endpoint.connect_timeout,
                                       context=context)


def _connect(conn: http.client.HTTPConnection, endpoint: CodecEndpoint) -> None:
    """Open the connection (and TLS) within the connect timeout."""
    where = f"the codec server at {endpoint.shown}"
    try:
        conn.connect()
    except ssl.SSLError as err:
        raise CodecServerUnreachableError(
            f"TLS with {where} failed: {err.reason or err}",
            hint="for a private CA pass --codec-tls-ca FILE; for a plain-HTTP server use an "
            "http:// endpoint",
        ) from None
    except TimeoutError:
        raise CodecServerUnreachableError(
            f"{where} did not accept a connection within {endpoint.connect_timeout:g} s",
            hint="check the host and port and that the server runs; raise the wait with "
            "--codec-connect-timeout",
        ) from None
    except OSError as err:
        raise CodecServerUnreachableError(
            f"cannot connect to {where}: {_os_reason(err)}",
            hint="start the codec server, or fix --codec-endpoint (or codec.endpoint in the "
            "temporal.toml profile, or TEMPORAL_CODEC_ENDPOINT)",
        ) from None
    if conn.sock is not None:
        conn.sock.settimeout(endpoint.read_timeout)


def _exchange(conn: http.client.HTTPConnection, endpoint: CodecEndpoint, path: str,
              document: dict[str, Any], route: str) -> tuple[int, str, bytes]:
    try:
        conn.request("POST", path, body=json.dumps(document).encode(),
                     headers=_headers(endpoint))
        response = conn.getresponse()
        return response.status, response.reason, response.read()
    except TimeoutError:
        raise CodecServerUnreachableError(
            f"the codec server at {endpoint.shown} did not answer POST /{route} within "
            f"{endpoint.read_timeout:g} s",
            hint="check the server's health; raise the wait with --codec-timeout SECONDS",
        ) from None
    except (OSError, http.client.HTTPException) as err:
        raise CodecServerUnreachableError(
            f"the codec server at {endpoint.shown} dropped POST /{route}: {_os_reason(err)}",
            hint="check the server's log; an https server needs an https:// endpoint",
        ) from None


def _headers(endpoint: CodecEndpoint) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Namespace": endpoint.namespace,
        "User-Agent": f"replaydbg/{__version__}",
    }
    if endpoint.auth:
        headers["Authorization"] = endpoint.auth
    return headers


def _check_status(endpoint: CodecEndpoint, route: str, status: int, reason: str,
                  body: bytes) -> None:
    if 200 <= status < 300:
        return
    if status in (401, 403):
        asked = "it asks for credentials: " if not endpoint.auth else ""
        raise CodecServerAuthError(
            f"the codec server at {endpoint.shown} refused the credentials (HTTP {status})",
            hint=asked + _AUTH_HINT,
        )
    hint = ("check the codec server's log" if status >= 500 else
            f"replaydbg POSTs to <endpoint>/{route}: give the codec server's base URL "
            "(without /decode), with {namespace} where the server expects the namespace")
    raise CodecServerAnswerError(
        f"the codec server at {endpoint.shown} answered POST /{route} with HTTP {status} "
        f"{reason} ({_excerpt(body, endpoint)})",
        hint=hint,
    )


def _excerpt(body: bytes, endpoint: CodecEndpoint, limit: int = 80) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    if endpoint.auth:
        text = text.replace(endpoint.auth, "***")
        token = endpoint.auth.rpartition(" ")[2]
        text = text.replace(token, "***") if token else text
    if not text:
        return "empty body"
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _os_reason(err: BaseException) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    return getattr(err, "strerror", None) or str(err) or type(err).__name__
