"""A copy of the tables that a notebook may edit, and a new dataset to start from.

:func:`new_dataset` writes the small example dataset that ``immunoviz new``
starts a course author with (the tables, their schema and a README).

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
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from viz import data as _data
from viz import export
from viz.paths import DATA_DIR, SCAFFOLD_DIR

__all__ = ["COPY_PREFIX", "add_rows", "copy_dataset", "discard_copy", "new_dataset", "render_readme", "write_dataset"]

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
    """Delete a copy made by :func:`copy_dataset` (or :func:`new_dataset`) in the temporary folder, and nothing else."""
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


def new_dataset(dest: Path | str | None = None) -> Path:
    """Write a small, valid dataset to start a new topic from, into the new folder ``dest``; return it.

    Without ``dest`` it goes to a new temporary folder, as ``…/data`` (delete it with
    :func:`discard_copy`).

    The dataset (an example about the water cycle) has a few rows in every table a
    map needs, an empty copy of the tables that only our own topic uses, the
    schema (``datapackage.json``) and a ``README.md`` that explains every table and
    column. It validates and builds as it is. A folder that exists already is
    refused, so nothing is ever overwritten; the folder appears whole or not at all.

    Raises
    ------
    FileExistsError
        When ``dest`` exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from viz import data, tables
    >>> folder = tables.new_dataset(pathlib.Path(tempfile.mkdtemp()) / "water")
    >>> data.validate(folder)
    []
    """
    dest = Path(dest) if dest is not None else Path(tempfile.mkdtemp(prefix=COPY_PREFIX)) / "data"
    if dest.exists():
        raise FileExistsError(f"{dest} already exists; choose a new folder (nothing was written)")
    files = {p.name: p.read_bytes() for p in _data.dataset_files(SCAFFOLD_DIR)}
    files["README.md"] = render_readme(SCAFFOLD_DIR).encode("utf-8")
    return write_dataset(dest, files)


def write_dataset(
    dest: Path | str, files: Mapping[str, bytes], *, replace: bool = False, check: Callable[[Path], None] | None = None
) -> Path:
    """Write the files of a dataset into ``dest``, whole or not at all; return ``dest``.

    The files are written into a new folder beside ``dest`` and checked there (``check`` raises to stop);
    then that folder becomes ``dest``, or, when ``dest`` is a folder already (empty, or any folder with
    ``replace``), its files are moved into it one by one, each replacing the file of the same name.
    A folder that holds files is refused without ``replace``, so nothing is overwritten by accident.

    Raises
    ------
    FileExistsError
        When ``dest`` is a file, or a folder that holds files and ``replace`` is false.
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or (any(dest.iterdir()) and not replace)):
        raise FileExistsError(f"{dest} is not an empty folder; choose a new folder (nothing was written)")
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=_existing_parent(dest)))
    try:
        for name, blob in files.items():
            export.write_bytes(stage / name, blob)
        if check is not None:
            check(stage)
        stage.chmod(0o755)
        if dest.is_dir():
            for name in files:
                (stage / name).replace(dest / name)
            stage.rmdir()
        else:
            stage.rename(dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return dest


def _existing_parent(dest: Path) -> Path:
    parent = dest.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def render_readme(folder: Path | str, *, title: str | None = None) -> str:
    """A README (Markdown) for a dataset folder: each table and column as its schema describes them.

    Examples
    --------
    >>> from viz import tables
    >>> "## concepts.csv" in tables.render_readme("data")
    True
    """
    import json

    descriptor = json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))
    title = title or descriptor.get("title") or descriptor.get("name") or "Your tables"
    lines = [
        f"# {title}",
        "",
        "The tables of a topic for immunoviz. Edit them in a spreadsheet (save as *CSV UTF-8*), then:",
        "",
        "```",
        "immunoviz validate --data THIS_FOLDER   # every problem as file:row:column: message (hint)",
        "immunoviz serve --data THIS_FOLDER      # a live preview that rebuilds when you save",
        "immunoviz build --data THIS_FOLDER --out site",
        "```",
        "",
        "Rules: the first row of each file is its header; ids are lower case letters, digits, `_` or `-`;",
        "several ids in one cell are separated by `;`; every concept and relation cites a row of `sources.csv`.",
        "A table may be empty (its header only): a chart whose tables are empty is left out of the site.",
        "",
        "`datapackage.json` is the schema of the tables. Its `title` is the site's title and its `site`",
        "section holds the rest of the site's wording: `subtitle` (under the title), `disclaimer` (the",
        "notice on every page; by default 'Educational material, not medical advice.') and",
        "`searchExample` (a concept the search boxes offer as an example). Its `checks` switch off the checks",
        "written for cancer immunotherapy: `regulators` (an approval names its regulator), `sourceHosts` (a",
        "warning for a source on a news aggregator) and `sourceKinds` (a warning for an approval that cites no",
        "`regulator` or `sponsor` source, a trial result that cites no `paper`, or a row that cites only `other`",
        'sources). The example `immunoviz new` writes sets `"sourceKinds": false`, as it cites web pages of kind',
        "`other`: set it to `true` once your sources are primary records.",
        "",
    ]
    for res in descriptor.get("resources", []):
        schema = res.get("schema", {})
        lines += [f"## {res.get('path', res['name'] + '.csv')}", "", res.get("description", ""), ""]
        lines += ["| column | required | what it holds |", "| --- | --- | --- |"]
        for f in schema.get("fields", []):
            cons = f.get("constraints", {})
            what = f.get("description", "")
            if cons.get("enum"):
                what += " One of: " + ", ".join(f"`{v}`" for v in cons["enum"]) + "."
            for fk in schema.get("foreignKeys", []):
                if fk["fields"] == [f["name"]]:
                    what += f" An id in `{fk['reference']['resource']}.csv`."
            lines.append(f"| `{f['name']}` | {'yes' if cons.get('required') else ''} | {what.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)
