"""Import what the user names as ``package.module:attribute`` (a plugin, a converter...).

The same form everywhere (``--plugin``, launch attributes, ``[tool.replaydbg]``): an instance,
or a zero-argument factory that returns one. Every failure is the user's to fix, so it is an
input error that names the spec, what it was for, and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

from replaydbg.errors import WorkerSetupError
from replaydbg.replay.userimport import UserModules, import_user_module


def load_object(spec: str, what: str, *, option: str, call: bool = True) -> Any:
    """The object ``spec`` names; a callable is called when ``call`` (a factory).

    ``what`` says what it is for ("plugin"); ``option`` names where it was given (``--plugin``).
    """
    module_name, sep, attr = spec.rpartition(":")
    if not sep or not module_name or not attr:
        raise WorkerSetupError(f"{option} {spec!r} is not MODULE:ATTRIBUTE",
                               hint=f"name the {what} as package.module:attribute (or "
                               f"path/to/file.py:attribute), e.g. {option} "
                               f"myapp.worker:{what.replace(' ', '_')}")
    try:
        module = _import(module_name)
    except WorkerSetupError:
        raise
    except Exception as err:  # WorkflowDiscoveryError: the module or its imports failed
        message = getattr(err, "message", str(err))
        raise WorkerSetupError(f"cannot load the {what} {spec} ({option}): {message}",
                               hint=getattr(err, "hint", None)) from err
    value: Any = module
    for part in attr.split("."):
        if not hasattr(value, part):
            raise WorkerSetupError(
                f"cannot load the {what} {spec} ({option}): {module_name!r} has no attribute "
                f"{attr!r}", hint=f"check the name; {option} takes package.module:attribute")
        value = getattr(value, part)
    if call and callable(value):
        value = _call_factory(value, spec, what, option)
    return value


def _import(target: str) -> ModuleType:
    """A module by dotted name, or by file path (imported under its package's name)."""
    if target.endswith(".py") or "/" in target or os.sep in target:
        if not Path(target).is_file():
            raise WorkerSetupError(f"{target}: no such file",
                                   hint="give a .py file that exists, then :attribute")
        return UserModules().load_file(Path(target))
    return import_user_module(target)


def _call_factory(factory: Any, spec: str, what: str, option: str) -> Any:
    try:
        return factory()
    except TypeError as err:
        raise WorkerSetupError(
            f"{spec} ({option}) is a {'class' if isinstance(factory, type) else 'function'} "
            f"that needs arguments: {err}",
            hint=f"name a {what} instance, or a function that takes no arguments") from err
    except Exception as err:  # the user's factory raised
        raise WorkerSetupError(f"{spec} ({option}) raised {type(err).__name__}: {err}",
                               hint=f"fix the {what} factory") from err
