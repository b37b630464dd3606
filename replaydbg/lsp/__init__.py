"""Language server (``replaydbg lsp``): the determinism rules, live in the editor.

Layers: :mod:`.settings` (what the user can set), :mod:`.analysis` (the rules engine on its
thread), :mod:`.diagnostics` and :mod:`.actions` (findings ⇄ LSP), :mod:`.documents` and
:mod:`.progress` (when to analyse, what to show meanwhile), :mod:`.session` (the order of
things) and :mod:`.server` (pygls handlers, the composition root).
"""

from replaydbg.lsp.server import ReplaydbgServer, create_server
from replaydbg.lsp.settings import Settings, read_settings

__all__ = ["ReplaydbgServer", "Settings", "create_server", "read_settings"]
