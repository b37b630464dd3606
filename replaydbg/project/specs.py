"""The worker setup by name: what the CLI, a launch and pyproject.toml say, resolved at replay.

Names, not objects, travel from the adapter to the debuggee and the mapper (they run in the
user's interpreter, where the objects can be imported): :meth:`SetupSpecs.to_json` and
:meth:`SetupSpecs.from_json` carry them, :meth:`SetupSpecs.resolve` imports them there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from temporalio.converter import DataConverter
from temporalio.worker import Interceptor, Plugin

from replaydbg.errors import WorkerSetupError
from replaydbg.project.objects import load_object
from replaydbg.replay.setup import WorkerSetup


@dataclass(frozen=True)
class SetupSpecs:
    """``package.module:attribute`` names of the worker's plugins, interceptors, converter..."""

    plugins: tuple[str, ...] = ()
    interceptors: tuple[str, ...] = ()
    data_converter: str | None = None
    #: Exception classes that fail the workflow instead of the workflow task.
    failure_types: tuple[str, ...] = ()
    #: Module names the worker's sandbox passes through.
    passthrough: tuple[str, ...] = ()
    sandbox: bool = True

    @property
    def custom_payloads(self) -> bool:
        """Whether payloads may go through a codec only the user's code has."""
        return bool(self.data_converter or self.plugins)

    def to_json(self) -> dict[str, Any]:
        """For the session file the debuggee and the mapper read (launch attribute names)."""
        return {"plugins": list(self.plugins), "interceptors": list(self.interceptors),
                "dataConverter": self.data_converter,
                "workflowFailureExceptionTypes": list(self.failure_types),
                "passthroughModules": list(self.passthrough), "sandbox": self.sandbox}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SetupSpecs:
        """The inverse of :meth:`to_json` (missing keys: defaults)."""
        return cls(tuple(data.get("plugins") or ()), tuple(data.get("interceptors") or ()),
                   data.get("dataConverter") or None,
                   tuple(data.get("workflowFailureExceptionTypes") or ()),
                   tuple(data.get("passthroughModules") or ()), bool(data.get("sandbox", True)))

    def resolve(self) -> WorkerSetup:
        """Import every object named; a bad name is a :class:`WorkerSetupError`."""
        plugins = tuple(_typed(load_object(s, "plugin", option="--plugin"), Plugin, s, "--plugin",
                               "a temporalio worker plugin (e.g. temporalio.plugin.SimplePlugin)")
                        for s in self.plugins)
        interceptors = tuple(
            _typed(load_object(s, "interceptor", option="--interceptor"), Interceptor, s,
                   "--interceptor", "a temporalio.worker.Interceptor")
            for s in self.interceptors)
        converter = None
        if self.data_converter:
            converter = _typed(load_object(self.data_converter, "data converter",
                                           option="--data-converter"),
                               DataConverter, self.data_converter, "--data-converter",
                               "a temporalio DataConverter")
        types = tuple(_exception_class(s) for s in self.failure_types)
        return WorkerSetup(plugins, interceptors, converter, types, self.passthrough,
                           self.sandbox)


def _typed(value: Any, kind: type, spec: str, option: str, expected: str) -> Any:
    if not isinstance(value, kind):
        raise WorkerSetupError(f"{option} {spec} is a {type(value).__name__}, not {expected}",
                               hint=f"{option} takes package.module:attribute naming {expected} "
                               "or a function without arguments that returns one")
    return value


def _exception_class(spec: str) -> type[BaseException]:
    value = load_object(spec, "exception class", option="--failure-type", call=False)
    if not (isinstance(value, type) and issubclass(value, BaseException)):
        raise WorkerSetupError(
            f"--failure-type {spec} is a {type(value).__name__}, not an exception class",
            hint="workflow_failure_exception_types lists exception classes, e.g. "
            "myapp.errors:OrderRejected")
    return value
