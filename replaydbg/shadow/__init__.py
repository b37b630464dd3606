"""Shadowing: replay many production histories against the current code before a deploy.

``selection`` says which executions (a visibility query and its shortcuts, sampling),
``fetching`` brings their histories (bounded, retried, cached by run id), ``replaying``
replays them in one process and ``pool`` in several; ``report`` groups what broke by cause,
and ``junit`` / ``sarif`` write it for CI. ``distributed`` runs the same on the user's own
Temporal cluster, with ``shadow-worker`` processes doing the replays.
"""
