"""replaydbg: replay debugger and determinism checker for Temporal Python workflows."""

from replaydbg.errors import InputError, ReplaydbgError

__version__ = "0.1.0"

__all__ = ["InputError", "ReplaydbgError", "__version__"]
