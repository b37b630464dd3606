"""Reading a recorded workflow-task failure: the user's frames of a Python traceback text."""

from __future__ import annotations

from replaydbg.history.task_failures import StackFrame, user_frames

# What a Python worker records as a WorkflowTaskFailed failure's stack_trace (the shape
# temporalio's failure converter writes: the traceback's frames, one blank line apart).
RECORDED = (
    '  File "/srv/app/.venv/lib/python3.12/site-packages/temporalio/worker/'
    '_workflow_instance.py", line 534, in activate\n    self._run_once(\n\n'
    '  File "/srv/app/.venv/lib/python3.12/site-packages/temporalio/worker/'
    '_workflow_instance.py", line 3255, in execute_workflow\n'
    '    return await input.run_fn(*args)\n\n'
    '  File "/srv/app/orders/workflows.py", line 24, in run\n'
    '    total = self.lookup(self.keys[0])\n\n'
    '  File "/srv/app/orders/workflows.py", line 18, in lookup\n'
    '    return self.prices[key]\n'
)


def test_user_frames_leave_out_installed_libraries() -> None:
    assert user_frames(RECORDED) == (
        StackFrame("/srv/app/orders/workflows.py", 24, "run"),
        StackFrame("/srv/app/orders/workflows.py", 18, "lookup"),
    )
    assert user_frames(RECORDED)[-1].short() == "workflows.py:18 (lookup)"


def test_windows_paths_and_empty_traces() -> None:
    windows = '  File "C:\\\\app\\\\wf.py", line 7, in run\n    x()\n'
    assert user_frames(windows)[0].short() == "wf.py:7 (run)"
    assert user_frames("") == ()
