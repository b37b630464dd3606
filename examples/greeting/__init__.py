"""Greeting: a workflow whose current code no longer matches its recorded history."""
