"""A cache of slow results that depend only on their inputs: joblib's ``Memory`` on disk.

Three things are cached, each keyed by everything it depends on:

- the validated tables (:func:`viz.data.load`), by the bytes of every table and
  schema file, the folder, and the package code;
- the positions of a map's nodes (:func:`viz.layout.view_layout`), by the graph's
  nodes, edges and attributes, the seed and the package code;
- the lesson notebooks run for the site (:mod:`viz.lessons`), by the notebook,
  the tables it reads and the package code.

Each is computed once: processes (and threads) that ask for a result another is computing
wait for it and read it from the cache (:func:`cached`), instead of computing it again. A
build runs its lessons beside its maps, and each lesson's kernel draws maps the build draws.

The key always includes :func:`code_fingerprint` (the files of the package the
result depends on, :data:`LAYOUT_CODE` and :data:`DATA_CODE`, or all of it for a
lesson, and the versions of the libraries that shape the output), so a cached
result is exactly what a fresh run would give: the cache never changes what a build
produces, it only skips work. ``$IMMUNOVIZ_CACHE`` chooses the folder
(default: the user's cache folder, e.g. ``~/.cache/immunoviz``); ``off`` turns
the cache off.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from viz.paths import PACKAGE_DIR

__all__ = ["DATA_CODE", "LAYOUT_CODE", "cache_dir", "cached", "code_fingerprint", "fingerprint", "memory", "trim"]

T = TypeVar("T")

#: Libraries whose version changes what a build writes.
LIBRARIES = ("frictionless", "igraph", "jinja2", "nbconvert", "networkx", "numpy", "pandas", "plotly", "pyvis")
#: When the cache grows past this, the least recently used results are dropped.
SIZE_LIMIT = "500M"
#: Lock files (one per key, empty) left this long are removed by :func:`trim`.
LOCK_AGE = 24 * 3600
#: How long :func:`cached` waits for another process's result (seconds) before it computes the result itself.
LOCK_WAIT = 900.0


def fingerprint(parts: Iterable[bytes | str]) -> str:
    """A short sha256 of some parts, each length-prefixed so that no two lists collide.

    Examples
    --------
    >>> from viz.cache import fingerprint
    >>> fingerprint(["ab", "c"]) == fingerprint(["a", "bc"])
    False
    """
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "big"))
        h.update(raw)
    return h.hexdigest()[:32]


#: The parts of the package each cached result depends on (files and folders under ``src/viz``), besides
#: itself; ``tests/test_project.py`` checks that each holds every module its code imports. A change to a
#: template, a page script or the charts then leaves the cached tables and layouts valid.
LAYOUT_CODE = ("layout", "graph.py", "queries.py", "style.py", "paths.py", "cache.py", "__init__.py")
DATA_CODE = ("data", "scaffold", "paths.py", "cache.py", "__init__.py")


@cache
def code_fingerprint(*within: str) -> str:
    """The package's code, templates and scripts, with Python's and the libraries' versions.

    ``within``: only these files and folders of the package (for example :data:`LAYOUT_CODE`); by default
    all of it.

    Examples
    --------
    >>> from viz.cache import LAYOUT_CODE, code_fingerprint
    >>> code_fingerprint(*LAYOUT_CODE) != code_fingerprint()
    True
    """
    files = sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (not within or p.relative_to(PACKAGE_DIR).parts[0] in within)
    )
    parts: list[bytes | str] = [sys.version, *within]
    for lib in LIBRARIES:
        try:
            parts.append(f"{lib}=={metadata.version(lib)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - every one is a dependency
            parts.append(f"{lib} missing")
    for p in files:
        parts += [p.relative_to(PACKAGE_DIR).as_posix(), p.read_bytes()]
    return fingerprint(parts)


def cache_dir() -> Path | None:
    """Where results are cached, or ``None`` when ``$IMMUNOVIZ_CACHE`` is ``off``."""
    where = os.environ.get("IMMUNOVIZ_CACHE", "")
    if where.lower() in ("off", "0", "no", "false"):
        return None
    if where:
        return Path(where)
    import platformdirs

    return Path(platformdirs.user_cache_dir("immunoviz", appauthor=False))


def memory():
    """A ``joblib.Memory`` in :func:`cache_dir` (one that caches nothing when the cache is off)."""
    import joblib

    return joblib.Memory(cache_dir(), verbose=0)


def cached(func: Callable[..., T], *args, ignore: Sequence[str] = ()) -> T:
    """``func(*args)``, from the cache when it is there; ``args[-1]`` is the key, a :func:`fingerprint`.

    While one process or thread computes a key, the others that ask for it wait (a file lock per key)
    and then read its result: each result is computed once. A lock is only ever a saving: after
    :data:`LOCK_WAIT` seconds (a process that hangs while it holds one), or where the cache's folder
    cannot lock files, the result is computed without it. ``ignore``: the arguments the result does
    not depend on beyond the key (paths, the graph the key was made from).
    """
    memo = memory().cache(func, ignore=list(ignore))
    where = cache_dir()
    if where is None:
        return memo(*args)
    import filelock

    lock = filelock.FileLock(where / "locks" / f"{args[-1]}.lock", timeout=LOCK_WAIT)
    try:
        (where / "locks").mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except (filelock.Timeout, OSError):  # OSError: no lock here (a read-only or network folder)
        lock = None
    try:
        return memo(*args)
    finally:
        if lock is not None:
            lock.release()


def trim() -> None:
    """Drop the least recently used results once the cache holds more than :data:`SIZE_LIMIT`, and lock
    files older than :data:`LOCK_AGE` (a lock still held then only lets a second process compute its key)."""
    where = cache_dir()
    if where is not None:
        memory().reduce_size(bytes_limit=SIZE_LIMIT)
        import time

        for lock in (where / "locks").glob("*.lock"):
            try:
                if time.time() - lock.stat().st_mtime > LOCK_AGE:
                    lock.unlink()
            except FileNotFoundError:  # another process removed it first
                pass
