"""Load and validate the immunoviz tables: the only module that reads them.

The tables live in one folder (``data/`` in the project) beside a Frictionless
``datapackage.json`` that describes them. :func:`validate` reports every problem
at once as a :class:`Problem` (``file:row:column: message (hint: ...)``);
:func:`load` returns a :class:`Dataset` of typed pandas DataFrames or raises
:class:`DataError` carrying all problems.

Validation runs in three passes:

1. a structural scan that only Python can do safely (file present, UTF-8,
   not empty, header, cell counts, cell size);
2. the Frictionless schema (types, required cells, enums, patterns, keys,
   foreign keys);
3. the checks a schema cannot express (lists of ids, dates against their
   precision, views, story steps, links).

Rows are numbered as in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import contextvars
import csv
import difflib
import functools
import hashlib
import io
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pandas as pd

from viz import DISCLAIMER
from viz.paths import DATA_DIR, SCAFFOLD_DIR

# Frictionless validates with jsonschema, which imports rfc3987_syntax when it is installed (the development
# tools bring it: jupyter-events wants jsonschema[format-nongpl]). That module compiles 38 grammars as it is
# imported, for the IRI formats that no schema of ours uses: 3 to 10 seconds at every start of `immunoviz`, the
# better part of building a small dataset. Unless something imported it already, jsonschema goes without it (it
# checks IRI formats only when the module is there).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

__all__ = [
    "AGGREGATOR_HOSTS",
    "LIST_SEPARATOR",
    "MAX_CELL_CHARS",
    "OPTIONAL_TABLES",
    "TABLES",
    "DataError",
    "Dataset",
    "Problem",
    "dataset_files",
    "link_url",
    "link_warnings",
    "load",
    "site_settings",
    "table_text",
    "validate",
]

#: The tables of a dataset, in the order problems are reported.
TABLES = (
    "sources",
    "categories",
    "relation_types",
    "concepts",
    "relations",
    "events",
    "resistance",
    "combinations",
    "side_effects",
    "biomarkers",
    "topics",
    "views",
    "view_concepts",
    "steps",
    "charts",
    "decks",
)
#: Tables a dataset may leave out: a missing file is an empty table, and a ``datapackage.json`` that does
#: not describe it gets the schema immunoviz ships (``immunoviz new``'s).
OPTIONAL_TABLES = frozenset({"decks"})
#: Cells holding several ids or names, separated by ``;``.
LIST_FIELDS = frozenset(
    {
        "sources",
        "concepts",
        "aliases",
        "affects",
        "strategies",
        "guides",
        "therapies",
        "classes",
        "genes",
        "hide_relations",
        "series",
    }
)
#: Which table the ids of a list field (or a single-id field) must come from.
ID_REFERENCES = {
    "sources": "sources",
    "concepts": "concepts",
    "affects": "concepts",
    "strategies": "concepts",
    "guides": "concepts",
    "therapies": "concepts",
    "hide_relations": "relation_types",
}
LIST_SEPARATOR = ";"
#: No cell may be longer than this; a longer one would make pages sluggish.
MAX_CELL_CHARS = 5_000
MAX_FILE_BYTES = 50 * 1024 * 1024
#: A column whose schema field has this property holds concepts of that category (e.g. side effects).
CONCEPT_CATEGORY = "conceptCategory"
#: The keys of the datapackage's ``site`` section, and what each must be (see data/README.md).
SITE_KEYS = {
    "subtitle": "a sentence shown under the title of the site index",
    "disclaimer": "the notice on every page (default: 'Educational material, not medical advice.')",
    "searchExample": "a concept label the search boxes offer as an example",
    "classes": "the class hierarchy: {category, relation, members, memberLinks}",
}
CLASS_KEYS = {
    "category": "categories",
    "relation": "relation_types",
    "members": "categories",
    "memberLinks": "relation_types",
}
#: The longest site texts (the subtitle and the disclaimer are shown on every page).
MAX_SITE_CHARS = 300
DATE_FORMS = {"year": r"\d{4}", "month": r"\d{4}-\d{2}", "day": r"\d{4}-\d{2}-\d{2}"}
#: Hosts that republish or summarise other people's records: news aggregators and press-release
#: reposters, stock-market news, drug databases and trade news. A source linking there is
#: second-hand; ``validate`` warns (but does not fail) so that it gets replaced by the primary
#: record: the regulator's page or label, the sponsor's own release, the paper or the guideline.
#: Press-release wires (Business Wire, PR Newswire, GlobeNewswire) are not listed: they carry
#: the sponsor's own announcement.
AGGREGATOR_HOSTS = frozenset(
    {
        # news aggregators and press-release reposters
        "maestrodatabase.com",
        "pipelinereview.com",
        "rxtrospect.com",
        "htsyndication.com",
        "bio-medicine.org",
        "biospace.com",
        "letswinpc.org",
        "m3india.in",
        "precisionvaccinations.com",
        "cancerhealth.com",
        "thefreelibrary.com",
        "scilit.com",
        "anghami.com",
        "oncoprescribe.com",
        "genetherapynetwork.com",
        "pharmajournalist.com",
        "reportify.ai",
        "delveinsight.com",
        "blogspot.com",
        # stock-market and finance news
        "marketscreener.com",
        "4-traders.com",
        "financetom.com",
        "finanznachrichten.de",
        "futurehealthstocks.com",
        "seekingalpha.com",
        "benzinga.com",
        "tipranks.com",
        "markets.businessinsider.com",
        "bloomberglaw.com",
        # drug databases
        "drugs.com",
        "medilexicon.com",
        "centerwatch.com",
        "hemonc.org",
        "epocrates.com",
        "medscape.com",
        "rxlist.com",
        "drugbank.com",
        # trade news
        "onclive.com",
        "targetedonc.com",
        "cancernetwork.com",
        "fiercebiotech.com",
        "fiercepharma.com",
        "thepharmaletter.com",
        "biocentury.com",
        "bioworld.com",
        "clinicaloncology.com",
        "ascopost.com",
        "healio.com",
        "medicinematters.com",
        "jhoponline.com",
        "beckershospitalreview.com",
        "fdanews.com",
        "pharmatimes.com",
        "cphi-online.com",
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible."""

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    hint: str = ""

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
            if self.column:
                parts.append(self.column)
        elif self.column:
            parts.append(f"1:{self.column}")
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return _one_line(f"{text} (hint: {self.hint})" if self.hint else text)


