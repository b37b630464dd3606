"""A codec server added to the worker setup, wherever payloads are decoded.

The server comes from explicit options (``--codec-endpoint``, the launch's ``codecEndpoint``)
or from the temporal.toml profile and ``TEMPORAL_CODEC_*``; it is added as the last plugin so
that it wraps whatever converter the user's plugins leave.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from replaydbg.history.codec_config import CodecOptions, resolve_codec_endpoint

if TYPE_CHECKING:
    from replaydbg.history.codec_http import CodecEndpoint
    from replaydbg.replay.setup import WorkerSetup


def with_codec_server(setup: WorkerSetup,
                      options: CodecOptions) -> tuple[WorkerSetup, CodecEndpoint | None]:
    """``setup`` with the codec server ``options`` (or the profile) name, and its endpoint."""
    endpoint = resolve_codec_endpoint(options)
    if endpoint is None:
        return setup, None
    # Here, not at the top: the debug adapter only passes codec options on (see
    # codec_options_json), and the codec plugin brings the SDK's worker (~0.1 s to import).
    from replaydbg.history.codec_server import CodecServerCodec, codec_server_plugin

    plugin = codec_server_plugin(CodecServerCodec(endpoint))
    return dataclasses.replace(setup, plugins=(*setup.plugins, plugin)), endpoint


def codec_options_json(options: CodecOptions) -> dict[str, Any]:
    """For the session file of the debuggee and the mapping run."""
    return dataclasses.asdict(options)


def codec_options_from_json(data: Mapping[str, Any] | None) -> CodecOptions:
    """The inverse of :func:`codec_options_json` (missing: no explicit codec server)."""
    known = {f.name for f in dataclasses.fields(CodecOptions)}
    return CodecOptions(**{k: v for k, v in (data or {}).items() if k in known})
