"""End-to-end diagnostics latency of ``replaydbg lsp`` on a generated 5,000-line workflow module.

Usage: python bench/bench_lsp.py [--lines N] [--edits N] [--finding-every K]
Starts the real server (``python -m replaydbg lsp``) under a pygls client, in a temporary
workspace holding one generated workflow module (a workflow class, helpers it calls, a
wall-clock call every few dozen lines), and times from the client's side, i.e. including
JSON-RPC and the diagnostics conversion:

- cold: ``didOpen`` → ``publishDiagnostics`` right after ``initialized`` (the first
  indexing of the workspace included);
- edit: ``didChange`` of one line → ``publishDiagnostics`` (``debounceMs`` set to 0 so that
  the debounce delay, a deliberate wait, is not counted), median and max over N edits;
- save: ``didSave`` → ``publishDiagnostics``.

Then the same work in this process, without JSON-RPC, to say where the time goes: the
rules alone (cold, and after the same edit) and one publication (findings turned into the
JSON the server sends, serialised as pygls does), checked identical to the JSON that
lsprotocol objects would give.

Goals from issue 4: < 100 ms cold, < 30 ms after an edit. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter
from pygls.workspace.position_codec import PositionCodec

from replaydbg.lsp.diagnostics import Locator, diagnostic_json, to_diagnostics
from replaydbg.lsp.wire import PrebuiltDiagnostics, converter
from replaydbg.rules import Finding, Workspace, load_config

SERVER = [sys.executable, "-m", "replaydbg", "lsp", "--stdio"]
_SERVER_CONVERTER = converter()
_PYGLS_CONVERTER = default_converter()

_HEADER = '''from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio import workflow

'''

_HELPER = '''

@dataclass
class Line{n}:
    sku: str
    quantity: int = {n}


def price_{n}(line: Line{n}, factor: float) -> float:
    total = 0.0
    for step in range(line.quantity):
        if step % 3 == 0:
            total += factor * step
        else:
            total -= factor / (step + 1)
    stamp = {clock} if line.quantity > {n} else None
    return total if stamp is None else total + 1
'''

_WORKFLOW = '''

@workflow.defn
class BigWorkflow:
    @workflow.run
    async def run(self, factor: float) -> float:
        total = 0.0
{calls}        await workflow.sleep(timedelta(seconds=1))
        return total
'''


def generate(lines: int, every: int = 1) -> str:
    """A workflow module of about ``lines`` lines whose run calls every helper.

    One helper in ``every`` reads the wall clock (a finding); the others call a constant.
    """
    fixed = len((_HEADER + _WORKFLOW).splitlines())
    n = max(1, (lines - fixed) // (len(_HELPER.splitlines()) + 1))  # + 1: its call in run
    helpers = [_HELPER.format(n=i, clock="datetime.now()" if i % every == 0 else "None")
               for i in range(n)]
    calls = "".join(f"        total += price_{i}(Line{i}('sku'), factor)\n" for i in range(n))
    return _HEADER + "".join(helpers) + _WORKFLOW.format(calls=calls)


class Timer:
    """Waits for the next publication for one URI and says how long it took."""

    def __init__(self, client: LanguageClient, uri: str) -> None:
        self.uri = uri
        self.count = 0
        self._arrived = asyncio.Event()

        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            if params.uri == self.uri:
                self.count = len(params.diagnostics)
                self._arrived.set()

        def on_message(params: types.ShowMessageParams) -> None:
            print(f"server says: {params.message}")

        # pygls tags the handlers with attributes: plain functions, not bound methods.
        client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(on_publish)
        client.feature(types.WINDOW_SHOW_MESSAGE)(on_message)

    async def measure(self, send: object) -> float:
        """Milliseconds from calling ``send()`` to the next publication for the URI."""
        self._arrived.clear()
        start = time.perf_counter()
        send()  # type: ignore[operator]
        await asyncio.wait_for(self._arrived.wait(), 60)
        return (time.perf_counter() - start) * 1000


async def run(lines: int, edits: int, every: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        module = root / "big_workflow.py"
        text = generate(lines, every)
        module.write_text(text)
        uri = module.as_uri()
        client = LanguageClient("bench-lsp", "1")
        timer = Timer(client, uri)
        await client.start_io(*SERVER)
        started = time.perf_counter()
        await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
            initialization_options={"debounceMs": 0}))
        client.initialized(types.InitializedParams())
        init_ms = (time.perf_counter() - started) * 1000
        cold = await timer.measure(lambda: client.text_document_did_open(
            types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text))))
        found = timer.count
        where = _edited_line(text)
        times = [await timer.measure(lambda v=version: _edit(client, uri, where, v))
                 for version in range(2, edits + 2)]
        save = await timer.measure(lambda: client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))))
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    print(f"module: {len(text.splitlines())} lines, {found} diagnostics")
    print(f"initialize round trip: {init_ms:.1f} ms")
    print(f"cold (didOpen after initialized, indexing included): {cold:.1f} ms  (goal < 100)")
    print(f"edit (didChange, one line): median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms over {len(times)}  (goal < 30)")
    print(f"save (didSave): {save:.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        (root / "big_workflow.py").write_text(text)
        breakdown(root, root / "big_workflow.py", text, edits)


def breakdown(root: Path, module: Path, text: str, edits: int) -> None:
    """Rules and publication timed in this process (no JSON-RPC, no client)."""
    started = time.perf_counter()
    workspace = Workspace(root, load_config(root)[0])
    findings = workspace.analyze(None)[module]
    cold = (time.perf_counter() - started) * 1000
    line, length = _edited_line(text)
    lines = text.splitlines(keepends=True)
    times = []
    for version in range(edits):
        lines[line] = f"    quantity: int = {version % 10}".ljust(length) + "\n"
        started = time.perf_counter()
        workspace.set_document(module, "".join(lines))
        workspace.analyze([module])
        times.append((time.perf_counter() - started) * 1000)
    uri = module.as_uri()
    where = Locator(PositionCodec(), lambda _: lines, {module: uri}.__getitem__)
    sent = _publication_json(findings, where, uri, prebuilt=True)
    same = sent == _publication_json(findings, where, uri, prebuilt=False)
    publish = []
    for _ in range(5):  # the first pays for cattrs generating its code
        started = time.perf_counter()
        _publication_json(findings, where, uri, prebuilt=True)
        publish.append((time.perf_counter() - started) * 1000)
    print(f"in process: rules cold {cold:.1f} ms, rules after an edit median "
          f"{statistics.median(times):.1f} ms, one publication (convert + serialise) median "
          f"{statistics.median(publish):.1f} ms ({len(sent) // 1000} kB, "
          f"{'identical to' if same else 'DIFFERENT FROM'} the lsprotocol objects' JSON)")


def _publication_json(findings: list[Finding], where: Locator, uri: str, *,
                      prebuilt: bool) -> str:
    """The publishDiagnostics message as the server sends it (prebuilt JSON), or as it
    would be through lsprotocol objects and pygls' own converter."""
    if prebuilt:
        params: types.PublishDiagnosticsParams = PrebuiltDiagnostics(
            uri=uri, diagnostics=[], json_diagnostics=[diagnostic_json(f, where)
                                                       for f in findings])
    else:
        params = types.PublishDiagnosticsParams(uri=uri, diagnostics=to_diagnostics(findings,
                                                                                    where))
    message = types.PublishDiagnosticsNotification(
        method="textDocument/publishDiagnostics", params=params, jsonrpc="2.0")
    converter = _SERVER_CONVERTER if prebuilt else _PYGLS_CONVERTER
    return json.dumps(converter.unstructure(message))


def _edited_line(text: str) -> tuple[int, int]:
    """A default value in the middle of the module: its line and the line's length."""
    lines = text.splitlines()
    line = next(i for i in range(len(lines) // 2, len(lines)) if "quantity: int =" in lines[i])
    return line, len(lines[line])


def _edit(client: LanguageClient, uri: str, where: tuple[int, int], version: int) -> None:
    """Retype that default value, as typing would (the line keeps its length)."""
    line, length = where
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=line, character=0),
                              end=types.Position(line=line, character=length)),
            text=f"    quantity: int = {version % 10}".ljust(length))]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--finding-every", type=int, default=1, metavar="K",
                        help="one helper in K reads the wall clock (default 1: every helper, "
                        "the worst case for publishing)")
    args = parser.parse_args()
    asyncio.run(run(args.lines, args.edits, args.finding_every))


if __name__ == "__main__":
    main()
