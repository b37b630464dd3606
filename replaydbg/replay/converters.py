"""The user's DataConverter, named ``module:attribute`` on the command line or in a launch."""

from __future__ import annotations

from typing import Any

from temporalio.converter import DataConverter

from replaydbg.errors import InputError
from replaydbg.replay.discovery import import_user_module


def load_data_converter(spec: str) -> DataConverter:
    """The user's DataConverter from ``module:attribute`` (an instance or a factory)."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise InputError(f"--data-converter {spec!r} is not MODULE:ATTRIBUTE",
                         hint="e.g. --data-converter myapp.converters:data_converter")
    value: Any = getattr(import_user_module(module_name), attr, None)
    if value is None:
        raise InputError(f"module {module_name!r} has no attribute {attr!r}")
    if callable(value) and not isinstance(value, DataConverter):
        value = value()
    if not isinstance(value, DataConverter):
        raise InputError(f"{spec} is a {type(value).__name__}, not a temporalio DataConverter")
    return value
