"""``replaydbg lsp`` on the command line: the flags editors pass, and TCP for debugging."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from tests.lsp.conftest import diagnostics, lsp_session, open_document, write_tree
from tests.lsp.workspace import FILES, WORKFLOWS


def _replaydbg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-mreplaydbg", *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_help_names_the_transports() -> None:
    result = _replaydbg("lsp", "--help")
    assert result.returncode == 0
    assert "--stdio" in result.stdout and "--tcp" in result.stdout


def test_port_with_stdio_is_a_usage_error() -> None:
    result = _replaydbg("lsp", "--stdio", "--port", "2087")
    assert result.returncode == 2
    assert "--port cannot be combined with --stdio" in result.stderr
    assert result.stdout == ""


def test_exit_without_shutdown_is_exit_code_1() -> None:
    # LSP: exit before shutdown means the client gave up on the server.
    body = b'{"jsonrpc": "2.0", "method": "exit"}'
    result = subprocess.run([sys.executable, "-mreplaydbg", "lsp", "--stdio"],
                            input=b"Content-Length: %d\r\n\r\n%s" % (len(body), body),
                            capture_output=True, timeout=60, check=False)
    assert result.returncode == 1


@pytest.mark.asyncio
async def test_logs_go_to_the_log_file_never_to_stdout(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    log = tmp_path / "server.log"
    async with lsp_session(tmp_path, args=["-v", "--log-file", str(log)]) as client:
        uri = open_document(client, tmp_path / WORKFLOWS)
        await diagnostics(client, uri, until=bool)  # stdout still carries clean LSP
    text = log.read_text()
    assert "INFO replaydbg.lsp.session: indexed" in text
    assert "Sending data" not in text  # pygls' per-message log is -vv only


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.asyncio
async def test_tcp_serves_on_localhost(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-mreplaydbg", "lsp", "--tcp", "--port",
                               str(port)], stderr=subprocess.PIPE)
    client = LanguageClient("test", "1")
    try:
        for _ in range(100):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        result = await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri()))
        assert result.server_info is not None and result.server_info.name == "replaydbg"
        await client.shutdown_async(None)
        client.exit(None)
        assert server.wait(timeout=30) == 0
    finally:
        await client.stop()
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.asyncio
async def test_tcp_says_where_it_listens(tmp_path: Path) -> None:
    server = subprocess.Popen([sys.executable, "-mreplaydbg", "lsp", "--port", "0"],
                              stderr=subprocess.PIPE, text=True)
    client = LanguageClient("test", "1")
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        assert line.startswith("replaydbg lsp: listening on 127.0.0.1:")
        await client.start_tcp("127.0.0.1", int(line.rsplit(":", 1)[1]))
        await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri()))
        await client.shutdown_async(None)
        client.exit(None)
        assert server.wait(timeout=30) == 0
    finally:
        await client.stop()
        if server.poll() is None:
            server.kill()
        server.wait()
        assert server.stderr is not None
        server.stderr.close()


@pytest.mark.parametrize("command", [["lsp", "--tcp", "--port"], ["dap", "--port"]])
def test_port_in_use_says_so_and_how_to_choose_another(command: list[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = _replaydbg(*command, str(port))
    assert result.returncode == 2, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port 0 for any free port" in result.stderr
    assert "internal error" not in result.stderr
