"""The validated tables as typed pandas DataFrames: the :class:`Dataset` every other module reads."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from viz.data.problems import TABLES, Problem
from viz.data.schema import (
    LIST,
    OPTIONAL_TABLES,
    Field,
    fields,
    link_url,
    own_resource,
    period_bounds,
    split_list,
    string_frame,
)
from viz.data.settings import site_settings

__all__ = ["Dataset", "build_dataset"]

#: The tables read while a :meth:`Dataset.tracking` block runs (``None`` outside one).
_READING: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("immunoviz_reading", default=None)


@dataclass(frozen=True)
class Dataset:
    """The validated tables as typed DataFrames, plus the package metadata.

    Each table is an attribute (``ds.concepts``, ``ds.relations``, ...): a column whose
    schema field is a list holds tuples, integers and numbers are nullable, booleans are
    booleans, an enum is categorical, and text is a string or ``None``. A table with a
    one-column key is indexed by it.

    ``schemas`` holds each table's schema as written; :meth:`fields` describes its columns
    (title, type, list, reference, text) in schema order, for a renderer that shows them.
    ``fingerprints`` holds a hash of every table file (and of ``datapackage``), so
    that a build can tell which tables changed; :meth:`tracking` tells which
    tables some code reads. ``warnings`` are what ``immunoviz validate`` reports without
    failing (each a :class:`~viz.data.Problem` whose message starts with ``warning:``).
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
    warnings: tuple[Problem, ...] = field(default=(), repr=False)

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

    def fields(self, table: str) -> tuple[Field, ...]:
        """The columns of a table as its schema describes them, in schema order (see :class:`~viz.data.Field`).

        A renderer that shows a row's words (a concept's side panel, its text version) shows
        the fields whose ``text`` is true, under their ``title``, in this order: a column
        declared in ``datapackage.json`` reaches it with no change to the code.

        Examples
        --------
        >>> from viz import data
        >>> [f.name for f in data.load().fields("concepts") if f.text]
        ['label', 'summary', 'detail']
        """
        return fields(self.schemas.get(table, {}))

    def field_titles(self, table: str) -> dict[str, str]:
        """``{column: title}`` of a table, in schema order (a column without a title gets its name, capitalised).

        Examples
        --------
        >>> from viz import data
        >>> list(data.load().field_titles("relations").items())[:2]
        [('from', 'From'), ('relation', 'Relation')]
        """
        return {f.name: f.title for f in self.fields(table)}


def build_dataset(
    root: Path, descriptor: dict, texts: dict[str, list[list]], warnings: Iterable[Problem] = ()
) -> Dataset:
    """The :class:`Dataset` of tables that passed validation: ``texts`` holds each table's rows in schema order."""
    schemas = {r["name"]: r["schema"] for r in [*map(own_resource, OPTIONAL_TABLES), *descriptor["resources"]]}
    tables = {name: _typed_frame(schemas[name], texts[name]) for name in TABLES}
    categories = tables["categories"].sort_values("order")
    concepts = tables["concepts"]
    concepts["category"] = pd.Categorical(concepts["category"], categories=list(categories.index))
    relations = tables["relations"]
    relations["relation"] = pd.Categorical(relations["relation"], categories=list(tables["relation_types"].index))
    sources = tables["sources"]
    sources["url"] = sources["link"].map(link_url)
    events = tables["events"]
    bounds = [period_bounds(d) for d in events["date"]]
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
        warnings=tuple(warnings),
    )


def _typed_frame(schema: dict, rows: list[list]) -> pd.DataFrame:
    frame = string_frame(schema, rows).drop(columns="_row")
    for spec in schema["fields"]:
        col, kind = spec["name"], spec.get("type", "string")
        enum = spec.get("constraints", {}).get("enum")
        values = frame[col]
        if spec.get(LIST) is True:
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
