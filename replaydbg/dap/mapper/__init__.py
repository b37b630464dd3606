"""The mapping process: replays the history without a debugger and streams the event map.

``python -m replaydbg.dap.mapper`` (see :mod:`.streaming`); the adapter starts it and reads
the map batch by batch (:mod:`replaydbg.dap.adapter.mapping`).
"""
