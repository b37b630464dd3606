"""The worker setup by name: what the CLI, a launch and pyproject.toml say, resolved at replay.

Names, not objects, travel from the adapter to the debuggee and the mapper (they run in the
user's interpreter, where the objects can be imported): :meth:`SetupSpecs.to_json` and
:meth:`SetupSpecs.from_json` carry them, :meth:`SetupSpecs.resolve` imports them there.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from replaydbg.errors import WorkerSetupError
from replaydbg.project.objects import load_object

if TYPE_CHECKING:
    from temporalio.converter import DataConverter

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
    #: Folders put on ``sys.path`` first (a pyproject's folder: its specs import from there).
    import_paths: tuple[str, ...] = ()
    #: Where a spec was given when not on the command line (``plugins in .../pyproject.toml``),
    #: so that an error names that place instead of the option.
    origins: Mapping[str, str] = field(default_factory=dict)

    @property
    def custom_payloads(self) -> bool:
        """Whether payloads may go through a codec only the user's code has."""
        return bool(self.data_converter or self.plugins)

    def to_json(self) -> dict[str, Any]:
        """For the session file the debuggee and the mapper read (launch attribute names)."""
        return {"plugins": list(self.plugins), "interceptors": list(self.interceptors),
                "dataConverter": self.data_converter,
                "workflowFailureExceptionTypes": list(self.failure_types),
                "passthroughModules": list(self.passthrough), "sandbox": self.sandbox,
                "importPaths": list(self.import_paths), "specOrigins": dict(self.origins)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SetupSpecs:
        """The inverse of :meth:`to_json` (missing keys: defaults)."""
        return cls(tuple(data.get("plugins") or ()), tuple(data.get("interceptors") or ()),
                   data.get("dataConverter") or None,
                   tuple(data.get("workflowFailureExceptionTypes") or ()),
                   tuple(data.get("passthroughModules") or ()), bool(data.get("sandbox", True)),
                   tuple(data.get("importPaths") or ()), dict(data.get("specOrigins") or {}))

    def add_import_paths(self) -> None:
        """Put :attr:`import_paths` first on ``sys.path``: specs and workflows import from there."""
        for path in reversed(self.import_paths):
            if path not in sys.path:
                sys.path.insert(0, path)

    def resolve(self) -> WorkerSetup:
        """Import every object named; a bad name is a :class:`WorkerSetupError`."""
        # Here, not at the top: the debug adapter reads specs long before anything resolves
        # them, and the SDK's worker package costs ~0.1 s to import.
        from temporalio.worker import Interceptor, Plugin

        from replaydbg.replay.setup import WorkerSetup

        self.add_import_paths()
        plugins = tuple(self._load(s, "plugin", "--plugin", Plugin, "a temporalio worker plugin "
                                   "(e.g. temporalio.plugin.SimplePlugin)")
                        for s in self.plugins)
        interceptors = tuple(self._load(s, "interceptor", "--interceptor", Interceptor,
                                        "a temporalio.worker.Interceptor")
                             for s in self.interceptors)
        converter = None
        if self.data_converter:
            converter = _data_converter(
                self.data_converter, self.origins.get(self.data_converter, "--data-converter"))
        types = tuple(_exception_class(s, self.origins.get(s, "--failure-type"))
                      for s in self.failure_types)
        return WorkerSetup(plugins, interceptors, converter, types, self.passthrough,
                           self.sandbox)

    def _load(self, spec: str, what: str, option: str, kind: type, expected: str) -> Any:
        """The object ``spec`` names, checked to be a ``kind``; errors name where it was given."""
        where = self.origins.get(spec, option)
        return _typed(load_object(spec, what, option=where), kind, spec, where, expected)


def _typed(value: Any, kind: type, spec: str, option: str, expected: str) -> Any:
    if not isinstance(value, kind):
        raise WorkerSetupError(f"{option} {spec} is a {type(value).__name__}, not {expected}",
                               hint=f"{option} takes package.module:attribute naming {expected} "
                               "or a function without arguments that returns one")
    return value


_CONVERTER_KINDS = "a temporalio DataConverter, PayloadCodec or PayloadConverter"


def _data_converter(spec: str, option: str) -> DataConverter:
    """The converter ``spec`` names; a payload codec or converter goes in the default one.

    A project's worker often writes ``dataclasses.replace(converter.default(),
    payload_codec=EncryptionCodec())`` in its ``main``, so the module has the codec class but
    no converter attribute to name: naming the codec (or payload converter) class is enough.
    """
    import dataclasses

    from temporalio.converter import DataConverter, PayloadCodec, PayloadConverter

    value = load_object(spec, "data converter", option=option)  # a class or factory: called
    if isinstance(value, DataConverter):
        return value
    if isinstance(value, PayloadCodec):
        return dataclasses.replace(DataConverter.default, payload_codec=value)
    if isinstance(value, PayloadConverter):  # the SDK makes one per converter from its class
        return dataclasses.replace(DataConverter.default, payload_converter_class=type(value))
    result: DataConverter = _typed(value, DataConverter, spec, option, _CONVERTER_KINDS)
    return result


def _exception_class(spec: str, option: str) -> type[BaseException]:
    value = load_object(spec, "exception class", option=option, call=False)
    if not (isinstance(value, type) and issubclass(value, BaseException)):
        raise WorkerSetupError(
            f"{option} {spec} is a {type(value).__name__}, not an exception class",
            hint="workflow_failure_exception_types lists exception classes, e.g. "
            "myapp.errors:OrderRejected")
    return value
