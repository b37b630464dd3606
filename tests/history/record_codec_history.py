"""Re-record ``data/codec_history.json`` on a real dev server, with the zlib codec.

Run from the repository root: ``python -m tests.history.record_codec_history``.

The worker and client use ``tests.support.zlib_codec.data_converter``, so every payload in
the history is ``binary/zlib``: only that converter or the codec server of
``tests/support/codec_server.py`` can read it. The file is what
``temporal workflow show --output json`` prints.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from replaydbg.testing import DevServer
from tests.history.codec.workflows import ACTIVITIES, CodecWorkflow
from tests.support.zlib_codec import data_converter

OUT = Path(__file__).parent / "data" / "codec_history.json"
WORKFLOW_ID = "codec-order-7"
TASK_QUEUE = "codec-tests"


async def _record(server: DevServer) -> str:
    client = await Client.connect(server.address, data_converter=data_converter)
    async with Worker(client, task_queue=TASK_QUEUE, workflows=[CodecWorkflow],
                      activities=ACTIVITIES):
        handle = await client.start_workflow(CodecWorkflow.run, "order-7", id=WORKFLOW_ID,
                                             task_queue=TASK_QUEUE)
        await handle.signal(CodecWorkflow.note, args=["leave at the door", 2])
        await handle.result()
    assert handle.result_run_id is not None
    return handle.result_run_id


def main() -> None:
    with DevServer() as server:
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
