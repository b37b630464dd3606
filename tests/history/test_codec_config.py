"""The codec server settings: options over the temporal.toml profile and TEMPORAL_CODEC_*."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.errors import ConfigError
from replaydbg.history.codec_config import CodecOptions, resolve_codec_endpoint
from replaydbg.history.connect import load_profile_dict


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TEMPORAL_CODEC_ENDPOINT", "TEMPORAL_CODEC_AUTH", "TEMPORAL_PROFILE",
                 "TEMPORAL_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "absent.toml"))


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "temporal.toml"
    path.write_text(text)
    return str(path)


def test_the_sdk_loader_keeps_the_codec_section(tmp_path: Path) -> None:
    # load_profile_dict relies on the core's loader returning the section the Python
    # ClientConfigProfile drops; this pins it.
    config = _config(tmp_path, '[profile.default.codec]\nendpoint = "https://c"\nauth = "B t"\n')
    assert load_profile_dict(None, config)["codec"] == {"endpoint": "https://c", "auth": "B t"}


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_CODEC_ENDPOINT", "https://codec.example.com/{namespace}")
    monkeypatch.setenv("TEMPORAL_CODEC_AUTH", "Bearer from-env")
    endpoint = resolve_codec_endpoint(CodecOptions(namespace="payments"))
    assert endpoint is not None
    assert endpoint.url == "https://codec.example.com/payments"
    assert endpoint.auth == "Bearer from-env" and endpoint.namespace == "payments"
    assert "from-env" not in repr(endpoint)


def test_options_win_field_by_field(tmp_path: Path) -> None:
    config = _config(tmp_path, '[profile.default.codec]\nendpoint = "https://profile"\n'
                     'auth = "Bearer profile"\n')
    endpoint = resolve_codec_endpoint(CodecOptions(endpoint="http://option:8080",
                                                   config_file=config))
    assert endpoint is not None
    assert endpoint.url == "http://option:8080" and endpoint.auth == "Bearer profile"


def test_no_endpoint_anywhere_means_no_codec_server() -> None:
    assert resolve_codec_endpoint(CodecOptions()) is None


def test_auth_without_an_endpoint_is_a_mistake() -> None:
    with pytest.raises(ConfigError, match="--codec-auth is set but no codec server endpoint"):
        resolve_codec_endpoint(CodecOptions(auth="Bearer x"))


def test_user_and_password_in_the_url_are_not_shown() -> None:
    endpoint = resolve_codec_endpoint(CodecOptions(endpoint="https://me:pw@codec.example.com/x"))
    assert endpoint is not None and endpoint.shown == "https://codec.example.com/x"


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="--codec-timeout must be a positive"):
        resolve_codec_endpoint(CodecOptions(endpoint="https://c", read_timeout=0))
