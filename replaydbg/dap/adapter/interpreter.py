"""Make sure the launch's ``python`` is a Python interpreter before debugpy is asked to run it.

debugpy's launcher reports a text file or a non-executable file as ``Exec format error`` with
its own traceback, after the launch was forwarded; the session then has no clean way back.
Trying the interpreter first (a few tens of milliseconds) turns that into an error response
naming the launch attribute, and leaves the session free for a corrected launch.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Sequence

from replaydbg.errors import InputError

_PROBE = "import sys; sys.stdout.write('replaydbg-python-ok')"
_HINT = ('set the launch attribute "python" to a Python interpreter, e.g. the one of your '
         "project's virtual environment (.venv/bin/python), or leave it out to use the "
         "adapter's own")


def check_interpreter(python: Sequence[str], cwd: str) -> None:
    """Raise ``InputError`` unless ``python`` runs Python code."""
    program = python[0]
    found = shutil.which(program) if os.sep not in program else program
    if found is None or not os.path.exists(found):
        raise InputError(f'launch attribute "python": {program} does not exist', hint=_HINT)
    if not os.path.isfile(found) or not os.access(found, os.X_OK):
        raise InputError(f'launch attribute "python": {program} is not an executable file',
                         hint=_HINT)
    try:
        result = subprocess.run([*python, "-c", _PROBE], cwd=cwd, capture_output=True,
                                timeout=30, check=False, stdin=subprocess.DEVNULL)
    except OSError as err:
        what = ("is not a program this system can run (a text file without a #! line?)"
                if err.errno == errno.ENOEXEC else f"cannot be run: {err.strerror or err}")
        raise InputError(f'launch attribute "python": {program} {what}', hint=_HINT) from err
    except subprocess.TimeoutExpired as err:
        raise InputError(f'launch attribute "python": {program} did not run Python code '
                         "within 30 s", hint=_HINT) from err
    if result.stdout != b"replaydbg-python-ok":
        said = (result.stderr or result.stdout).decode(errors="replace").strip()[:200]
        raise InputError(f'launch attribute "python": {program} is not a Python interpreter'
                         + (f" (it said: {said})" if said else ""), hint=_HINT)
