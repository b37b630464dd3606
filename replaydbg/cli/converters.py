"""The DataConverter a command decodes payloads with: the user's (or the SDK's) plus a codec server.

``--data-converter`` names the user's converter; ``--codec-endpoint``/``--codec-auth`` (or
the temporal.toml profile's ``codec`` section, or ``TEMPORAL_CODEC_*``) a codec server, which
is added to it as the outermost codec.
"""

from __future__ import annotations

import argparse

from temporalio.converter import DataConverter

from replaydbg.history.codec_config import CodecOptions, resolve_codec_endpoint
from replaydbg.history.codec_http import CodecEndpoint
from replaydbg.history.codec_server import CodecServerCodec, with_codec_server
from replaydbg.history.payload_text import DEFAULT_HINT
from replaydbg.replay.converters import load_data_converter


def codec_endpoint_from_args(args: argparse.Namespace) -> CodecEndpoint | None:
    """The codec server the options or the profile name, if any."""
    return resolve_codec_endpoint(CodecOptions(
        endpoint=args.codec_endpoint,
        auth=args.codec_auth,
        ca_file=args.codec_tls_ca,
        connect_timeout=args.codec_connect_timeout,
        read_timeout=args.codec_timeout,
        namespace=args.namespace,
        profile=args.profile,
        config_file=args.config_file,
    ))


def converter_from_args(
    args: argparse.Namespace,
) -> tuple[DataConverter | None, CodecEndpoint | None]:
    """The converter to decode with, and the codec server's endpoint.

    The converter is the user's with the codec server added, or None when neither is given;
    the endpoint is None when no codec server is configured.
    """
    user = load_data_converter(args.data_converter) if args.data_converter else None
    endpoint = codec_endpoint_from_args(args)
    if endpoint is None:
        return user, None
    return with_codec_server(user, CodecServerCodec(endpoint)), endpoint


def undecodable_hint(args: argparse.Namespace, endpoint: CodecEndpoint | None) -> str:
    """What to tell about a payload the chosen converter could not decode."""
    if endpoint is not None:
        return (f"the codec server at {endpoint.shown} returned payloads still encoded; check "
                "that it serves this namespace's codec, or pass --data-converter MODULE:ATTR")
    if args.data_converter:
        return (f"{args.data_converter} does not decode them; pass the converter that wrote "
                "the history, or a codec server (--codec-endpoint URL)")
    return DEFAULT_HINT
