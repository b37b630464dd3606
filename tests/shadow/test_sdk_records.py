"""The SDK's log records during a batch replay: which are the replay's verdict, which noise."""

from __future__ import annotations

import logging

from replaydbg.shadow.replaying import WORKER_LOGGER, _TaskFailures


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.getLogger(WORKER_LOGGER).makeRecord(
        WORKER_LOGGER, logging.ERROR, __file__, 1, message, args, None)


def test_a_failed_activation_is_taken_and_fails_the_history() -> None:
    failures = _TaskFailures()
    assert not failures.filter(_record("Failed handling activation on workflow with run ID %s",
                                       "r1"))
    assert failures.seen


def test_an_eviction_retried_after_a_failed_task_is_its_echo_and_dropped() -> None:
    failures = _TaskFailures()
    failures.filter(_record("Failed handling activation on workflow with run ID %s", "r1"))
    for message in ("Failed running eviction job for run ID %s, continually retrying",
                    "Timed out running eviction job for run ID %s, continually retrying"):
        assert not failures.filter(_record(message, "r1"))


def test_an_eviction_retried_after_a_task_that_went_well_is_shown() -> None:
    # Code that swallows the SDK's eviction: the SDK's own message is the hint the user needs.
    failures = _TaskFailures()
    assert failures.filter(_record("Timed out running eviction job for run ID %s, continually "
                                   "retrying", "r1"))
    assert not failures.seen
