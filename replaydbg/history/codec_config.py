"""Which codec server to use: the options, else the temporal.toml profile and environment.

The Temporal CLI and Web UI read ``[profile.X.codec]`` (``endpoint``, ``auth``) and
``TEMPORAL_CODEC_ENDPOINT`` / ``TEMPORAL_CODEC_AUTH``; replaydbg reads the same settings the
same way (through the SDK's own loader, see ``connect.load_profile_dict``), field by field
under the explicit options. ``{namespace}`` in the endpoint is replaced by the namespace, as
the CLI does, and the namespace is also sent as ``X-Namespace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from replaydbg.errors import ConfigError

if TYPE_CHECKING:
    from replaydbg.history.codec_http import CodecEndpoint


@dataclass(frozen=True)
class CodecOptions:
    """Codec server settings given on the command line (or in a launch configuration)."""

    endpoint: str | None = None
    auth: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    namespace: str | None = None
    profile: str | None = None
    config_file: str | None = None


def resolve_codec_endpoint(options: CodecOptions) -> CodecEndpoint | None:
    """The codec server to use, or None when neither the options nor the profile name one."""
    # The SDK's client comes with this module (~0.25 s), and http.client with the endpoint
    # (~0.03 s): imported when a launch needs them, not when the adapter starts.
    from replaydbg.history.codec_http import CodecEndpoint
    from replaydbg.history.connect import DEFAULT_NAMESPACE, load_profile_dict

    profile = load_profile_dict(options.profile, options.config_file)
    codec: dict[str, Any] = profile.get("codec") or {}
    endpoint = options.endpoint or codec.get("endpoint")
    if not endpoint:
        if options.auth:
            raise ConfigError("--codec-auth is set but no codec server endpoint is",
                              hint="add --codec-endpoint URL (or codec.endpoint in the profile)")
        return None
    _check_timeouts(options)
    namespace = options.namespace or profile.get("namespace") or DEFAULT_NAMESPACE
    return CodecEndpoint(
        url=endpoint.replace("{namespace}", namespace),
        auth=options.auth or codec.get("auth") or None,
        namespace=namespace,
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        ca_file=options.ca_file,
    )


def _check_timeouts(options: CodecOptions) -> None:
    for name, value in (("--codec-connect-timeout", options.connect_timeout),
                        ("--codec-timeout", options.read_timeout)):
        if not value > 0:
            raise ConfigError(f"{name} must be a positive number of seconds, not {value:g}",
                              hint=f"e.g. {name} 10")
