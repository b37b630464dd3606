"""Re-record ``data/rich_history.json`` on a real dev server.

Run from the repository root: ``python -m tests.history.record_rich_history``.

The file is what ``temporal workflow show --output json`` prints for the first run of
``RichWorkflow``, so the tests read exactly what users download.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from temporalio.client import Client

from replaydbg.testing import DevServer
from tests.history.live_runs import DEV_SERVER_ARGS, run_rich

OUT = Path(__file__).parent / "data" / "rich_history.json"
WORKFLOW_ID = "rich-workflow"


async def _record(server: DevServer) -> str:
    client = await Client.connect(server.address)
    return await run_rich(client, WORKFLOW_ID)


def main() -> None:
    with DevServer(extra_args=DEV_SERVER_ARGS) as server:
        run_id = asyncio.run(_record(server))
        shown = subprocess.run(
            [server.cli, "workflow", "show", "--output", "json", "--address", server.address,
             "--workflow-id", WORKFLOW_ID, "--run-id", run_id],
            capture_output=True, text=True, check=True,
        )
    OUT.write_text(shown.stdout)
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
