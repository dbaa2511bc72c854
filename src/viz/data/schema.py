"""The schema of the tables: ``datapackage.json`` read, and what each column is.

The schema is a Frictionless Tabular Data Package. Besides the Frictionless
properties (``type``, ``constraints``, ``primaryKey``, ``foreignKeys``), a field may
carry three of our own, which Frictionless ignores and :mod:`viz.data.checks` enforces:

- ``"list": true``: the cell holds several values separated by ``;``
  (:data:`LIST_SEPARATOR`); the loaded table holds a tuple;
- ``"references": "TABLE"``: each value of the cell is an id in ``TABLE.csv``
  (a foreign key that Frictionless cannot check, because the cell is a list);
- ``"conceptCategory": "CATEGORY"``: the cell names a concept of that category.

:func:`fields` turns a table's schema into :class:`Field` descriptions, in schema order.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from viz.data.problems import TABLES, Problem, Report, display
from viz.paths import SCAFFOLD_DIR

__all__ = [
    "CONCEPT_CATEGORY",
    "LIST",
    "LIST_SEPARATOR",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "OPTIONAL_TABLES",
    "REFERENCES",
    "Field",
    "fields",
    "link_url",
    "read_descriptor",
    "split_list",
]

LIST_SEPARATOR = ";"
#: No cell may be longer than this; a longer one would make pages sluggish.
MAX_CELL_CHARS = 5_000
MAX_FILE_BYTES = 50 * 1024 * 1024
#: A field with ``"list": true`` holds several values separated by ``;``.
LIST = "list"
#: A field with ``"references": "TABLE"`` holds ids of rows in that table.
REFERENCES = "references"
#: A field with ``"conceptCategory": "CATEGORY"`` holds concepts of that category (e.g. side effects).
CONCEPT_CATEGORY = "conceptCategory"
DATE_FORMS = {"year": r"\d{4}", "month": r"\d{4}-\d{2}", "day": r"\d{4}-\d{2}-\d{2}"}
#: Tables a dataset may leave out: a missing file is an empty table, and a ``datapackage.json`` that does
#: not describe it gets the schema immunoviz ships (``immunoviz new``'s).
OPTIONAL_TABLES = frozenset({"decks"})


@dataclass(frozen=True)
class Field:
    """One column of a table, as its schema describes it.

    ``title`` is the schema's title (else the name, capitalised, ``_`` read as a space);
    ``type`` the Frictionless type (``string``, ``integer``, ``number``, ``boolean``);
    ``is_list`` whether the cell holds several values separated by ``;``;
    ``references`` the table whose ids the cell holds (by a foreign key or the
    ``references`` property), else ``None``; ``concept_category`` the category a
    concept in the cell must have, else ``None``; ``text`` whether the cell is words
    for a reader (a string that is not a key, a list, a reference, one of an enum or
    held to a pattern, such as a summary or a note).
    """

    name: str
    title: str
    type: str
    description: str
    required: bool
    is_list: bool
    references: str | None
    concept_category: str | None
    text: bool


def fields(schema: dict) -> tuple[Field, ...]:
    """The fields of a table's schema, in schema order.

    Examples
    --------
    >>> from viz import data
    >>> [(f.name, f.title, f.text) for f in data.load().fields("concepts")][:4]
    [('id', 'Id', False), ('label', 'Label', True), ('category', 'Category', False), ('summary', 'Summary', True)]
    """
    keys = set(schema.get("primaryKey", []))
    foreign = {
        fk["fields"][0]: fk["reference"]["resource"]
        for fk in schema.get("foreignKeys", [])
        if len(fk.get("fields", [])) == 1
    }
    found = []
    for spec in schema.get("fields", []):
        name, kind = spec["name"], spec.get("type", "string")
        cons = spec.get("constraints", {})
        is_list = spec.get(LIST) is True
        references = spec.get(REFERENCES) or foreign.get(name)
        category = spec.get(CONCEPT_CATEGORY)
        found.append(
            Field(
                name=name,
                title=spec.get("title") or name.replace("_", " ").capitalize(),
                type=kind,
                description=spec.get("description", ""),
                required=bool(cons.get("required")),
                is_list=is_list,
                references=references if isinstance(references, str) else None,
                concept_category=category if isinstance(category, str) else None,
                text=kind == "string"
                and not (is_list or references or name in keys or cons.get("enum") or cons.get("pattern")),
            )
        )
    return tuple(found)


def read_descriptor(root: Path, report: Report) -> tuple[dict, dict[str, dict]] | None:
    """The folder's ``datapackage.json`` and each table's schema, or ``None`` (and a problem) when unusable."""
    if not root.is_dir():
        report.problems.append(
            Problem(
                display(root),
                message="no such data folder",
                hint="pass --data DIR with the folder that holds the CSV tables",
            )
        )
        return None
    path = root / "datapackage.json"
    if not path.is_file():
        report.problems.append(
            Problem(
                display(path),
                message="datapackage.json is missing; it is the schema of the tables",
                hint="copy data/datapackage.json from immunoviz into this folder",
            )
        )
        return None
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
        resources = {r["name"]: r for r in descriptor["resources"]}
        for name in OPTIONAL_TABLES - resources.keys():
            resources[name] = own_resource(name)
        schemas = {name: resources[name]["schema"] for name in TABLES}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        what = f"no resource {exc}" if isinstance(exc, KeyError) else str(exc).split("\n")[0]
        report.problems.append(
            Problem(
                display(path),
                message=f"cannot read the schema: {what}",
                hint="restore it from immunoviz's data/datapackage.json; it must describe all of: " + ", ".join(TABLES),
            )
        )
        return None
    for name, schema in schemas.items():
        for spec in schema.get("fields", []) if isinstance(schema, dict) else []:
            target = spec.get(REFERENCES)
            if target is not None and target not in TABLES:
                report.problems.append(
                    Problem(
                        display(path),
                        message=f"{name}.{spec.get('name')}: references '{target}', which is not a table",
                        hint="the tables are: " + ", ".join(TABLES),
                    )
                )
            if spec.get(LIST, False) not in (True, False):
                report.problems.append(
                    Problem(display(path), message=f"{name}.{spec.get('name')}: list must be true or false")
                )
    return descriptor, schemas


@functools.cache
def own_resource(name: str) -> dict:
    """The description of a table in the schema immunoviz ships (for an optional table a dataset's leaves out)."""
    descriptor = json.loads((SCAFFOLD_DIR / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in descriptor["resources"] if r["name"] == name)


def link_url(link: str) -> str:
    """Turn a source link (``pmid:…``, ``doi:…`` or ``https://…``) into a URL.

    Examples
    --------
    >>> from viz import data
    >>> data.link_url("pmid:12407406")
    'https://pubmed.ncbi.nlm.nih.gov/12407406/'
    """
    if not isinstance(link, str):  # an empty cell: an imported map file (kind other) has no link
        return ""
    if link.startswith("pmid:"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{link[5:]}/"
    if link.startswith("doi:"):
        return "https://doi.org/" + quote(link[4:], safe="/:;()._-<>[]")
    return link


def split_list(cell: object) -> tuple[str, ...]:
    """Split a ``a; b; c`` cell into ``("a", "b", "c")`` (empty cell: ``()``).

    Examples
    --------
    >>> from viz import data
    >>> data.split_list("pd1; ctla4;")
    ('pd1', 'ctla4')
    """
    if not isinstance(cell, str) or not cell.strip():
        return ()
    return tuple(part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip())


def string_frame(schema: dict, rows: list[list]) -> pd.DataFrame:
    """The rows of a table (each ``[row number, cell, ...]`` in schema order) as stripped strings, with ``_row``."""
    columns = ["_row"] + [f["name"] for f in schema["fields"]]
    # stripped in Python first: one DataFrame, not a pandas string operation per column (a live preview
    # validates on every save, and pandas' per-call overhead outweighed the work on small tables)
    stripped = [[r[0], *(str(cell).strip() for cell in r[1:])] for r in rows]
    return pd.DataFrame(stripped, columns=columns, dtype=object)


def period_bounds(date: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the period a date of year, month or day precision names."""
    parts = [int(p) for p in date.split("-")]
    freq = {1: "Y", 2: "M", 3: "D"}[len(parts)]
    period = pd.Period(
        year=parts[0], month=parts[1] if len(parts) > 1 else 1, day=parts[2] if len(parts) > 2 else 1, freq=freq
    )
    if len(parts) == 3:
        # pd.Period silently rolls 2014-02-30 over; insist on a real day
        pd.Timestamp(year=parts[0], month=parts[1], day=parts[2])
    elif len(parts) == 2 and not 1 <= parts[1] <= 12:
        raise ValueError(date)
    return period.start_time.normalize(), period.end_time.normalize()
