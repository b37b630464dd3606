"""Addresses where no Temporal frontend answers: say what is there and what to give instead."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest

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


def _fetch(address: str) -> tuple[int, str]:
    result = run_cli("replay", "--workflow-id", "wf", "--address", address,
                     "--connect-timeout", "10")
    return result.code, result.out + result.err


def test_http1_server(http1_address: str) -> None:
    code, text = _fetch(http1_address)
    assert code == 2, text
    assert f"something answers at {http1_address}, but not gRPC over HTTP/2" in text
    assert _SHAPE in text and "GoAway" not in text


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
