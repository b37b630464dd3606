#!/bin/sh
# The fuzz suites with many more inputs than the normal test run (minutes, not seconds):
# mutated histories, malformed DAP frames and requests, random edits in the language server.
# REPLAYDBG_FUZZ=medium for a middle ground. A failure prints the input that reproduces it.
set -e
cd "$(dirname "$0")/.."
REPLAYDBG_FUZZ="${REPLAYDBG_FUZZ:-long}" exec .venv/bin/python -m pytest -q -p no:cacheprovider \
    tests/history/test_fuzz_loader.py tests/dap/test_fuzz_adapter.py tests/lsp/test_fuzz_edits.py "$@"
