"""The user's project as a replay needs it: worker setup given by name (CLI, launch, pyproject)."""

from replaydbg.project.objects import load_object
from replaydbg.project.specs import SetupSpecs

__all__ = ["SetupSpecs", "load_object"]
