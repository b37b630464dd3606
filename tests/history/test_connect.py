"""Connection settings and error classification, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf.any_pb2 import Any as AnyMessage
from temporalio.api.common.v1 import GrpcStatus
from temporalio.api.errordetails.v1 import NamespaceNotFoundFailure, NotFoundFailure
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from replaydbg.errors import (
    AuthError,
    ConfigError,
    FetchError,
    NamespaceNotFoundError,
    ServerUnreachableError,
    WorkflowNotFoundError,
)
from replaydbg.history.connect import FetchOptions, resolve_settings
from replaydbg.history.connect_errors import connect_failure, rpc_failure

SECRET = "sekret-api-key-0123456789"


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE",
                 "TEMPORAL_TLS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "no-such-temporal.toml"))


def _rpc_error(status: RPCStatusCode, message: str, detail: object = None) -> RPCError:
    grpc_status = GrpcStatus(code=int(status), message=message)
    if detail is not None:
        packed = AnyMessage()
        packed.Pack(detail)  # type: ignore[arg-type]
        grpc_status.details.append(packed)
    return RPCError(message, status, grpc_status.SerializeToString())


def _classify(err: RPCError) -> FetchError:
    return rpc_failure(err, what="workflow 'wf'", namespace="ns", address="host:7233")


class TestRpcErrors:
    def test_namespace_not_found(self) -> None:
        err = _rpc_error(RPCStatusCode.NOT_FOUND, "Namespace ns is not found.",
                         NamespaceNotFoundFailure(namespace="ns"))
        failure = _classify(err)
        assert isinstance(failure, NamespaceNotFoundError)
        assert "namespace 'ns' not found at host:7233" in str(failure)

    def test_workflow_not_found(self) -> None:
        err = _rpc_error(RPCStatusCode.NOT_FOUND, "workflow not found for ID: wf",
                         NotFoundFailure())
        failure = _classify(err)
        assert isinstance(failure, WorkflowNotFoundError)
        assert "workflow 'wf' not found in namespace 'ns' at host:7233" in str(failure)

    @pytest.mark.parametrize(
        "status", [RPCStatusCode.UNAUTHENTICATED, RPCStatusCode.PERMISSION_DENIED]
    )
    def test_refused_credentials_are_auth_errors_never_not_found(
        self, status: RPCStatusCode
    ) -> None:
        failure = _classify(_rpc_error(status, "Request unauthorized."))
        assert isinstance(failure, AuthError)
        assert "not found" not in failure.message

    def test_unavailable(self) -> None:
        failure = _classify(_rpc_error(RPCStatusCode.UNAVAILABLE, "connection reset"))
        assert isinstance(failure, ServerUnreachableError) and "host:7233" in str(failure)

    def test_other_status(self) -> None:
        failure = _classify(_rpc_error(RPCStatusCode.INVALID_ARGUMENT, "invalid RunId."))
        assert type(failure) is FetchError
        assert "INVALID_ARGUMENT: invalid RunId." in str(failure)


class TestConnectErrors:
    def test_refused(self) -> None:
        text = 'tcp connect error, Os { code: 111, kind: ConnectionRefused, "Connection refused" }'
        failure = connect_failure("h:1", text)
        assert isinstance(failure, ServerUnreachableError) and "connection refused" in str(failure)

    def test_unauthenticated_at_connect(self) -> None:
        text = "`get_system_info` call error: Status { code: Unauthenticated, message: no }"
        assert isinstance(connect_failure("h:1", text), AuthError)

    def test_tls_mismatch_hints_at_the_fix(self) -> None:
        failure = connect_failure("h:1", "InvalidMessage(InvalidContentType)", tls=True)
        assert "--no-tls" in (failure.hint or "")


class TestSettings:
    def test_defaults(self) -> None:
        settings = resolve_settings(FetchOptions("wf"))
        assert (settings.address, settings.namespace) == ("localhost:7233", "default")
        assert settings.tls is None and not settings.uses_tls

    def test_api_key_turns_tls_on_unless_disabled(self) -> None:
        assert resolve_settings(FetchOptions("wf", api_key=SECRET)).uses_tls
        assert not resolve_settings(FetchOptions("wf", api_key=SECRET, tls=False)).uses_tls

    def test_secret_not_in_repr_or_describe(self) -> None:
        settings = resolve_settings(FetchOptions("wf", api_key=SECRET))
        for text in (repr(settings), settings.describe(), repr(FetchOptions("wf", api_key=SECRET))):
            assert SECRET not in text
        assert "api_key=set" in settings.describe()

    def test_env_api_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TEMPORAL_API_KEY", SECRET)
        assert resolve_settings(FetchOptions("wf")).api_key == SECRET

    def test_tls_files_are_read(self, tmp_path: Path) -> None:
        (tmp_path / "ca.pem").write_bytes(b"CA")
        (tmp_path / "c.pem").write_bytes(b"CERT")
        (tmp_path / "c.key").write_bytes(b"KEY")
        options = FetchOptions(
            "wf", tls_ca_path=str(tmp_path / "ca.pem"), tls_cert_path=str(tmp_path / "c.pem"),
            tls_key_path=str(tmp_path / "c.key"), tls_server_name="srv",
        )
        tls = resolve_settings(options).tls
        assert tls == TLSConfig(
            server_root_ca_cert=b"CA", client_cert=b"CERT", client_private_key=b"KEY",
            domain="srv",
        )

    def test_cert_without_key(self, tmp_path: Path) -> None:
        (tmp_path / "c.pem").write_bytes(b"CERT")
        with pytest.raises(ConfigError, match="only one of them is set"):
            resolve_settings(FetchOptions("wf", tls_cert_path=str(tmp_path / "c.pem")))

    def test_missing_ca_file_names_the_option(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError) as caught:
            resolve_settings(FetchOptions("wf", tls_ca_path=str(tmp_path / "ca.pem")))
        assert "ca.pem does not exist (from --tls-ca)" in str(caught.value)

    def test_missing_file_in_profile(self, tmp_path: Path) -> None:
        config = tmp_path / "temporal.toml"
        config.write_text(
            '[profile.default]\naddress = "h:1"\n[profile.default.tls]\n'
            f'client_cert_path = "{tmp_path}/gone.pem"\nclient_key_path = "{tmp_path}/gone.key"\n'
        )
        with pytest.raises(ConfigError, match="from the Temporal config profile"):
            resolve_settings(FetchOptions("wf", config_file=str(config)))

    def test_profile_tls_disabled_and_explicit_override(self, tmp_path: Path) -> None:
        config = tmp_path / "temporal.toml"
        config.write_text(
            '[profile.default]\napi_key = "k"\n[profile.default.tls]\ndisabled = true\n'
        )
        assert resolve_settings(FetchOptions("wf", config_file=str(config))).tls is False
        forced = FetchOptions("wf", config_file=str(config), tls=True)
        assert resolve_settings(forced).tls is True


class TestSomethingElseAnswers:
    """What an HTTP/1 server does with an HTTP/2 preface is a race: a GoAway, a frame error or
    a closed connection. Each is "something answers, but not gRPC", never a bare transport
    error with the generic start-a-server hint."""

    @pytest.mark.parametrize("source", [
        'hyper::Error(Io, Custom { kind: BrokenPipe, error: "stream closed because of a broken '
        'pipe" })',
        'hyper::Error(Io, Custom { kind: InvalidData, error: "frame with invalid size" })',
        'hyper::Error(Io, Os { code: 104, kind: ConnectionReset, message: "Connection reset by '
        'peer" })',
        "tonic::transport::Error(Transport, hyper::Error(Io, Kind(ConnectionReset)))",
    ])
    def test_closed_or_garbled_after_connecting(self, source: str) -> None:
        text = ("Failed client connect: `get_system_info` call error after connection: Status { "
                f'code: Unknown, message: "transport error", source: Some({source}) }}')
        failure = connect_failure("h:1", text)
        assert isinstance(failure, ServerUnreachableError)
        assert "something answers at h:1, but not gRPC over HTTP/2" in str(failure)
        assert "host:port of its gRPC endpoint" in (failure.hint or "")
