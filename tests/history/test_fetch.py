"""fetch_history against a real dev server, and what each failure looks like."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from replaydbg.errors import (
    ConfigError,
    NamespaceNotFoundError,
    ReplaydbgError,
    ServerUnreachableError,
    WorkflowNotFoundError,
)
from replaydbg.history import FetchOptions, History, fetch_history, load_history, save_history
from replaydbg.testing import DevServer
from replaydbg.testing.devserver import free_port
from tests.history.conftest import SIGNALS_FOR_SEVERAL_PAGES, Recorded

pytestmark = pytest.mark.devserver

SECRET = "sekret-api-key-0123456789"


def _fetch(options: FetchOptions, progress: list[int] | None = None) -> History:
    callback = progress.append if progress is not None else None
    return asyncio.run(fetch_history(options, progress=callback))


def _sdk_events(server: DevServer, run: Recorded) -> list[object]:
    async def fetch() -> list[object]:
        client = await Client.connect(server.address)
        handle = client.get_workflow_handle(run.workflow_id, run_id=run.run_id)
        return list((await handle.fetch_history()).events)

    return asyncio.run(fetch())


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The machine's own Temporal config must not leak into these tests.
    for name in ("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE",
                 "TEMPORAL_TLS", "TEMPORAL_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "no-such-temporal.toml"))


class TestFetch:
    def test_latest_run_by_workflow_id(self, dev_server: DevServer, simple_run: Recorded) -> None:
        history = _fetch(FetchOptions(simple_run.workflow_id, address=dev_server.address))
        assert history.workflow_id == simple_run.workflow_id
        assert history.workflow_type == "SimpleWorkflow"
        assert history.run_id == simple_run.run_id
        assert list(history.events) == _sdk_events(dev_server, simple_run)
        types = {event.event_type for event in history.events}
        assert EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED in types
        assert EventType.EVENT_TYPE_TIMER_FIRED in types
        assert simple_run.workflow_id in history.source and dev_server.address in history.source

    def test_by_run_id(self, dev_server: DevServer, simple_run: Recorded) -> None:
        options = FetchOptions(
            simple_run.workflow_id, run_id=simple_run.run_id, address=dev_server.address
        )
        history = _fetch(options)
        assert history.run_id == simple_run.run_id
        assert simple_run.run_id in history.source

    def test_several_pages_report_progress(self, dev_server: DevServer, long_run: Recorded) -> None:
        progress: list[int] = []
        history = _fetch(FetchOptions(long_run.workflow_id, address=dev_server.address), progress)
        assert len(history.events) > SIGNALS_FOR_SEVERAL_PAGES
        assert len(progress) >= 2, "the history should have needed several pages"
        assert progress == sorted(progress) and progress[-1] == len(history.events)
        assert list(history.events) == _sdk_events(dev_server, long_run)

    def test_same_events_as_the_cli(
        self, dev_server: DevServer, simple_run: Recorded, tmp_path: Path
    ) -> None:
        shown = subprocess.run(
            [dev_server.cli, "workflow", "show", "--output", "json", "--address",
             dev_server.address, "--workflow-id", simple_run.workflow_id],
            capture_output=True, check=True,
        )
        cli_file = tmp_path / "cli.json"
        cli_file.write_bytes(shown.stdout)
        fetched = _fetch(FetchOptions(simple_run.workflow_id, address=dev_server.address))
        assert list(load_history(cli_file).events) == list(fetched.events)
        saved = save_history(fetched, tmp_path / "saved.json")
        assert list(load_history(saved).events) == list(fetched.events)


class TestNotFound:
    def test_unknown_workflow(self, dev_server: DevServer) -> None:
        with pytest.raises(WorkflowNotFoundError) as caught:
            _fetch(FetchOptions("no-such-workflow", address=dev_server.address))
        text = str(caught.value)
        assert "workflow 'no-such-workflow' not found in namespace 'default'" in text
        assert dev_server.address in text and "temporal workflow list" in text

    def test_unknown_run(self, dev_server: DevServer, simple_run: Recorded) -> None:
        run_id = "0190d5c4-0000-7000-8000-000000000000"
        options = FetchOptions(simple_run.workflow_id, run_id=run_id, address=dev_server.address)
        with pytest.raises(WorkflowNotFoundError) as caught:
            _fetch(options)
        assert run_id in str(caught.value) and simple_run.workflow_id in str(caught.value)

    def test_unknown_namespace(self, dev_server: DevServer, simple_run: Recorded) -> None:
        options = FetchOptions(
            simple_run.workflow_id, namespace="no-such-namespace", address=dev_server.address
        )
        with pytest.raises(NamespaceNotFoundError) as caught:
            _fetch(options)
        text = str(caught.value)
        assert "namespace 'no-such-namespace' not found" in text and dev_server.address in text
        assert "not found in" not in text, "must not claim the workflow is missing"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and then never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


class TestUnreachable:
    def test_nothing_listening_fails_fast(self) -> None:
        address = f"127.0.0.1:{free_port()}"
        started = time.monotonic()
        with pytest.raises(ServerUnreachableError) as caught:
            _fetch(FetchOptions("wf", address=address, connect_timeout=5))
        assert time.monotonic() - started < 5
        assert address in str(caught.value) and "connection refused" in str(caught.value)
        assert "temporal server start-dev" in (caught.value.hint or "")

    def test_silent_server_is_bounded(self, silent_port: int) -> None:
        address = f"127.0.0.1:{silent_port}"
        started = time.monotonic()
        with pytest.raises(ServerUnreachableError) as caught:
            _fetch(FetchOptions("wf", address=address, connect_timeout=1.5))
        elapsed = time.monotonic() - started
        assert 1.4 < elapsed < 5
        assert f"no Temporal server answered at {address} within 1.5s" in str(caught.value)


class TestEnvironmentConfig:
    def test_address_and_namespace_from_env(
        self, dev_server: DevServer, simple_run: Recorded, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TEMPORAL_ADDRESS", dev_server.address)
        assert _fetch(FetchOptions(simple_run.workflow_id)).run_id == simple_run.run_id
        monkeypatch.setenv("TEMPORAL_NAMESPACE", "other-namespace")
        with pytest.raises(WorkflowNotFoundError, match="namespace 'other-namespace'"):
            _fetch(FetchOptions(simple_run.workflow_id))

    def test_explicit_options_override_env(
        self, dev_server: DevServer, simple_run: Recorded, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
        monkeypatch.setenv("TEMPORAL_NAMESPACE", "other-namespace")
        options = FetchOptions(
            simple_run.workflow_id, address=dev_server.address, namespace="default"
        )
        assert _fetch(options).run_id == simple_run.run_id

    def _toml(self, tmp_path: Path, address: str) -> Path:
        path = tmp_path / "temporal.toml"
        path.write_text(
            f'[profile.default]\naddress = "127.0.0.1:{free_port()}"\n\n'
            f'[profile.dev]\naddress = "{address}"\nnamespace = "default"\n'
        )
        return path

    def test_profile_from_config_file(
        self, dev_server: DevServer, simple_run: Recorded, tmp_path: Path
    ) -> None:
        config = self._toml(tmp_path, dev_server.address)
        options = FetchOptions(simple_run.workflow_id, profile="dev", config_file=str(config))
        assert _fetch(options).run_id == simple_run.run_id

    def test_profile_and_file_from_env(
        self, dev_server: DevServer, simple_run: Recorded, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(self._toml(tmp_path, dev_server.address)))
        monkeypatch.setenv("TEMPORAL_PROFILE", "dev")
        assert _fetch(FetchOptions(simple_run.workflow_id)).run_id == simple_run.run_id

    def test_unknown_profile(self, tmp_path: Path) -> None:
        config = self._toml(tmp_path, "127.0.0.1:1")
        with pytest.raises(ConfigError, match="profile 'staging' not found"):
            _fetch(FetchOptions("wf", profile="staging", config_file=str(config)))

    def test_missing_config_file(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="does not exist"):
            _fetch(FetchOptions("wf", config_file=str(tmp_path / "nope.toml")))


class TestSecrets:
    def _assert_secret_free(self, error: BaseException, caplog: pytest.LogCaptureFixture) -> None:
        chain: list[BaseException] = []
        current: BaseException | None = error
        while current is not None:
            chain.append(current)
            current = current.__cause__ or current.__context__
        for item in chain:
            assert SECRET not in str(item) and SECRET not in repr(item)
        assert SECRET not in caplog.text

    def test_api_key_not_in_not_found(
        self, dev_server: DevServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        options = FetchOptions("missing", address=dev_server.address, api_key=SECRET, tls=False)
        assert SECRET not in repr(options)
        with pytest.raises(WorkflowNotFoundError) as caught:
            _fetch(options)
        self._assert_secret_free(caught.value, caplog)
        assert "api_key=set" in caplog.text, "the log says a key is used, not which"

    def test_api_key_not_in_tls_failure(
        self, dev_server: DevServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        # An API key turns TLS on; the dev server speaks plaintext.
        caplog.set_level(logging.DEBUG)
        with pytest.raises(ServerUnreachableError) as caught:
            _fetch(FetchOptions("wf", address=dev_server.address, api_key=SECRET))
        assert "TLS" in str(caught.value) and "--no-tls" in (caught.value.hint or "")
        self._assert_secret_free(caught.value, caplog)

    def test_api_key_not_in_unreachable(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        options = FetchOptions("wf", address=f"127.0.0.1:{free_port()}", api_key=SECRET)
        with pytest.raises(ReplaydbgError) as caught:
            _fetch(options)
        self._assert_secret_free(caught.value, caplog)

    def test_api_key_not_in_broken_config(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        config = tmp_path / "temporal.toml"
        config.write_text(f'[profile.default]\napi_key = "{SECRET}\naddress = "x"\n')
        with pytest.raises(ConfigError) as caught:
            _fetch(FetchOptions("wf", config_file=str(config)))
        assert str(config) in str(caught.value)
        self._assert_secret_free(caught.value, caplog)

    def test_key_file_contents_not_in_messages(self, tmp_path: Path) -> None:
        key = tmp_path / "client.key"
        key.write_text(SECRET)
        options = FetchOptions(
            "wf", address="127.0.0.1:1", tls_key_path=str(key),
            tls_cert_path=str(tmp_path / "missing.pem"),
        )
        with pytest.raises(ConfigError) as caught:
            _fetch(options)
        assert "missing.pem does not exist (from --tls-cert)" in str(caught.value)
        assert SECRET not in str(caught.value)
