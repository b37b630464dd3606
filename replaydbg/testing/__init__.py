"""Helpers for tests and example recording that need real Temporal infrastructure."""

from replaydbg.testing.devserver import DevServer, find_temporal_cli

__all__ = ["DevServer", "find_temporal_cli"]
