"""A codec server for the secure example: decodes and encodes payloads over HTTP.

    python -m secure.codec_server --port 8081 [--auth TOKEN]    # from examples/
    python examples/secure/codec_server.py --port 8081           # or by path

It speaks the codec server protocol of the Temporal CLI and Web UI: POST `.../decode` or
`.../encode` with a proto3 JSON `Payloads` body (`{"payloads": [...]}`), answered in kind;
only the last part of the path counts. With `--auth TOKEN` every request must carry
`Authorization: Bearer TOKEN` (the CLI's `--codec-auth "Bearer TOKEN"`). The codec is the
plugin's own `EncryptionCodec`, so whatever the secure workers wrote, this server reads.

Stdout carries a single line, `listening on http://127.0.0.1:PORT`, once the server accepts
requests (`--port 0` picks a free port); request logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import PayloadCodec

ACTIONS = ("encode", "decode")


class CodecHandler(BaseHTTPRequestHandler):
    """One request: check the token, parse the payloads, run the codec, answer in JSON."""

    codec: PayloadCodec
    token: str | None = None

    def do_POST(self) -> None:
        action = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if action not in ACTIONS:
            self._answer(HTTPStatus.NOT_FOUND, {"error": "POST to /encode or /decode"})
        elif self.token is not None and self.headers.get("Authorization") != f"Bearer {self.token}":
            self._answer(HTTPStatus.UNAUTHORIZED, {"error": "missing or wrong bearer token"})
        else:
            self._convert(action)

    def _convert(self, action: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            payloads = list(json_format.Parse(body, Payloads()).payloads)
        except json_format.ParseError as err:
            self._answer(HTTPStatus.BAD_REQUEST, {"error": f"not a Payloads JSON body: {err}"})
            return
        try:
            converted = asyncio.run(self._run_codec(action, payloads))
        except Exception as err:  # a payload this codec cannot read: the client's problem
            problem = f"cannot {action}: {type(err).__name__} {err}".strip()
            self._answer(HTTPStatus.BAD_REQUEST, {"error": problem})
            return
        self._answer(HTTPStatus.OK, json_format.MessageToDict(Payloads(payloads=converted)))

    async def _run_codec(self, action: str, payloads: Sequence[Payload]) -> list[Payload]:
        if action == "encode":
            return await self.codec.encode(payloads)
        return await self.codec.decode(payloads)

    def _answer(self, status: HTTPStatus, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        if status == HTTPStatus.UNAUTHORIZED:
            self.send_header("WWW-Authenticate", "Bearer")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def load_codec() -> PayloadCodec:
    """The plugin's codec; run by path, `examples/` is put on sys.path first."""
    examples = str(Path(__file__).resolve().parents[1])
    if examples not in sys.path:
        sys.path.insert(0, examples)
    from secure.codec import EncryptionCodec

    return EncryptionCodec()


def serve(host: str, port: int, token: str | None) -> None:
    handler = type("Handler", (CodecHandler,), {"codec": load_codec(), "token": token})
    with ThreadingHTTPServer((host, port), handler) as server:
        print(f"listening on http://{host}:{server.server_address[1]}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--auth", metavar="TOKEN", help="require `Authorization: Bearer TOKEN`")
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.auth)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
