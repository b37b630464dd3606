from __future__ import annotations

from replaydbg.lsp.settings import Settings, read_settings


def test_defaults_when_the_client_sends_nothing() -> None:
    settings = read_settings(None, None)
    assert settings == Settings()
    assert settings.problems == ()


def test_camel_case_keys_and_later_sources_win() -> None:
    settings = read_settings({"debounceMs": 50, "enable": False}, {"debounceMs": 300})
    assert settings.debounce_ms == 300
    assert settings.enable is False


def test_section_wrapper_is_accepted() -> None:
    assert read_settings({"replaydbg": {"debounceMs": 10}}).debounce_ms == 10


def test_rule_keys_pass_through_for_the_rules_to_validate() -> None:
    settings = read_settings({"ignore": ["RDB101"], "knownSafe": "a.b"})
    assert settings.rule_overrides == {"ignore": ["RDB101"], "knownSafe": "a.b"}
    assert settings.problems == ()


def test_a_bad_value_is_reported_and_replaced_by_its_default() -> None:
    settings = read_settings({"debounceMs": "fast", "enable": True})
    assert settings.debounce_ms == Settings().debounce_ms
    assert settings.enable is True
    assert len(settings.problems) == 1
    assert "'debounceMs'" in settings.problems[0]
    assert "using the default" in settings.problems[0]


def test_out_of_range_and_boolean_numbers_are_bad() -> None:
    assert read_settings({"debounceMs": 99999}).debounce_ms == 200
    assert read_settings({"debounceMs": True}).problems


def test_unknown_keys_are_reported_not_fatal() -> None:
    settings = read_settings({"debounce": 10})
    assert settings == Settings()
    assert "unknown setting 'debounce'" in settings.problems[0]
    assert "debounceMs" in settings.problems[0]
