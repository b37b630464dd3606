"""Workflows that fail the way production workflows do: stuck tasks, a sandbox hit, a deadlock,
a failed execution."""
