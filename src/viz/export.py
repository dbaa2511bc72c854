"""The only module that writes files: pages, pictures and whole sites, atomically.

Every file is written to a temporary file beside it and renamed into place, so a
reader never sees half a page. :func:`building` builds a whole folder beside its
destination and swaps it in only when everything succeeded: a failed build leaves
the previous output untouched. Inside it, a file whose bytes are those of the
previous build is linked from there instead of written, so it keeps its
modification time.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from viz import render

__all__ = [
    "ExportError",
    "Stage",
    "building",
    "check_replaceable",
    "write_bytes",
    "write_chart",
    "write_map",
    "write_text",
]


class ExportError(Exception):
    """Writing the output failed; the message says what happened and how to fix it."""


_REASONS = {
    errno.ENOSPC: "the disk is full; free some space and build again",
    errno.EDQUOT: "the disk quota is used up; free some space and build again",
    errno.EACCES: "permission denied; choose a folder you can write to with --out",
    errno.EPERM: "permission denied; choose a folder you can write to with --out",
    errno.EROFS: "the disk is read-only; choose another folder with --out",
}


def explain(exc: OSError, where: Path) -> str:
    """One sentence saying what could not be written and what to do about it."""
    target = exc.filename or where
    return f"could not write {target}: " + _REASONS.get(exc.errno, exc.strerror or str(exc))


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write a file atomically (a temporary file beside it, then a rename); return its path.

    Raises :class:`ExportError` with a plain explanation when the disk refuses.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(explain(exc, path)) from None
    return path


def write_text(path: Path | str, text: str) -> Path:
    """Write UTF-8 text atomically, with ``\\n`` line ends; return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from viz import export
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> export.write_text(folder / "a" / "note.txt", "Köhler").read_text(encoding="utf-8")
    'Köhler'
    """
    return write_bytes(path, text.encode("utf-8"))


def write_map(net, path: Path | str, *, assets: render.Assets = render.INLINE, image: str | None = None) -> Path:
    """Write a concept map as one HTML file (self-contained unless ``assets`` says otherwise).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from viz import data, export, maps
    >>> out = export.write_map(maps.view_map(data.load(), "cycle"), pathlib.Path(tempfile.mkdtemp()) / "cycle.html")
    >>> out.name
    'cycle.html'
    """
    return write_text(path, render.render_map(net, assets=assets, image=image))


def write_chart(fig, path: Path | str, *, dataset=None, chart_id: str | None = None) -> Path:
    """Write a plotly figure as one self-contained HTML page (plotly.js inlined).

    With ``dataset`` the page names its data version and carries its topic's notice.
    """
    path = Path(path)
    html = render.render_chart(
        fig,
        chart_id=chart_id or path.stem,
        version=getattr(dataset, "version", ""),
        disclaimer=getattr(dataset, "site", {}).get("disclaimer"),
    )
    return write_text(path, html)


# ---------------------------------------------------------------------------
# whole folders


def check_replaceable(out: Path, *, marker: str) -> None:
    """Refuse to build into a file, or into a folder that holds files immunoviz did not write
    (a folder is ours when it holds ``marker``)."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / marker).exists():
        raise ExportError(
            f"{out} already holds files that immunoviz did not write; refusing to replace it "
            "(choose an empty or new folder with --out)"
        )


class Stage:
    """A folder being built. Files whose bytes equal the previous build's are linked from it, not written."""

    def __init__(self, root: Path, previous: Path | None):
        self.root = root
        self.previous = previous
        self.written: list[str] = []
        self.kept: list[str] = []
        self._sha: dict[str, str] = {}

    def has_old(self, name: str) -> bool:
        """Whether the previous build has this file."""
        return self.previous is not None and (self.previous / name).is_file()

    def keep(self, name: str) -> None:
        """Take a file unchanged from the previous build."""
        if not self.has_old(name):
            raise ExportError(f"{name} is not in the previous build")
        target = self.root / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.previous / name, target)
            except OSError:  # a file system without hard links (FAT on a USB stick): copy, keeping the time
                shutil.copy2(self.previous / name, target)
        except OSError as exc:
            raise ExportError(explain(exc, target)) from None
        self.kept.append(name)

    def write_bytes(self, name: str, data: bytes) -> None:
        """Put a file into the new build (linked from the previous one when its bytes are the same)."""
        self._sha[name] = hashlib.sha256(data).hexdigest()
        if self.has_old(name) and (self.previous / name).read_bytes() == data:
            self.keep(name)
        else:
            write_bytes(self.root / name, data)
            self.written.append(name)

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def sha(self, name: str) -> str:
        """The sha256 of a file of the new build."""
        if name not in self._sha:
            self._sha[name] = hashlib.sha256((self.root / name).read_bytes()).hexdigest()
        return self._sha[name]


@contextmanager
def building(out: Path, *, previous: Path | None = None) -> Iterator[Stage]:
    """Yield a :class:`Stage` in a fresh folder beside ``out``; on success swap it in, on failure remove it.

    ``previous`` is the build to take unchanged files from (normally ``out`` itself).
    """
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=parent))
        tmp.chmod(0o755)
    except OSError as exc:
        raise ExportError(explain(exc, parent)) from None
    try:
        yield Stage(tmp, previous)
        _swap(tmp, out, parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(explain(exc, out) + f"; the previous {out} is untouched") from None
    except ExportError as exc:  # a page could not be written: name it as part of the new site, not the temp folder
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(f"{str(exc).replace(str(tmp), str(out))}; the previous {out} is untouched") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, out: Path, parent: Path) -> None:
    """Put ``tmp`` where ``out`` is, moving the old one aside first and back if the move fails."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
        try:
            os.replace(out, old / "site")
        except OSError:
            old.rmdir()  # nothing was moved; leave no empty folder behind
            raise
    try:
        os.replace(tmp, out)
    except OSError:
        if old is not None:  # put the previous site back
            os.replace(old / "site", out)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
