"""Lifecycle: continue-as-new, cancellation and a failed-then-retried workflow task."""
