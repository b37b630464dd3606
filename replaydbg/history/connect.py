"""Where and how to reach a Temporal server: options, environment config, TLS, the connection.

Settings come, field by field, from the explicit options, else the standard Temporal client
configuration (``temporal.toml`` profiles and ``TEMPORAL_*`` environment variables, read by
``temporalio.envconfig`` exactly as the CLI and SDKs do), else the defaults
``localhost:7233`` / ``default``. Connecting is bounded in time: a host that accepts TCP but
never answers would otherwise keep the user waiting for about 30 s per attempt.

Secrets: the API key and key material are held in fields excluded from ``repr`` and are never
formatted into messages or logs; error texts from the transport are scrubbed of the key too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.bridge.temporal_sdk_bridge import (  # type: ignore[import-not-found]
    envconfig as _bridge_envconfig,  # the core's loader, which keeps the codec section
)
from temporalio.client import Client
from temporalio.envconfig import ClientConfigProfile
from temporalio.service import TLSConfig

from replaydbg.errors import ConfigError
from replaydbg.history.connect_errors import check_address, connect_failure, scrub
from replaydbg.history.tls import tls_setting

logger = logging.getLogger(__name__)

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"
_CONFIG_FILE_HINT = "TEMPORAL_CONFIG_FILE, or ~/.config/temporalio/temporal.toml"


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch and how to connect; unset fields fall back to the environment config.

    ``tls``: True/False forces TLS on/off; None decides from the rest (a CA, client
    certificate, server name or API key turns it on). ``connect_timeout`` bounds, in seconds,
    the wait for the server to answer the first call.
    """

    workflow_id: str
    run_id: str | None = None
    namespace: str | None = None
    address: str | None = None
    api_key: str | None = field(default=None, repr=False)
    tls: bool | None = None
    tls_ca_path: str | None = None
    tls_cert_path: str | None = None
    tls_key_path: str | None = None
    tls_server_name: str | None = None
    profile: str | None = None
    config_file: str | None = None
    connect_timeout: float = 10.0


@dataclass(frozen=True)
class ConnectionSettings:
    """The resolved connection; ``describe()`` is safe to print, the object itself is too."""

    address: str
    namespace: str
    api_key: str | None = field(default=None, repr=False)
    tls: bool | TLSConfig | None = field(default=None, repr=False)
    rpc_metadata: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def uses_tls(self) -> bool:
        """Whether the connection will use TLS (an API key turns it on unless told not to)."""
        if self.tls is None:
            return self.api_key is not None
        return bool(self.tls)

    def describe(self) -> str:
        """Address, namespace and which credentials are in use, without their values."""
        tls = "on" if self.uses_tls else "off"
        key = "set" if self.api_key else "none"
        return f"{self.address} namespace={self.namespace} tls={tls} api_key={key}"


def resolve_settings(options: FetchOptions) -> ConnectionSettings:
    """Merge explicit options over the environment config; ``ConfigError`` if it is broken."""
    profile = load_profile(options.profile, options.config_file)
    return ConnectionSettings(
        address=options.address or profile.address or DEFAULT_ADDRESS,
        namespace=options.namespace or profile.namespace or DEFAULT_NAMESPACE,
        api_key=options.api_key or profile.api_key,
        tls=tls_setting(options, profile.tls),
        rpc_metadata=dict(profile.grpc_meta),
    )


def load_profile(name: str | None, config_file: str | None) -> ClientConfigProfile:
    """The environment's client profile (file + ``TEMPORAL_*`` variables)."""
    raw: Any = load_profile_dict(name, config_file)
    return ClientConfigProfile.from_dict(raw)


def load_profile_dict(name: str | None, config_file: str | None) -> dict[str, Any]:
    """The profile as the SDK's core reads it, sections the Python class drops included.

    ``ClientConfigProfile`` keeps only what a client connection needs; the core also reads
    ``[profile.X.codec]`` (``endpoint``, ``auth``) and ``TEMPORAL_CODEC_ENDPOINT`` /
    ``TEMPORAL_CODEC_AUTH``, exactly as the CLI does, and returns them in the same dictionary.
    That function is private to the SDK: tests pin what it returns.
    """
    source = Path(config_file) if config_file else None
    if source is not None and not source.is_file():
        raise ConfigError(
            f"config file {source} does not exist",
            hint="pass the path of a temporal.toml, or leave it out to use " + _CONFIG_FILE_HINT,
        )
    try:
        raw: dict[str, Any] = _bridge_envconfig.load_client_connect_config(
            profile=name, path=str(source) if source else None, data=None, disable_file=False,
            disable_env=False, config_file_strict=False, env_vars=None,
        )
        return raw
    except Exception as err:  # the bridge raises its own ConfigError type, without stubs
        problem = _profile_error(err, name, config_file)
    # Raised outside the handler so the original (whose TOML excerpt may show an API key)
    # is not even kept as __context__.
    raise problem


def _profile_error(err: Exception, name: str | None, config_file: str | None) -> ConfigError:
    where = f"config file {config_file}" if config_file else "the Temporal config file"
    # TOML errors quote the offending line, which may hold an API key: keep only the summary.
    lines = [line for line in str(err).splitlines() if line.strip()]
    summary = lines[0] if lines else type(err).__name__
    if len(lines) > 1 and not lines[-1].lstrip().startswith(("|", "^")) and "|" not in lines[-1]:
        summary += f": {lines[-1].strip()}"
    if "not found" in summary and name:
        return ConfigError(
            f"profile {name!r} not found in {where}",
            hint="check the profile name (TEMPORAL_PROFILE / --profile); `temporal config list` "
            "shows the profiles",
        )
    return ConfigError(f"cannot load {where}: {summary}", hint="fix or remove the file")


async def connect(settings: ConnectionSettings, timeout: float) -> Client:
    """A connected client, or a ``FetchError`` subclass saying why not, within ``timeout`` s."""
    check_address(settings.address)
    logger.debug("connecting to %s", settings.describe())
    try:
        return await asyncio.wait_for(_connect(settings), timeout)
    except asyncio.TimeoutError:
        raise connect_failure(settings.address, "timeout", timeout=timeout) from None
    except Exception as err:  # the bridge reports transport failures as RuntimeError
        text = scrub(str(err), settings.api_key)
        failure = connect_failure(settings.address, text, tls=settings.uses_tls)
        if text == str(err):
            raise failure from err
    # Only reached when the transport's text held the secret: raised outside the handler so
    # the original is not kept, not even as __context__.
    raise failure


async def _connect(settings: ConnectionSettings) -> Client:
    return await Client.connect(
        settings.address,
        namespace=settings.namespace,
        api_key=settings.api_key,
        tls=settings.tls,
        rpc_metadata=settings.rpc_metadata,
        identity="replaydbg",
    )
