"""A real gRPC server on 127.0.0.1 that refuses every call as unauthenticated.

A Temporal dev server does not check credentials; this one answers every RPC, whatever its
service and method, with ``UNAUTHENTICATED`` "Request unauthorized." (what Temporal Cloud
answers for a bad API key), and records the metadata it was sent.
"""

from __future__ import annotations

import threading
from concurrent import futures
from types import TracebackType
from typing import Any

import grpc


class _RefuseEverything(grpc.GenericRpcHandler):
    def __init__(self, server: RefusingServer) -> None:
        self._server = server

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        self._server.record(handler_call_details)

        def refuse(request: bytes, context: grpc.ServicerContext) -> bytes:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request unauthorized.")
            raise AssertionError("abort raises")  # pragma: no cover

        # No (de)serializers: requests and responses stay bytes, any method fits.
        return grpc.unary_unary_rpc_method_handler(refuse)


class RefusingServer:
    """``with RefusingServer() as server:`` serves at ``server.address`` until the block ends."""

    def __init__(self) -> None:
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self._server.add_generic_rpc_handlers((_RefuseEverything(self),))
        port = self._server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{port}"
        self._lock = threading.Lock()
        #: (method, metadata) of every call received.
        self.calls: list[tuple[str, dict[str, str]]] = []

    def record(self, details: grpc.HandlerCallDetails) -> None:
        """Remember one call (the gRPC server's threads)."""
        metadata: Any = details.invocation_metadata or ()
        with self._lock:
            self.calls.append((str(details.method),
                               {str(k): str(v) for k, v in metadata}))

    def __enter__(self) -> RefusingServer:
        self._server.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._server.stop(grace=None)
