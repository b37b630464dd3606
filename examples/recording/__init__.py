"""The pieces of `record_histories.py`: shared helpers and the recorders of the newer examples."""
