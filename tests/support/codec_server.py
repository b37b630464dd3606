"""A real codec server process (stdlib ``http.server``) for the zlib codec, with bearer auth.

``python -m tests.support.codec_server --token T [--mode M]`` listens on a free loopback port,
prints it on stdout, and serves ``POST .../decode`` and ``.../encode`` the way Temporal's
codec servers do. Modes that misbehave, for the error tests: ``silent`` accepts and never
answers, ``wrong-shape`` answers JSON without ``payloads``, ``not-json`` answers an HTML page.
Every request is logged on stderr as ``<route> <X-Namespace> <count>``.

``CodecServer`` runs it as a child process for a test and stops it by its pid.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from google.protobuf.json_format import MessageToDict, ParseDict
from temporalio.api.common.v1 import Payload

from tests.support.zlib_codec import decode_payload, encode_payload

ROOT = Path(__file__).resolve().parents[2]


class _Handler(BaseHTTPRequestHandler):
    server: _CodecHTTPServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        options = self.server.options
        if options.mode == "silent":
            time.sleep(3600)
        if self.headers.get("Authorization") != f"Bearer {options.token}":
            self._answer(401, b'{"error": "unauthorized"}')
            return
        route = self.path.rstrip("/").rpartition("/")[2]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        print(route, self.headers.get("X-Namespace"), len(body["payloads"]), file=sys.stderr,
              flush=True)
        self._answer(200, self._result(route, body["payloads"]))

    def _result(self, route: str, payloads: list[Any]) -> bytes:
        mode = self.server.options.mode
        if mode == "not-json":
            return b"<html><body>Sign in</body></html>"
        if mode == "wrong-shape":
            return json.dumps({"decoded": len(payloads)}).encode()
        step = decode_payload if route == "decode" else encode_payload
        out = [MessageToDict(step(ParseDict(p, Payload()))) for p in payloads]
        return json.dumps({"payloads": out}).encode()

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CodecHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.options = options


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--mode", default="ok",
                        choices=("ok", "silent", "wrong-shape", "not-json"))
    server = _CodecHTTPServer(parser.parse_args())
    print(server.server_address[1], flush=True)
    server.serve_forever()


class CodecServer:
    """``with CodecServer(token) as server:`` serves at ``server.endpoint`` until the block ends."""

    def __init__(self, token: str, mode: str = "ok") -> None:
        self.token = token
        self.mode = mode
        self.endpoint = ""
        self._proc: subprocess.Popen[str] | None = None
        self._log = ""

    def __enter__(self) -> CodecServer:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.codec_server", "--token", self.token,
             "--mode", self.mode],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self._proc.stdout is not None
        port = self._proc.stdout.readline().strip()
        if not port:
            self.__exit__(None, None, None)
            raise RuntimeError("the codec server did not start")
        self.endpoint = f"http://127.0.0.1:{port}"
        return self

    def requests(self) -> list[str]:
        """The requests logged (stops the server: call at the end of a test)."""
        self.__exit__(None, None, None)
        return self._log.splitlines()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        _, log = proc.communicate(timeout=10)
        self._log += log


if __name__ == "__main__":
    main()
