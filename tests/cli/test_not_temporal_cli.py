"""Addresses where no Temporal frontend answers: say what is there and what to give instead."""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.cli.conftest import run_cli

_SHAPE = "a Temporal frontend address is host:port of its gRPC endpoint"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def http1_address() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def other_grpc_address() -> Iterator[str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))  # no service at all
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(None).wait()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_only_address(tmp_path: Path) -> Iterator[str]:
    """A server that speaks only TLS (as a cloud frontend does) and drops plaintext peers."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path))
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                peer, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            try:
                context.wrap_socket(peer, server_side=True).recv(16)
            except (OSError, ssl.SSLError):
                pass
            finally:
                peer.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept (close alone does not)
    listener.close()
    thread.join(timeout=5)
    assert not thread.is_alive()


def _fetch(address: str) -> tuple[int, str]:
    result = run_cli("replay", "--workflow-id", "wf", "--address", address,
                     "--connect-timeout", "10")
    return result.code, result.out + result.err


def test_http1_server(http1_address: str) -> None:
    code, text = _fetch(http1_address)
    assert code == 2, text
    assert f"something answers at {http1_address}, but not gRPC over HTTP/2" in text
    assert _SHAPE in text and "GoAway" not in text


def test_tls_only_server_without_tls(tls_only_address: str) -> None:
    # The plaintext preface meets a TLS alert or a closed connection (a race): either way the
    # answer says something is there and that TLS may be what it wants.
    code, text = _fetch(tls_only_address)
    assert code == 2, text
    assert f"something answers at {tls_only_address}, but not gRPC over HTTP/2" in text
    assert "if the server requires TLS, pass --tls" in text


def test_another_grpc_service(other_grpc_address: str) -> None:
    code, text = _fetch(other_grpc_address)
    assert code == 2, text
    assert "another gRPC service listens there, not a Temporal frontend" in text
    assert _SHAPE in text and "check the workflow id" not in text


@pytest.mark.parametrize(("address", "problem"), [("localhost", "has no port"),
                                                  ("[::1]", "has no port"),
                                                  ("http://localhost:7233", "is a URL")])
def test_address_shape(address: str, problem: str) -> None:
    code, text = _fetch(address)
    assert code == 2, text
    assert f"the server address {address!r} {problem}" in text and _SHAPE in text
