"""Facts of modules kept between runs of ``replaydbg check``, by the hash of their text.

Parsing and scanning is most of a cold check; a module whose text has not changed since the
last run has the same facts, so a warm re-run reads them back instead (as Go's workflowcheck
keeps per-package facts). The last run's whole result is kept too, for a re-run over the
very same settings, files and texts (a CI job run again, a pre-commit hook).

One file per workspace root in the user's cache folder (``$REPLAYDBG_CACHE_DIR``, else
``$XDG_CACHE_HOME/replaydbg``, else ``~/.cache/replaydbg``): never in the checked tree, since
a pickle from a tree one checks (a pull request) could run code when loaded.

The file is stamped with the Python version and a hash of the extractor's own source, so
facts made by another version of the extractor are never reused. A file that cannot be read
or written is ignored: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from replaydbg.rules.facts import ChunkFacts

if TYPE_CHECKING:
    from replaydbg.rules.model import Finding

logger = logging.getLogger(__name__)

Chunks = list[tuple[ChunkFacts, int]]
#: The modules whose code decides what the facts are.
_EXTRACTOR = ("astutil", "extract", "facts", "flow", "module", "scan", "settypes", "source")


def default_folder() -> Path:
    """Where caches go unless told otherwise."""
    if os.environ.get("REPLAYDBG_CACHE_DIR"):
        return Path(os.environ["REPLAYDBG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base, "replaydbg")


def _stamp() -> str:
    digest = hashlib.sha256(sys.version.encode())
    here = Path(__file__).parent
    for name in _EXTRACTOR:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


def text_key(text: str) -> bytes:
    """The cache key of a module's text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


Findings = dict[Path, list["Finding"]]


class FactCache:
    """Chunk facts per module text, and the last result; read when asked, saved after a run.

    Two files, so that a re-run over unchanged files reads only the small one.
    """

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        name = hashlib.sha256(str(root).encode()).hexdigest()[:24]
        folder = folder or default_folder()
        self.path = folder / f"facts-{name}.pickle"
        self.result_path = folder / f"result-{name}.pickle"
        self._stamp = _stamp()
        self._entries: dict[bytes, Chunks] | None = None
        self._used: dict[bytes, Chunks] = {}
        self._result: tuple[bytes, Findings] | None = None

    def findings(self, state: bytes) -> Findings | None:
        """The last run's findings (files with findings only) if it saw the same state."""
        loaded = self._read(self.result_path)
        if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == state:
            return dict(loaded[1])
        return None

    def keep_findings(self, state: bytes, findings: Findings) -> None:
        """Remember this run's findings for a run over the same state."""
        self._result = (state, {p: f for p, f in findings.items() if f})

    def get(self, key: bytes) -> Chunks | None:
        """The facts of the module whose text has this key, if known."""
        if self._entries is None:
            loaded = self._read(self.path)
            self._entries = loaded if isinstance(loaded, dict) else {}
        found = self._entries.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: bytes, chunks: Chunks) -> None:
        """Remember the facts of a module for the next run."""
        self._used[key] = chunks

    def save(self) -> None:
        """Write what this run used (so deleted and old texts drop out) and its findings."""
        if self._entries is None or self._used.keys() != self._entries.keys():
            self._write(self.path, self._used)
            self._entries = dict(self._used)
        if self._result is not None:
            self._write(self.result_path, self._result)

    def _write(self, path: Path, value: object) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False,
                                             prefix=".tmp-") as out:
                pickle.dump((self._stamp, value), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(out.name, path)
        except OSError as error:
            logger.debug("could not save the cache %s: %s", path, error)

    def _read(self, path: Path) -> object:
        try:
            with path.open("rb") as source:
                stamp, value = pickle.load(source)
        except FileNotFoundError:
            return None
        except Exception as error:  # a damaged cache is no cache
            logger.debug("ignoring the cache %s: %s", path, error)
            return None
        return value if stamp == self._stamp else None


def workspace_state(config: object, files: Iterable[tuple[Path, bytes]]) -> bytes:
    """A key for everything a whole analysis depends on: the settings and every file.

    Each file is given by a fingerprint: its size and modification time (as ruff and make
    trust them; reading every file only to find it unchanged is most of a warm run), or
    the hash of its text for editor buffers.
    """
    digest = hashlib.blake2b(repr(config).encode(), digest_size=20)
    for path, fingerprint in files:
        digest.update(os.fsencode(path) + b"\0" + fingerprint + b"\0")
    return digest.digest()
