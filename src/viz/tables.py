"""A copy of the tables that a notebook may edit: the build-your-own lesson's helpers.

:func:`copy_dataset` copies a dataset folder (into a temporary folder by
default), :func:`add_rows` appends rows to one of its tables as a course author
would in a spreadsheet, and :func:`discard_copy` deletes such a copy. The
project's own ``data/`` is never edited. Tables are read through
:mod:`viz.data` and written through :mod:`viz.export`.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from viz import data as _data
from viz import export
from viz.paths import DATA_DIR

__all__ = ["COPY_PREFIX", "add_rows", "copy_dataset", "discard_copy"]

#: Temporary copies made by :func:`copy_dataset` live in folders named like this.
COPY_PREFIX = "immunoviz-copy-"


def copy_dataset(source: Path | str = DATA_DIR, dest: Path | str | None = None) -> Path:
    """Copy a dataset folder (its CSV tables and ``datapackage.json``) and return the copy.

    Without ``dest`` the copy goes to a new temporary folder, as ``…/data``.
    Only the tables and their schema are copied, nothing else in the folder.

    Examples
    --------
    >>> from viz import tables
    >>> own = tables.copy_dataset()
    >>> (own / "concepts.csv").is_file()
    True
    >>> tables.discard_copy(own)
    """
    source = Path(source)
    target = Path(dest) if dest is not None else Path(tempfile.mkdtemp(prefix=COPY_PREFIX)) / "data"
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; choose a new folder")
    target.mkdir(parents=True, exist_ok=True)
    for path in _data.dataset_files(source):
        shutil.copy2(path, target / path.name)
    return target


def discard_copy(folder: Path | str) -> None:
    """Delete a copy made by :func:`copy_dataset` in the temporary folder (and nothing else)."""
    folder = Path(folder).resolve()
    parent = folder.parent
    tmp = Path(tempfile.gettempdir()).resolve()
    if parent.parent != tmp or not parent.name.startswith(COPY_PREFIX):
        raise PermissionError(f"{folder} was not made by copy_dataset(); delete it yourself")
    shutil.rmtree(parent)


def add_rows(folder: Path | str, table: str, rows: Iterable[Mapping[str, object]]) -> Path:
    """Append rows to one table of a dataset folder, as a course author would in a spreadsheet.

    Each row is a mapping of column name to value; missing columns stay empty,
    lists become ``a;b`` cells. The project's own ``data/`` is never edited
    (copy it first with :func:`copy_dataset`). Nothing is validated here: run
    :func:`viz.data.validate` afterwards, as the lesson does.

    Returns the path of the table.

    Examples
    --------
    >>> from viz import data, tables
    >>> own = tables.copy_dataset()
    >>> _ = tables.add_rows(own, "sources", [{"id": "my-source", "kind": "review",
    ...     "citation": "A review.", "link": "pmid:23890059"}])
    >>> [str(p) for p in data.validate(own)][0].endswith("same link as row 2 ('pmid-23890059') "
    ...     "(hint: one row per citation: cite 'pmid-23890059' instead of 'my-source')")
    True
    >>> tables.discard_copy(own)
    """
    folder = Path(folder)
    if folder.resolve() == DATA_DIR.resolve():
        raise PermissionError("the project's data/ is only edited by hand; copy it first with copy_dataset()")
    if table not in _data.TABLES:
        raise KeyError(f"no table {table!r}; the tables are {', '.join(_data.TABLES)}")
    text = _data.table_text(folder, table)
    header = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        unknown = set(row) - set(header)
        if unknown:
            raise KeyError(f"{table}.csv has no column {sorted(unknown)}; its columns are {', '.join(header)}")
        writer.writerow([_cell(row.get(col)) for col in header])
    if text and not text.endswith("\n"):
        text += "\n"
    return export.write_text(folder / f"{table}.csv", text + out.getvalue())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set):
        items = sorted(value, key=str) if isinstance(value, set) else value  # a set has no order of its own
        return _data.LIST_SEPARATOR.join(str(v) for v in items)
    return str(value)
