"""Shadowing on the user's own Temporal cluster.

A workflow pages the visibility query and fans batches of runs out as activities to
``replaydbg shadow-worker`` processes. Temporal is the distributed engine here (retries,
heartbeats, continue-as-new, cancellation, a query for live progress); nothing else
schedules anything.
"""
