"""Re-run a history against the user's workflow code and map every event to the code."""
