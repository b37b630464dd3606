"""TLS settings from explicit options and the environment profile, with files read up front.

Reading certificate and key files here, before connecting, turns a wrong path into a
``ConfigError`` that names the file and the option it came from, instead of a transport error
after a timeout. File contents never appear in messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from temporalio.envconfig import ClientConfigTLS, DataSource
from temporalio.service import TLSConfig

from replaydbg.errors import ConfigError


class TLSOptions(Protocol):
    """The TLS options of a connection (FetchOptions has them): what this module reads."""

    @property
    def tls(self) -> bool | None: ...
    @property
    def tls_ca_path(self) -> str | None: ...
    @property
    def tls_cert_path(self) -> str | None: ...
    @property
    def tls_key_path(self) -> str | None: ...
    @property
    def tls_server_name(self) -> str | None: ...


def tls_setting(options: TLSOptions, profile: ClientConfigTLS | None) -> bool | TLSConfig | None:
    """False, True (system roots), a ``TLSConfig``, or None to let the SDK decide."""
    if options.tls is False:
        return False
    # A [tls] section in the profile turns TLS on unless it says disabled, as in the SDK.
    profile_wants_tls = profile is not None and profile.disabled is not True
    profile = profile or ClientConfigTLS()
    explicit = any((options.tls_ca_path, options.tls_cert_path, options.tls_key_path,
                    options.tls_server_name))
    if profile.disabled and options.tls is not True and not explicit:
        return False
    config = _tls_config(options, profile)
    if config is not None:
        return config
    return True if options.tls is True or profile_wants_tls else None


def _tls_config(options: TLSOptions, profile: ClientConfigTLS) -> TLSConfig | None:
    """A ``TLSConfig`` when any certificate or server name is configured, else None."""
    ca = _read(options.tls_ca_path, profile.server_root_ca_cert, "CA certificate", "--tls-ca")
    cert = _read(options.tls_cert_path, profile.client_cert, "client cert", "--tls-cert")
    key = _read(options.tls_key_path, profile.client_private_key, "client key", "--tls-key")
    server_name = options.tls_server_name or profile.server_name
    if bool(cert) != bool(key):
        raise ConfigError(
            "a TLS client certificate and its key go together; only one of them is set",
            hint="give both --tls-cert and --tls-key (or client_cert and client_key "
            "in the config profile), or neither",
        )
    if not (ca or cert or server_name):
        return None
    return TLSConfig(
        server_root_ca_cert=ca, client_cert=cert, client_private_key=key, domain=server_name
    )


def _read(path: str | None, fallback: DataSource | None, what: str, option: str) -> bytes | None:
    if path:
        return _read_file(Path(path), what, f"from {option}")
    if isinstance(fallback, Path):
        return _read_file(fallback, what, "from the Temporal config profile")
    if isinstance(fallback, str):
        return fallback.encode()  # inline PEM data in the profile
    return fallback


def _read_file(path: Path, what: str, origin: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        problem = "does not exist"
    except IsADirectoryError:
        problem = "is a directory"
    except OSError as err:
        problem = f"cannot be read ({err.strerror})"
    raise ConfigError(
        f"TLS {what} file {path} {problem} ({origin})",
        hint="fix the path, or leave TLS options out to connect without them",
    )
