"""The committed version of a file, read from git: what the saved histories were recorded with.

"Committed" is the best guess at the deployed code the quick fix can make without asking: the
user edits the working copy, histories come from what was committed (or from another ref the
user names, e.g. the release tag). Every way this can fail is an answer, not an exception: a
code action must degrade to "not offered, because ..." rather than break the editor.
"""

from __future__ import annotations

import io
import subprocess
import tokenize
from dataclasses import dataclass
from pathlib import Path

#: git answers these in milliseconds; a hung git (a network file system) must not hang a
#: code action forever.
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Committed:
    """The text of a file at a ref, or the reason it is unavailable (exactly one is set)."""

    text: str | None = None
    reason: str | None = None

    @property
    def available(self) -> bool:
        """Whether :attr:`text` holds the committed text."""
        return self.text is not None


class _GitFailed(Exception):
    """git could not answer; the message is the reason for the user."""


def committed_text(path: Path, ref: str = "HEAD", *,
                   timeout: float = DEFAULT_TIMEOUT) -> Committed:
    """The text of ``path`` as committed at ``ref``, or why there is none."""
    if ref.startswith("-") or not ref.strip():
        return Committed(reason=f"{ref!r} is not a git revision")
    # The folder is resolved, not the file: a symlink is tracked under its own name.
    folder = path.absolute().parent.resolve()
    if not folder.is_dir():
        return Committed(reason=f"the folder {folder} does not exist")
    try:
        return _read(folder, folder / path.name, ref, timeout)
    except _GitFailed as failure:
        return Committed(reason=str(failure))


def _read(folder: Path, path: Path, ref: str, timeout: float) -> Committed:
    top = _git(folder, timeout, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return Committed(reason=_not_a_repository(top.stderr))
    root = Path(top.stdout.decode(errors="replace").strip()).resolve()
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return Committed(reason=f"the file is outside the git repository at {root}")
    if _git(root, timeout, "rev-parse", "--verify", "--quiet",
            f"{ref}^{{commit}}").returncode != 0:
        return Committed(reason="the repository has no commit yet" if ref == "HEAD"
                         else f"there is no commit {ref!r} in the repository")
    shown = _git(root, timeout, "show", f"{ref}:{relative}")
    if shown.returncode != 0:
        return Committed(reason=f"not committed at {ref} (new file)")
    return _decoded(shown.stdout)


def _git(folder: Path, timeout: float, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise _GitFailed("git is not installed (or not on PATH)") from exc
    except subprocess.TimeoutExpired as exc:
        raise _GitFailed(f"git did not answer within {timeout:g} s") from exc
    except OSError as exc:
        raise _GitFailed(f"git could not run: {exc.strerror or exc}") from exc


def _not_a_repository(stderr: bytes) -> str:
    message = stderr.decode(errors="replace").strip()
    if not message or "not a git repository" in message.lower():
        return "not in a git repository"
    # e.g. "detected dubious ownership": git's own words say what to do.
    return f"git cannot read the repository: {message.splitlines()[0]}"


def _decoded(data: bytes) -> Committed:
    """Decode as Python does: a BOM or a coding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return Committed(text=data.decode(encoding))
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return Committed(reason="the committed version is not readable Python text")
