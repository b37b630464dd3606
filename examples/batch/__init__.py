"""Batch: a long-running workflow whose history has about ten thousand events."""
