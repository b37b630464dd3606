"""Language server (``replaydbg lsp``): the determinism rules, live in the editor.

Layers: :mod:`.settings` (what the user can set) and :mod:`.diagnostics` / :mod:`.actions`
(findings as LSP diagnostics, their fixes as quick fixes).
"""

from replaydbg.lsp.settings import Settings, read_settings

__all__ = ["Settings", "read_settings"]
