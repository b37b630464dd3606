"""The converter payloads are decoded with: the worker setup's, plus a codec server.

``--data-converter``/``--plugin`` (or the project's worker setup) name the user's converter;
``--codec-endpoint``/``--codec-auth`` (or the temporal.toml profile's ``codec`` section, or
``TEMPORAL_CODEC_*``) a codec server, added as a last plugin so that it wraps whatever
converter the user's plugins leave (see ``codec_server.codec_server_plugin``).
"""

from __future__ import annotations

import argparse
import os

from temporalio.converter import DataConverter

from replaydbg.history.codec_config import CodecOptions
from replaydbg.history.codec_http import CodecEndpoint
from replaydbg.history.payload_text import DEFAULT_HINT
from replaydbg.project import SetupSpecs
from replaydbg.project.codec import with_codec_server as add_codec_server
from replaydbg.project.pyproject import ProjectConfig, load_project
from replaydbg.replay.setup import WorkerSetup


def codec_options_from_args(args: argparse.Namespace) -> CodecOptions:
    """The codec server options of the command line."""
    return CodecOptions(
        endpoint=args.codec_endpoint,
        auth=args.codec_auth,
        ca_file=args.codec_tls_ca,
        connect_timeout=args.codec_connect_timeout,
        read_timeout=args.codec_timeout,
        namespace=args.namespace,
        profile=args.profile,
        config_file=args.config_file,
    )


def with_codec_server(setup: WorkerSetup,
                      args: argparse.Namespace) -> tuple[WorkerSetup, CodecEndpoint | None]:
    """``setup`` with the codec server of the options or profile added, and its endpoint."""
    return add_codec_server(setup, codec_options_from_args(args))


def display_converter(args: argparse.Namespace) -> tuple[DataConverter, CodecEndpoint | None]:
    """The converter ``history show`` decodes with, and the codec server's endpoint."""
    given = SetupSpecs(plugins=tuple(args.plugin), data_converter=args.data_converter)
    # The project's worker setup decodes as its replays do (the command line adds to it).
    project = load_project(os.getcwd()) if args.config else ProjectConfig()
    args.profile = args.profile or project.profile
    specs = project.merged_setup(given, sandbox=None)
    setup, endpoint = with_codec_server(specs.resolve(), args)
    return setup.effective_converter(), endpoint


def undecodable_hint(args: argparse.Namespace, endpoint: CodecEndpoint | None) -> str:
    """What to tell about payloads the chosen converter could not decode."""
    if endpoint is not None:
        return (f"the codec server at {endpoint.shown} returned payloads still encoded; check "
                "that it serves this namespace's codec, or pass --data-converter MODULE:ATTR")
    if args.data_converter or args.plugin:
        return ("the converter given does not decode them; pass the one that wrote the "
                "history, or a codec server (--codec-endpoint URL)")
    return DEFAULT_HINT
