"""Diagnostics sent as prebuilt JSON: the one message big enough for its encoding to matter.

Publishing a few hundred diagnostics as lsprotocol objects that cattrs then unstructures
cost more than the analysis that found them (about 20 ms for 276, most of an edit's
budget). :class:`PrebuiltDiagnostics` carries them as the JSON they would unstructure to
(see :func:`~replaydbg.lsp.diagnostics.diagnostic_json`), and the converter of
:func:`converter`, which the server is built with, passes that JSON through unchanged.
Everything else goes through pygls' usual converter.
"""

from __future__ import annotations

from typing import Any

import attrs
import cattrs
from lsprotocol import types
from pygls.protocol import default_converter


@attrs.define
class PrebuiltDiagnostics(types.PublishDiagnosticsParams):
    """``publishDiagnostics`` parameters whose diagnostics are JSON already.

    ``diagnostics`` stays empty; the JSON goes in :attr:`json_diagnostics`.
    """

    json_diagnostics: list[dict[str, Any]] = attrs.field(factory=list)


def converter() -> cattrs.Converter:
    """The converter pygls would use, with :class:`PrebuiltDiagnostics` sent as they are."""
    result: cattrs.Converter = default_converter()  # type: ignore[no-untyped-call]
    standard = result.get_unstructure_hook(types.PublishDiagnosticsParams)

    def unstructure(params: types.PublishDiagnosticsParams) -> Any:
        if not isinstance(params, PrebuiltDiagnostics):
            return standard(params)
        # The key order and the omitted None of cattrs' own hook for these parameters.
        sent: dict[str, Any] = {"uri": params.uri, "diagnostics": params.json_diagnostics}
        if params.version is not None:
            sent["version"] = params.version
        return sent

    result.register_unstructure_hook(types.PublishDiagnosticsParams, unstructure)
    return result