#: Characters that would break a problem's line (or hide in it): control characters and line separators.
_INVISIBLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """A problem stays on one line, whatever the table held: such characters are shown as escapes."""
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class DataError(Exception):
    """The data cannot be used; :attr:`problems` lists every reason."""

    def __init__(self, problems: Iterable[Problem], data_dir: Path | str = ""):
        self.problems = list(problems)
        self.data_dir = Path(data_dir)
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in {self.data_dir}")

    def report(self) -> str:
        """All problems, one per line, then a summary line."""
        lines = [str(p) for p in self.problems]
        lines.append(f"{self.args[0]}; nothing was written.")
        return "\n".join(lines)


#: What Frictionless found in a table, by the table's schema, rows and the rows of the tables it refers
#: to: a live preview validates on every save, and most tables have not changed since the last time.
_CHECKED: dict[str, list[Problem]] = {}
MAX_CHECKED = 256

#: The tables read while a :meth:`Dataset.tracking` block runs (``None`` outside one).
_READING: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("immunoviz_reading", default=None)


@dataclass(frozen=True)
class Dataset:
    """The validated tables as typed DataFrames, plus the package metadata.

    Each table is an attribute (``ds.concepts``, ``ds.relations``, ...).
    ``fingerprints`` holds a hash of every table file (and of ``datapackage``), so
    that a build can tell which tables changed; :meth:`tracking` tells which
    tables some code reads.
    """

    root: Path
    name: str
    title: str
    version: str
    tables: dict[str, pd.DataFrame] = field(repr=False)
    fingerprints: dict[str, str] = field(default_factory=dict, repr=False)
    schemas: dict[str, dict] = field(default_factory=dict, repr=False)
    #: The datapackage's ``site`` section with its defaults filled in (:func:`site_settings`).
    site: dict = field(default_factory=lambda: site_settings({}), repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            reading = _READING.get()
            if reading is not None:
                reading.add(name)
            return tables[name]
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.tables))

    @contextmanager
    def tracking(self) -> Iterator[set[str]]:
        """Record which tables are read inside the block (plus ``datapackage``, which every page shows).

        Examples
        --------
        >>> from viz import data
        >>> ds = data.load()
        >>> with ds.tracking() as read:
        ...     _ = ds.events
        >>> sorted(read)
        ['datapackage', 'events']
        """
        read: set[str] = {"datapackage"}
        token = _READING.set(read)
        try:
            yield read
        finally:
            _READING.reset(token)

    def counts(self) -> dict[str, int]:
        """Rows per table, in :data:`TABLES` order."""
        return {name: len(getattr(self, name)) for name in TABLES}

    def source_links(self, ids: Iterable[str]) -> list[dict[str, str]]:
        """``[{"id", "citation", "url"}]`` for the given source ids, in order."""
        src = self.sources
        return [{"id": i, "citation": src.at[i, "citation"], "url": src.at[i, "url"]} for i in ids if i in src.index]

    def field_titles(self, table: str) -> dict[str, str]:
        """``{column: title}`` of a table, from its schema (a column without a title gets its name, capitalised)."""
        return {
            f["name"]: f.get("title") or f["name"].replace("_", " ").capitalize()
            for f in self.schemas.get(table, {}).get("fields", [])
        }


# ---------------------------------------------------------------------------
# public functions


def validate(data_dir: Path | str = DATA_DIR) -> list[Problem]:
    """Return every problem in the dataset at ``data_dir`` (empty when valid).

    Examples
    --------
    >>> from viz import data
    >>> data.validate()
    []
    """
    return _Reader(Path(data_dir)).run()[1]


