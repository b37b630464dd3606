"""Replay saved histories against the code and make findings of what breaks.

The engine is the shadow run's (:class:`~replaydbg.shadow.replaying.BatchReplayer`): the SDK's
batch replay judges every history at its own speed, and only the ones that break are replayed
again, recording, to find the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from replaydbg.histcheck.findings import HistoryFinding, findings_of
from replaydbg.histcheck.saved import SavedHistory
from replaydbg.history import History
from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.replaying import BatchReplayer, HistoryRef
from replaydbg.shadow.report import ShadowReport


async def replay_saved(replayer: BatchReplayer, histories: Sequence[SavedHistory],
                       loaded: Sequence[History | Outcome] | None = None,
                       ) -> tuple[ShadowReport, list[HistoryFinding]]:
    """Replay ``histories``; the report, and its findings (totals per workflow type).

    ``loaded``: the histories already read from their files, in the same order.
    """
    report = ShadowReport()
    if loaded is None:
        report.add(await replayer.replay_files(HistoryRef(str(h.path)) for h in histories))
    else:
        report.add(await replayer.replay(list(loaded)))
    return report, findings_of(report, totals_of(histories))


def totals_of(histories: Iterable[SavedHistory]) -> dict[str, int]:
    """How many saved histories each workflow type has (the "of N" of every message)."""
    totals: dict[str, int] = {}
    for saved in histories:
        totals[saved.workflow_type] = totals.get(saved.workflow_type, 0) + 1
    return totals
