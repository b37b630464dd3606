"""Replay-backed findings: which saved histories the code breaks, and at which line.

Static rules see calls that are never deterministic; an incompatible but deterministic edit
(an activity added, swapped or removed without ``workflow.patched()``) only shows when the
code replays real histories. This package turns a project's saved histories and a replay of
them (:mod:`replaydbg.shadow`'s engine) into findings on the lines that broke them, for
``replaydbg check --histories`` and the language server.
"""