def load(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Validate the dataset at ``data_dir`` and return it as a :class:`Dataset`.

    A dataset read before with exactly the same files (and the same immunoviz) is
    taken from the cache (:mod:`viz.cache`) instead of being validated again.

    Raises
    ------
    DataError
        With every problem found, when the data is not valid.

    Examples
    --------
    >>> from viz import data
    >>> ds = data.load()
    >>> ds.concepts.loc["pd1", "label"]
    'PD-1'
    """
    from viz import cache

    root = Path(data_dir)
    files = dataset_files(root)
    if (root / "datapackage.json") not in files:  # nothing to cache: let validation explain what is missing
        return _load(root)
    key = cache.fingerprint(
        [str(root.resolve()), cache.code_fingerprint(), *(p.name for p in files), *(p.read_bytes() for p in files)]
    )
    return cache.memory().cache(_load_cached, ignore=["root"])(root, key)


def _load_cached(root: Path, key: str) -> Dataset:  # joblib keys the cache on ``key`` alone
    return _load(root)


def _load(root: Path) -> Dataset:
    reader = _Reader(root)
    texts, problems = reader.run()
    if problems:
        raise DataError(problems, root)
    return _build_dataset(root, reader.descriptor, texts)


def dataset_files(root: Path | str) -> list[Path]:
    """The files of a dataset folder that exist: ``datapackage.json`` and the tables, in :data:`TABLES` order."""
    root = Path(root)
    names = ["datapackage.json", *(f"{t}.csv" for t in TABLES)]
    return [root / n for n in names if (root / n).is_file()]


def table_text(root: Path | str, table: str) -> str:
    """The text of one table file (a byte-order mark removed), for the code that edits a copy of the tables."""
    return (Path(root) / f"{table}.csv").read_text(encoding="utf-8-sig")


def link_url(link: str) -> str:
    """Turn a source link (``pmid:…``, ``doi:…`` or ``https://…``) into a URL."""
    if link.startswith("pmid:"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{link[5:]}/"
    if link.startswith("doi:"):
        return "https://doi.org/" + quote(link[4:], safe="/:;()._-<>[]")
    return link


def split_list(cell: object) -> tuple[str, ...]:
    """Split a ``a; b; c`` cell into ``("a", "b", "c")`` (empty cell: ``()``)."""
    if not isinstance(cell, str) or not cell.strip():
        return ()
    return tuple(part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip())


def _aggregator(link: str) -> str | None:
    """The listed aggregator host a link points to, or None."""
    if not link.startswith(("http://", "https://")):
        return None
    host = (urlsplit(link).hostname or "").lower()
    return next((h for h in sorted(AGGREGATOR_HOSTS) if host == h or host.endswith("." + h)), None)


def link_warnings(data_dir: Path | str = DATA_DIR) -> list[Problem]:
    """Warnings that do not make the data invalid: sources linking to an aggregator host.

    Each is a :class:`Problem` whose message starts with ``warning:``, so it prints as
    ``data/sources.csv:12:link: warning: ... (hint: ...)``. Reads only ``sources.csv``; a
    missing or unreadable file gives no warnings (:func:`validate` reports it).
    """
    path = Path(data_dir) / "sources.csv"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    out: list[Problem] = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        link = (row.get("link") or "").strip()
        host = _aggregator(link)
        if host:
            out.append(
                Problem(
                    _display(path),
                    number,
                    "link",
                    f"warning: '{_clip(row.get('id') or '')}' links to {host}, which republishes "
                    "or summarises other records",
                    "cite the primary record instead: the regulator's page or label, the sponsor's own "
                    "release, the paper (pmid:/doi:) or the guideline",
                )
            )
    return out


# ---------------------------------------------------------------------------
# reading and validation


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Reader:
    """Runs the three validation passes and keeps the decoded rows."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.descriptor: dict = {}
        self.schemas: dict[str, dict] = {}
        self.broken: set[str] = set()

    def file(self, name: str) -> str:
        return _display(self.root / f"{name}.csv")

    def add(self, name: str, row: int | None, column: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file(name) if name in TABLES else name, row, column, message, hint))

    # -- pass 0: the folder and its descriptor
    def read_descriptor(self) -> bool:
        where = _display(self.root)
        if not self.root.is_dir():
            self.problems.append(
                Problem(
                    where,
                    message="no such data folder",
                    hint="pass --data DIR with the folder that holds the CSV tables",
                )
            )
            return False
        path = self.root / "datapackage.json"
        if not path.is_file():
            self.problems.append(
                Problem(
                    _display(path),
                    message="datapackage.json is missing; it is the schema of the tables",
                    hint="copy data/datapackage.json from immunoviz into this folder",
                )
            )
            return False
        try:
            self.descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
            resources = {r["name"]: r for r in self.descriptor["resources"]}
            for name in OPTIONAL_TABLES - resources.keys():
                resources[name] = _own_resource(name)
            self.schemas = {name: resources[name]["schema"] for name in TABLES}
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            what = f"no resource {exc}" if isinstance(exc, KeyError) else str(exc).split("\n")[0]
            self.problems.append(
                Problem(
                    _display(path),
                    message=f"cannot read the schema: {what}",
                    hint="restore it from immunoviz's data/datapackage.json; it must describe all of: "
                    + ", ".join(TABLES),
                )
            )
            return False
        return True

    # -- pass 1: structure
    def scan(self, name: str) -> list[list[str]] | None:
        fields = [f["name"] for f in self.schemas[name]["fields"]]
        header_hint = "the header row is: " + ",".join(fields)
        path = self.root / f"{name}.csv"
        if not path.is_file():
            if name in OPTIONAL_TABLES:
                return []
            self.add(name, None, None, "file is missing", f"create it; {header_hint}")
            return None
        raw = path.read_bytes()
        if len(raw) > MAX_FILE_BYTES:
            self.add(
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
            self.add(
                name,
                line,
                None,
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                "save as 'CSV UTF-8' in Excel or choose 'Unicode (UTF-8)' in LibreOffice",
            )
            return None
        text = text.removeprefix("\ufeff")  # a byte-order mark, as Excel writes it, is harmless
        if not text.strip():
            self.add(name, None, None, "file is empty", header_hint)
            return None
        csv.field_size_limit(sys.maxsize)
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:  # pragma: no cover - the csv module accepts nearly anything
            self.add(name, None, None, f"not a CSV file: {exc}", header_hint)
            return None
        header = [h.strip() for h in rows[0]]
        ok = True
        required = {f["name"] for f in self.schemas[name]["fields"] if f.get("constraints", {}).get("required")}
        for col in fields:
            if col not in header and col in required:  # an optional column may be left out: its cells are empty
                self.add(name, 1, col, f"missing required column '{col}'", header_hint)
                ok = False

        def where(col: str) -> str:  # a header's name as a location, or its place when the name can't be one
            return col if col and ":" not in col else f"column {header.index(col) + 1}"

        for col in header:
            if col not in fields:
                close = difflib.get_close_matches(col, fields, n=1)
                hint = f"did you mean '{close[0]}'?" if close else header_hint
                self.add(name, 1, where(col), f"unknown column '{col}'", hint)
                ok = False
        for col in sorted({h for h in header if header.count(h) > 1}, key=header.index):
            self.add(name, 1, where(col), f"column '{col}' appears {header.count(col)} times", "keep one of them")
            ok = False
        body: list[list[str]] = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue  # blank lines, such as the trailing ",,," rows spreadsheets leave
            if len(row) != len(header):
                self.add(
                    name,
                    number,
                    None,
                    f"row has {len(row)} cells but the header has {len(header)}",
                    "put a cell that contains a comma in double quotes",
                )
                ok = False
                continue
            for col, cell in zip(header, row, strict=True):
                if len(cell) > MAX_CELL_CHARS:
                    self.add(
                        name,
                        number,
                        col,
                        f"cell is {len(cell):,} characters long; the limit is {MAX_CELL_CHARS:,}",
                        "keep cells short; link to a source for the long text",
                    )
                    ok = False
            body.append([number, *row])
        if not ok:
            self.broken.add(name)
            return None
        index = [header.index(col) if col in header else None for col in fields]
        return [[r[0], *(r[i + 1] if i is not None else "" for i in index)] for r in body]

    # -- pass 2: Frictionless
    def frictionless(self, texts: dict[str, list[list]]) -> None:
        import frictionless

        usable = [n for n in TABLES if n in texts]
        if not usable:
            return
        with tempfile.TemporaryDirectory(prefix="immunoviz-validate-") as tmp:
            resources = []
            row_numbers: dict[str, list[int]] = {}
            for name in usable:
                fields = [f["name"] for f in self.schemas[name]["fields"]]
                with open(Path(tmp) / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
                    writer = csv.writer(fh, lineterminator="\n")
                    writer.writerow(fields)
                    writer.writerows(r[1:] for r in texts[name])
                row_numbers[name] = [r[0] for r in texts[name]]
                schema = json.loads(json.dumps(self.schemas[name]))
                for spec in schema["fields"]:  # our own property, checked in pass 3
                    spec.pop(CONCEPT_CATEGORY, None)
                schema["foreignKeys"] = [
                    fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] in texts
                ]
                resources.append(
                    {"name": name, "path": f"{name}.csv", "format": "csv", "encoding": "utf-8", "schema": schema}
                )
            package = frictionless.Package({"resources": resources}, basepath=tmp)
            for res in resources:
                name = res["name"]
                if not texts[name]:
                    continue  # a table of its header alone: no cell to check (the header was checked in pass 1)
                targets = sorted({fk["reference"]["resource"] for fk in res["schema"]["foreignKeys"]} - {name})
                key = hashlib.sha256(
                    json.dumps(
                        [
                            str(self.root.resolve()),
                            str(Path.cwd()),
                            res["schema"],
                            texts[name],
                            *(texts[t] for t in targets),
                        ]
                    ).encode()
                ).hexdigest()
                if key not in _CHECKED:
                    before = len(self.problems)
                    for task in package.get_resource(name).validate().tasks:
                        for error in task.errors:
                            self.add_frictionless(name, error, row_numbers[name])
                    _CHECKED[key] = self.problems[before:]
                    while len(_CHECKED) > MAX_CHECKED:
                        del _CHECKED[next(iter(_CHECKED))]
                else:
                    self.problems.extend(_CHECKED[key])

    def add_frictionless(self, name: str, error, numbers: list[int]) -> None:
        """Translate one Frictionless error into a :class:`Problem` with a hint."""
        row = getattr(error, "row_number", None)
        if row is not None and 2 <= row < len(numbers) + 2:
            row = numbers[row - 2]  # back to the row number in the author's file
        column = getattr(error, "field_name", None)
        cell = getattr(error, "cell", None)
        spec = next((f for f in self.schemas[name]["fields"] if f["name"] == column), {})
        kind = error.type
        if kind == "type-error":
            wanted = {
                "boolean": "true or false",
                "integer": "a whole number such as 3",
                "number": "a number such as 1.5",
            }.get(spec.get("type", ""), spec.get("type", "a value"))
            self.add(name, row, column, f"'{_clip(cell)}' is not {wanted}", spec.get("description", ""))
        elif kind == "constraint-error":
            constraint = (re.search(r'constraint "(\w+)"', error.note or "") or [None, "?"])[1]
            self.add(name, row, column, *_constraint_message(constraint, cell, spec))
        elif kind in ("primary-key", "unique-error"):
            first = re.search(r"position (\d+)", error.note or "")
            where = (
                f" (first in row {numbers[int(first[1]) - 2]})" if first and int(first[1]) - 2 < len(numbers) else ""
            )
            keys = self.schemas[name]["primaryKey"]
            self.add(
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
                (
                    fk["reference"]["resource"]
                    for fk in self.schemas[name].get("foreignKeys", [])
                    if fk["fields"] == columns
                ),
                "?",
            )
            value = cells[0] if cells else ""
            self.add(
                name, row, "+".join(columns), f"'{_clip(value)}' is not an id in {ref}.csv", self.suggest(ref, value)
            )
        else:
            self.add(
                name,
                row,
                column,
                error.message.split(":", 1)[-1].strip() if error.message else kind,
                error.description or "",
            )

    def suggest(self, table: str, value: str) -> str:
        ids = self.ids.get(table, [])
        close = difflib.get_close_matches(value, ids, n=3)
        if close:
            return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        return f"add a row with that id to {table}.csv, or fix the spelling"

    # -- pass 3: what a schema cannot say
    def semantic(self, texts: dict[str, list[list]]) -> None:
        frames = {name: _string_frame(self.schemas[name], rows) for name, rows in texts.items()}
        self.ids = {name: frame[self.schemas[name]["primaryKey"][0]].tolist() for name, frame in frames.items()}
        ids = {name: set(v) for name, v in self.ids.items()}
        for name, frame in frames.items():
            for column in frame.columns:
                target = ID_REFERENCES.get(column)
                if column == "_row" or target is None or target not in ids:
                    continue
                for number, cell in zip(frame["_row"], frame[column], strict=True):
                    for ref in split_list(cell):
                        if ref not in ids[target]:
                            self.add(
                                name,
                                number,
                                column,
                                f"'{_clip(ref)}' is not an id in {target}.csv",
                                self.suggest(target, ref),
                            )
        if "concepts" in frames:
            category = dict(zip(frames["concepts"]["id"], frames["concepts"]["category"], strict=True))
            wanted_by = {
                (name, f["name"]): f[CONCEPT_CATEGORY]
                for name in frames
                for f in self.schemas[name]["fields"]
                if isinstance(f.get(CONCEPT_CATEGORY), str)
            }
            for (name, column), wanted in wanted_by.items():
                for number, value in zip(frames[name]["_row"], frames[name][column], strict=True):
                    if value and value in category and category[value] != wanted:
                        self.add(
                            name,
                            number,
                            column,
                            f"'{value}' is a {category[value]}, not a {wanted}",
                            f"use a concept whose category is {wanted}",
                        )
        if "events" in frames:
            self.check_dates(frames["events"])
            self.check_regulators(frames["events"])
        if "relations" in frames:
            self.check_relations(frames["relations"], frames.get("relation_types"))
        if "side_effects" in frames:
            for _, r in frames["side_effects"].iterrows():
                lo, hi = _number(r["onset_min_weeks"]), _number(r["onset_max_weeks"])
                if lo is not None and hi is not None and lo > hi:
                    self.add(
                        "side_effects",
                        r["_row"],
                        "onset_max_weeks",
                        f"onset ends ({hi:g} weeks) before it starts ({lo:g} weeks)",
                        "swap the two numbers",
                    )
        if "sources" in frames:
            first_row: dict[str, tuple[int, str]] = {}
            for number, sid, link in zip(
                frames["sources"]["_row"], frames["sources"]["id"], frames["sources"]["link"], strict=True
            ):
                if link in first_row:
                    row0, id0 = first_row[link]
                    self.add(
                        "sources",
                        number,
                        "link",
                        f"same link as row {row0} ('{id0}')",
                        f"one row per citation: cite '{id0}' instead of '{sid}'",
                    )
                first_row.setdefault(link, (number, sid))
            for number, link in zip(frames["sources"]["_row"], frames["sources"]["link"], strict=True):
                if link.startswith("http") and not urlsplit(link).hostname:
                    self.add(
                        "sources",
                        number,
                        "link",
                        f"'{_clip(link)}' has no host name",
                        "write a full address such as https://www.fda.gov/...",
                    )
        if {"views", "view_concepts", "steps", "concepts", "relations"} <= frames.keys():
            self.check_views(frames)
        if {"charts", "view_concepts"} <= frames.keys():
            self.check_charts(frames["charts"], frames["view_concepts"])
        if {"decks", "views", "steps", "charts", "events"} <= frames.keys():
            self.check_decks(frames)
        self.check_site(ids)

    def check_site(self, ids: dict[str, set[str]]) -> None:
        """The datapackage's ``site`` section: known keys, text where text belongs, ids that exist."""
        where = _display(self.root / "datapackage.json")
        site = self.descriptor.get("site", {})
        if not isinstance(site, dict):
            self.problems.append(
                Problem(where, message="'site' is not a section of keys", hint='write "site": {"subtitle": "…"}')
            )
            return
        for key, value in site.items():
            if key not in SITE_KEYS:
                close = difflib.get_close_matches(key, SITE_KEYS, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "the keys are: " + ", ".join(SITE_KEYS)
                self.problems.append(Problem(where, message=f"site.{key}: unknown key", hint=hint))
            elif key == "classes":
                self.check_classes(where, value, ids)
            elif not isinstance(value, str) or (key == "disclaimer" and not value.strip()):
                self.problems.append(
                    Problem(where, message=f"site.{key}: must be text", hint=f"{key} is {SITE_KEYS[key]}")
                )
            elif len(value) > MAX_SITE_CHARS:
                self.problems.append(
                    Problem(
                        where,
                        message=f"site.{key}: text is {len(value):,} characters long; the limit is {MAX_SITE_CHARS}",
                        hint="shorten it",
                    )
                )

    def check_classes(self, where: str, value: object, ids: dict[str, set[str]]) -> None:
        if not isinstance(value, dict):
            self.problems.append(
                Problem(where, message="site.classes: must be a section of keys", hint=SITE_KEYS["classes"])
            )
            return
        for key, table in CLASS_KEYS.items():
            given = value.get(key)
            wanted = [given] if key != "memberLinks" else given
            if given is None and key != "category":
                continue
            if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
                self.problems.append(
                    Problem(
                        where,
                        message=f"site.classes.{key}: must be "
                        + ("a list of ids" if key == "memberLinks" else "an id")
                        + f" in {table}.csv",
                    )
                )
                continue
            for v in wanted:
                if table in ids and v not in ids[table]:
                    self.problems.append(
                        Problem(
                            where,
                            message=f"site.classes.{key}: '{_clip(v)}' is not an id in {table}.csv",
                            hint=self.suggest(table, v),
                        )
                    )
        for key in value:
            if key not in CLASS_KEYS:
                self.problems.append(
                    Problem(
                        where, message=f"site.classes.{key}: unknown key", hint="the keys are: " + ", ".join(CLASS_KEYS)
                    )
                )

    def check_charts(self, charts: pd.DataFrame, members: pd.DataFrame) -> None:
        """A phases chart names its view and its phases; a chart's curves come in a pair."""
        for _, r in charts[charts["chart"] == "phases"].iterrows():
            if not r["view"]:
                self.add(
                    "charts", r["_row"], "view", "a phases chart needs a view", "the view whose ranks are the columns"
                )
            phases = split_list(r["concepts"])
            if not phases:
                self.add(
                    "charts",
                    r["_row"],
                    "concepts",
                    "a phases chart needs its phases",
                    "concept ids, in order, separated by ';'",
                )
            on_view = set(members.loc[members["view"] == r["view"], "concept"])
            for phase in phases:
                if r["view"] and on_view and phase not in on_view:
                    self.add(
                        "charts",
                        r["_row"],
                        "concepts",
                        f"'{_clip(phase)}' is not on the view '{r['view']}'",
                        "add it to view_concepts.csv with the rank of its column",
                    )
            if len(split_list(r["series"])) not in (0, 2):
                self.add(
                    "charts",
                    r["_row"],
                    "series",
                    f"{len(split_list(r['series']))} curve names; a phases chart draws two or none",
                    "write two names separated by ';', or leave the cell empty",
                )

    def check_decks(self, f: dict[str, pd.DataFrame]) -> None:
        """Each part of a deck names what it shows: a view (and one of its steps), a chart, or the history."""
        steps = {(v, int(s)) for v, s in zip(f["steps"]["view"], f["steps"]["step"], strict=True) if s.isdigit()}
        tables = {"view": "views", "history": "views", "chart": "charts"}
        for _, r in f["decks"].iterrows():
            kind, ref, step = r["kind"], r["ref"], r["step"]
            table = tables.get(kind)
            if table is None:
                continue  # not a kind at all: the schema's enum reports it
            if not ref and kind != "history":
                self.add("decks", r["_row"], "ref", f"a {kind} part needs its {kind}", f"an id of {table}.csv")
            elif ref and ref not in set(f[table]["id"]):
                where = f"'{_clip(ref)}' is not an id in {table}.csv"
                self.add("decks", r["_row"], "ref", where, self.suggest(table, ref))
            if kind == "history" and f["events"].empty:
                self.add("decks", r["_row"], "kind", "the history needs dated events", "add rows to events.csv")
            if step and kind != "view":
                self.add("decks", r["_row"], "step", f"a {kind} part has no steps", "leave step empty")
            elif step.isdigit() and ref in set(f["views"]["id"]) and (ref, int(step)) not in steps:
                count = sum(1 for v, _ in steps if v == ref)
                self.add(
                    "decks",
                    r["_row"],
                    "step",
                    f"view '{ref}' has no step {step}",
                    f"its steps are 1 to {count}" if count else "it has no story steps: leave step empty",
                )

    def check_dates(self, events: pd.DataFrame) -> None:
        for _, r in events.iterrows():
            date, precision = r["date"], r["precision"]
            if precision in DATE_FORMS and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
                if not re.fullmatch(DATE_FORMS[precision], date):
                    form = {"year": "1891", "month": "1992-11", "day": "2014-09-04"}[precision]
                    self.add(
                        "events",
                        r["_row"],
                        "date",
                        f"'{date}' does not match its precision '{precision}'",
                        f"a {precision}-precision date is written like {form}; "
                        "write only as much of the date as the source confirms",
                    )
                    continue
                try:
                    _period_bounds(date)
                except ValueError:
                    self.add(
                        "events",
                        r["_row"],
                        "date",
                        f"'{date}' is not a real date",
                        "months run 01-12 and days 01-31 (no 31 April or 30 February)",
                    )

    def check_regulators(self, events: pd.DataFrame) -> None:
        """An approval names the authority that took the decision; other events leave it empty."""
        if "regulator" not in events.columns:
            return  # an older dataset whose schema has no such column
        for _, r in events.iterrows():
            if r["kind"] == "approval" and not r["regulator"]:
                self.add(
                    "events",
                    r["_row"],
                    "regulator",
                    "an approval needs its regulator",
                    "name the authority and place, spelled the same way in every row, "
                    "e.g. FDA (US), European Commission (EU), MHLW (Japan)",
                )
            elif r["kind"] != "approval" and r["regulator"]:
                self.add(
                    "events",
                    r["_row"],
                    "regulator",
                    f"'{_clip(r['regulator'])}' is set, but this event is a {r['kind']}, not an approval",
                    "leave regulator empty unless kind is approval",
                )

    def check_relations(self, relations: pd.DataFrame, types: pd.DataFrame | None) -> None:
        undirected = set() if types is None else set(types.loc[types["directed"].str.lower() == "false", "id"])
        seen: dict[tuple, int] = {}
        for _, r in relations.iterrows():
            if r["from"] == r["to"]:
                self.add(
                    "relations",
                    r["_row"],
                    "to",
                    f"'{r['to']}' is linked to itself",
                    "a relation joins two different concepts",
                )
            if r["relation"] in undirected:
                key = (r["relation"], *sorted((r["from"], r["to"])))
                if key in seen:
                    self.add(
                        "relations",
                        r["_row"],
                        "from",
                        f"'{r['relation']}' has no direction and repeats row {seen[key]} the other way round",
                        "keep one of the two rows",
                    )
                seen.setdefault(key, r["_row"])

    def check_views(self, f: dict[str, pd.DataFrame]) -> None:
        import networkx as nx

        views, members, steps = f["views"], f["view_concepts"], f["steps"]
        edges = list(zip(f["relations"]["from"], f["relations"]["to"], strict=True))
        in_some_view = set(members["concept"])
        for number, cid in zip(f["concepts"]["_row"], f["concepts"]["id"], strict=True):
            if cid not in in_some_view:
                self.add(
                    "concepts",
                    number,
                    "id",
                    f"'{cid}' is not in any view",
                    "add it to a map in view_concepts.csv so readers can find it",
                )
        for _, v in views.iterrows():
            vid = v["id"]
            rows = members[members["view"] == vid]
            caps = steps[steps["view"] == vid]
            numbers = sorted(int(s) for s in caps["step"] if s.isdigit())
            if v["selection"] == "listed" and rows.empty:
                self.add(
                    "views",
                    v["_row"],
                    "selection",
                    f"view '{vid}' lists no concepts",
                    "add its concepts to view_concepts.csv, or set selection to 'all'",
                )
                continue
            if numbers and numbers != list(range(1, len(numbers) + 1)):
                self.add(
                    "steps",
                    int(caps["_row"].iloc[0]),
                    "step",
                    f"steps of view '{vid}' are {numbers}, not 1 to {len(numbers)}",
                    "number the steps 1, 2, 3 ... without gaps",
                )
            for number, step in zip(rows["_row"], rows["step"], strict=True):
                if step.isdigit() and int(step) not in numbers:
                    self.add(
                        "view_concepts",
                        number,
                        "step",
                        f"view '{vid}' has no caption for step {step}",
                        "add the step to steps.csv",
                    )
            if v["layout"] in ("layered", "circular"):
                for number, rank in zip(rows["_row"], rows["rank"], strict=True):
                    if v["layout"] == "layered" and not rank:
                        self.add(
                            "view_concepts",
                            number,
                            "rank",
                            f"view '{vid}' is layered but this concept has no rank",
                            "give every concept of a layered view its column (0, 1, 2 ...)",
                        )
            if v["connected"].lower() == "true" and v["selection"] == "listed":
                nodes = set(rows["concept"])
                g = nx.Graph()
                g.add_nodes_from(nodes)
                g.add_edges_from((a, b) for a, b in edges if a in nodes and b in nodes)
                parts = sorted(nx.connected_components(g), key=len, reverse=True)
                for part in parts[1:]:
                    lonely = ", ".join(sorted(part)[:5])
                    self.add(
                        "views",
                        v["_row"],
                        "connected",
                        f"view '{vid}' falls apart: {lonely} not linked to the rest",
                        "add a relation that links them, or set connected to false",
                    )

    def run(self) -> tuple[dict[str, list[list]], list[Problem]]:
        texts: dict[str, list[list]] = {}
        self.ids: dict[str, list[str]] = {}
        if self.read_descriptor():
            for name in TABLES:
                rows = self.scan(name)
                if rows is not None:
                    texts[name] = rows
            # ids first, so that foreign-key hints can suggest close matches
            for name, rows in texts.items():
                key = self.schemas[name]["primaryKey"][0]
                pos = [f["name"] for f in self.schemas[name]["fields"]].index(key) + 1
                self.ids[name] = [r[pos] for r in rows]
            self.frictionless(texts)
            self.semantic(texts)
        order = {self.file(n): i for i, n in enumerate(TABLES)}
        unique = list(dict.fromkeys(self.problems))
        unique.sort(key=lambda p: (order.get(p.file, -1), p.row or 0, p.column or ""))
        return texts, unique


def _constraint_message(constraint: str, cell: object, spec: dict) -> tuple[str, str]:
    desc = spec.get("description", "")
    cons = spec.get("constraints", {})
    value = _clip(cell)
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
        if "ids are separated" in desc or spec.get("name") in LIST_FIELDS:
            return f"'{value}' is not a list of ids", "ids are lower case letters, digits, '_' or '-', separated by ';'"
        if spec.get("name") == "date":
            return f"'{value}' is not a date", "write 1891, 1992-11 or 2014-09-04 (year, month or day precision)"
        return f"'{value}' does not have the expected form", desc or f"it must match {cons.get('pattern')}"
    if constraint in ("minimum", "maximum"):
        return f"{value} is out of range ({cons.get('minimum', '-')} to {cons.get('maximum', '-')})", desc
    return f"'{value}' breaks the '{constraint}' rule", desc


def _clip(value: object, n: int = 60) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _string_frame(schema: dict, rows: list[list]) -> pd.DataFrame:
    columns = ["_row"] + [f["name"] for f in schema["fields"]]
    # stripped in Python first: one DataFrame, not a pandas string operation per column (a live preview
    # validates on every save, and pandas' per-call overhead outweighed the work on small tables)
    stripped = [[r[0], *(str(cell).strip() for cell in r[1:])] for r in rows]
    return pd.DataFrame(stripped, columns=columns, dtype=object)


def _period_bounds(date: str) -> tuple[pd.Timestamp, pd.Timestamp]:
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


# ---------------------------------------------------------------------------
# typed frames


def _build_dataset(root: Path, descriptor: dict, texts: dict[str, list[list]]) -> Dataset:
    schemas = {r["name"]: r["schema"] for r in [*map(_own_resource, OPTIONAL_TABLES), *descriptor["resources"]]}
    tables = {name: _typed_frame(name, schemas[name], texts[name]) for name in TABLES}
    categories = tables["categories"].sort_values("order")
    concepts = tables["concepts"]
    concepts["category"] = pd.Categorical(concepts["category"], categories=list(categories.index))
    relations = tables["relations"]
    relations["relation"] = pd.Categorical(relations["relation"], categories=list(tables["relation_types"].index))
    sources = tables["sources"]
    sources["url"] = sources["link"].map(link_url)
    events = tables["events"]
    bounds = [_period_bounds(d) for d in events["date"]]
    events["start"] = pd.to_datetime([b[0] for b in bounds]).astype("datetime64[s]")
    events["end"] = pd.to_datetime([b[1] for b in bounds]).astype("datetime64[s]")
    events["year"] = events["start"].dt.year.astype("int64")
    tables["events"] = events.sort_values(["start", "end", "id"], kind="stable")
    tables["view_concepts"] = tables["view_concepts"].sort_values(["view", "step", "concept"], kind="stable")
    tables["steps"] = tables["steps"].sort_values(["view", "step"], kind="stable")
    tables["views"] = tables["views"].sort_values(["order"], kind="stable")
    tables["topics"] = tables["topics"].sort_values(["order"], kind="stable")
    tables["charts"] = tables["charts"].sort_values(["order"], kind="stable")
    tables["decks"] = tables["decks"].sort_values(["deck", "order"], kind="stable")
    from viz.cache import fingerprint

    fingerprints = {"datapackage": fingerprint([json.dumps(descriptor, sort_keys=True)])}
    fingerprints.update({name: fingerprint([json.dumps(texts[name])]) for name in TABLES})
    return Dataset(
        root=root,
        name=str(descriptor.get("name", "")),
        title=str(descriptor.get("title", "")),
        version=str(descriptor.get("version", "")),
        tables=tables,
        fingerprints=fingerprints,
        schemas=schemas,
        site=site_settings(descriptor),
    )


@functools.cache
def _own_resource(name: str) -> dict:
    """The description of a table in the schema immunoviz ships (for an optional table a dataset's leaves out)."""
    descriptor = json.loads((SCAFFOLD_DIR / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in descriptor["resources"] if r["name"] == name)


def site_settings(descriptor: dict) -> dict:
    """The site's wording and class hierarchy from a datapackage descriptor, with the defaults filled in.

    Keys: ``title`` (the package's ``title``, else its ``name``, else "immunoviz"),
    ``subtitle``, ``disclaimer`` (:data:`viz.DISCLAIMER` unless the data says otherwise),
    ``search_example`` and ``classes`` (``None``, or the ids of the class category, the
    hierarchy relation, the member category and the member links).

    Examples
    --------
    >>> from viz import data
    >>> data.site_settings({"title": "The water cycle"})["disclaimer"]
    'Educational material, not medical advice.'
    """
    site = descriptor.get("site") if isinstance(descriptor.get("site"), dict) else {}
    classes = site.get("classes") if isinstance(site.get("classes"), dict) else None
    return {
        "title": str(descriptor.get("title") or descriptor.get("name") or "immunoviz"),
        "subtitle": str(site.get("subtitle", "")),
        "disclaimer": str(site.get("disclaimer") or DISCLAIMER),
        "search_example": str(site.get("searchExample", "")),
        "classes": None
        if classes is None
        else {
            "category": classes.get("category"),
            "relation": classes.get("relation"),
            "members": classes.get("members"),
            "member_links": list(classes.get("memberLinks", [])),
        },
    }


def _typed_frame(name: str, schema: dict, rows: list[list]) -> pd.DataFrame:
    frame = _string_frame(schema, rows).drop(columns="_row")
    for spec in schema["fields"]:
        col, kind = spec["name"], spec.get("type", "string")
        enum = spec.get("constraints", {}).get("enum")
        values = frame[col]
        if col in LIST_FIELDS:
            frame[col] = values.map(split_list)
        elif kind == "integer":
            frame[col] = pd.array([int(v) if v else None for v in values], dtype="Int64")
        elif kind == "number":
            frame[col] = pd.array([float(v) if v else None for v in values], dtype="Float64")
        elif kind == "boolean":
            frame[col] = values.str.lower().isin(["true", "1", "yes"]).astype(bool)
        elif enum:
            frame[col] = pd.Categorical(values, categories=enum)
        else:
            frame[col] = values.where(values != "", None).astype("string")
    keys = schema["primaryKey"]
    if len(keys) == 1:
        frame = frame.set_index(keys[0], drop=False).rename_axis(None)
    return frame
