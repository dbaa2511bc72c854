"""The first two passes over the tables: their text, then their schema (Frictionless).

1. :func:`scan` reads a table's file as only Python can do safely (present, UTF-8,
   not empty, header, cell counts, cell size) and returns its rows in schema order;
2. :func:`check_schema` hands the rows, in memory, to Frictionless (types, required
   cells, enums, patterns, keys, foreign keys) and words each error it finds as a
   :class:`~viz.data.Problem` with a hint, at the row of the author's file.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import sys
from pathlib import Path

from viz.data.problems import TABLES, Report, clip
from viz.data.schema import LIST, MAX_CELL_CHARS, MAX_FILE_BYTES, OPTIONAL_TABLES

# Frictionless validates with jsonschema, which imports rfc3987_syntax when it is installed (the development
# tools bring it: jupyter-events wants jsonschema[format-nongpl]). That module compiles 38 grammars as it is
# imported, for the IRI formats that no schema of ours uses: 3 to 10 seconds at every start of `immunoviz`, the
# better part of building a small dataset. Unless something imported it already, jsonschema goes without it (it
# checks IRI formats only when the module is there).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

__all__ = ["check_schema", "scan"]

#: What Frictionless found in a table, by the table's schema, rows and the rows of the tables it refers
#: to: a live preview validates on every save, and most tables have not changed since the last time.
_CHECKED: dict[str, list] = {}
MAX_CHECKED = 256


def scan(report: Report, name: str, schema: dict) -> list[list] | None:
    """The rows of table ``name``, each ``[row number, cell, ...]`` in schema order, or ``None`` when unreadable.

    A column the file leaves out (only an optional one may be) gives empty cells; blank lines are skipped.
    Every problem found goes to ``report``.
    """
    fields = [f["name"] for f in schema["fields"]]
    header_hint = "the header row is: " + ",".join(fields)
    path = report.root / f"{name}.csv"
    if not path.is_file():
        if name in OPTIONAL_TABLES:
            return []
        report.add(name, None, None, "file is missing", f"create it; {header_hint}")
        return None
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        report.add(
            name,
            None,
            None,
            f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}",
            "split the topic into several datasets",
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.add(
            name,
            line,
            None,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            "save as 'CSV UTF-8' in Excel or choose 'Unicode (UTF-8)' in LibreOffice",
        )
        return None
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Excel writes it, is harmless
    if not text.strip():
        report.add(name, None, None, "file is empty", header_hint)
        return None
    csv.field_size_limit(sys.maxsize)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # pragma: no cover - the csv module accepts nearly anything
        report.add(name, None, None, f"not a CSV file: {exc}", header_hint)
        return None
    header = [h.strip() for h in rows[0]]
    if not _check_header(report, name, schema, header, header_hint):
        return None
    # a row of the wrong length or with an over-long cell is reported and left out; the other rows are
    # still read, so that every problem in them is listed in the same run. The id the row starts with
    # is kept (report.left_out), so that references to it are not reported as well.
    keys = schema.get("primaryKey", [])
    key_at = header.index(keys[0]) if len(keys) == 1 and keys[0] in header else None
    body: list[list[str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, such as the trailing ",,," rows spreadsheets leave
        ok = len(row) == len(header)
        if not ok:
            report.add(
                name,
                number,
                None,
                f"row has {len(row)} cells but the header has {len(header)}",
                "put a cell that contains a comma in double quotes",
            )
        for col, cell in zip(header, row, strict=False):
            if len(cell) > MAX_CELL_CHARS:
                report.add(
                    name,
                    number,
                    col,
                    f"cell is {len(cell):,} characters long; the limit is {MAX_CELL_CHARS:,}",
                    "keep cells short; link to a source for the long text",
                )
                ok = False
        if ok:
            body.append([number, *row])
        else:
            kept = report.left_out.setdefault(name, [])
            if key_at is not None and key_at < len(row) and len(row[key_at]) <= MAX_CELL_CHARS:
                kept.append(row[key_at].strip())
    index = [header.index(col) if col in header else None for col in fields]
    return [[r[0], *(r[i + 1] if i is not None else "" for i in index)] for r in body]


def _check_header(report: Report, name: str, schema: dict, header: list[str], header_hint: str) -> bool:
    """Every required column present, no unknown or repeated one; ``False`` (and problems) otherwise."""
    fields = [f["name"] for f in schema["fields"]]
    ok = True
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    for col in fields:
        if col not in header and col in required:  # an optional column may be left out: its cells are empty
            report.add(name, 1, col, f"missing required column '{col}'", header_hint)
            ok = False

    def where(col: str) -> str:  # a header's name as a location, or its place when the name can't be one
        return col if col and ":" not in col else f"column {header.index(col) + 1}"

    for col in header:
        if col not in fields:
            close = difflib.get_close_matches(col, fields, n=1)
            hint = f"did you mean '{close[0]}'?" if close else header_hint
            report.add(name, 1, where(col), f"unknown column '{col}'", hint)
            ok = False
    for col in sorted({h for h in header if header.count(h) > 1}, key=header.index):
        report.add(name, 1, where(col), f"column '{col}' appears {header.count(col)} times", "keep one of them")
        ok = False
    return ok


def check_schema(report: Report, schemas: dict[str, dict], texts: dict[str, list[list]]) -> None:
    """Pass 2: Frictionless checks the rows that :func:`scan` read, in memory, against their schemas.

    A foreign key into a table that could not be read is left out (that table's problem is reported already).
    """
    import frictionless

    usable = [n for n in TABLES if n in texts]
    resources = []
    for name in usable:
        schema = json.loads(json.dumps(schemas[name]))  # a copy: Frictionless may fill in defaults
        schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] in texts]
        header = [f["name"] for f in schema["fields"]]
        resources.append({"name": name, "data": [header, *(r[1:] for r in texts[name])], "schema": schema})
    if not resources:
        return
    package = frictionless.Package({"resources": resources})
    for res in resources:
        name = res["name"]
        if not texts[name]:
            continue  # a table of its header alone: no cell to check (the header was checked in pass 1)
        targets = sorted({fk["reference"]["resource"] for fk in res["schema"]["foreignKeys"]} - {name})
        key = hashlib.sha256(
            json.dumps(
                [
                    str(report.root.resolve()),
                    str(Path.cwd()),
                    res["schema"],
                    texts[name],
                    *(texts[t] for t in targets),
                    *(report.left_out.get(t, []) for t in [name, *targets]),  # references to these pass
                ]
            ).encode()
        ).hexdigest()
        if key not in _CHECKED:
            before = len(report.problems)
            numbers = [r[0] for r in texts[name]]
            for task in package.get_resource(name).validate().tasks:
                for error in task.errors:
                    _add_error(report, name, schemas[name], error, numbers)
            _CHECKED[key] = report.problems[before:]
            while len(_CHECKED) > MAX_CHECKED:
                del _CHECKED[next(iter(_CHECKED))]
        else:
            report.problems.extend(_CHECKED[key])


def _add_error(report: Report, name: str, schema: dict, error, numbers: list[int]) -> None:
    """Word one Frictionless error as a problem with a hint, at the row of the author's file."""
    row = getattr(error, "row_number", None)
    if row is not None and 2 <= row < len(numbers) + 2:
        row = numbers[row - 2]  # back to the row number in the author's file
    column = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    spec = next((f for f in schema["fields"] if f["name"] == column), {})
    kind = error.type
    if kind == "type-error":
        wanted = {
            "boolean": "true or false",
            "integer": "a whole number such as 3",
            "number": "a number such as 1.5",
        }.get(spec.get("type", ""), spec.get("type", "a value"))
        report.add(name, row, column, f"'{clip(cell)}' is not {wanted}", spec.get("description", ""))
    elif kind == "constraint-error":
        constraint = (re.search(r'constraint "(\w+)"', error.note or "") or [None, "?"])[1]
        report.add(name, row, column, *_constraint_message(constraint, cell, spec))
    elif kind in ("primary-key", "unique-error"):
        first = re.search(r"position (\d+)", error.note or "")
        where = f" (first in row {numbers[int(first[1]) - 2]})" if first and int(first[1]) - 2 < len(numbers) else ""
        keys = schema["primaryKey"]
        report.add(
            name,
            row,
            column or "+".join(keys),
            f"duplicate {'+'.join(keys)}{where}",
            "each row needs its own key; rename or merge the rows",
        )
    elif kind == "foreign-key":
        columns = list(getattr(error, "field_names", []) or [])
        cells = list(getattr(error, "field_cells", []) or [])
        ref = next(
            (fk["reference"]["resource"] for fk in schema.get("foreignKeys", []) if fk["fields"] == columns),
            "?",
        )
        value = cells[0] if cells else ""
        if value in report.left_out.get(ref, ()):
            return  # the id of a row left out (reported already), not an unknown id
        report.add(
            name, row, "+".join(columns), f"'{clip(value)}' is not an id in {ref}.csv", report.suggest(ref, value)
        )
    else:
        report.add(
            name,
            row,
            column,
            error.message.split(":", 1)[-1].strip() if error.message else kind,
            error.description or "",
        )


def _constraint_message(constraint: str, cell: object, spec: dict) -> tuple[str, str]:
    desc = spec.get("description", "")
    cons = spec.get("constraints", {})
    value = clip(cell)
    if constraint == "required":
        return "this cell is required", desc
    if constraint == "enum":
        allowed = [str(x) for x in cons.get("enum", [])]
        close = difflib.get_close_matches(str(cell), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"'{value}' is not one of: {', '.join(allowed)}", hint + desc
    if constraint == "maxLength":
        return (
            f"text is {len(str(cell)):,} characters long; the limit is {cons.get('maxLength')}",
            "shorten it" + ("; put longer text in 'detail'" if spec.get("name") == "summary" else ""),
        )
    if constraint == "pattern":
        if spec.get("name") == "link":
            return (
                f"'{value}' is not an allowed link",
                "only http://, https://, doi:10.… and pmid:… links are allowed",
            )
        if "ids are separated" in desc or spec.get(LIST) is True:
            return f"'{value}' is not a list of ids", "ids are lower case letters, digits, '_' or '-', separated by ';'"
        if spec.get("name") == "date":
            return f"'{value}' is not a date", "write 1891, 1992-11 or 2014-09-04 (year, month or day precision)"
        return f"'{value}' does not have the expected form", desc or f"it must match {cons.get('pattern')}"
    if constraint in ("minimum", "maximum"):
        return f"{value} is out of range ({cons.get('minimum', '-')} to {cons.get('maximum', '-')})", desc
    return f"'{value}' breaks the '{constraint}' rule", desc
