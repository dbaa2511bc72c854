"""Pass 3: what a schema cannot express, for the tables of any topic.

Each check is a function ``check(report, frames, schemas)``: ``frames`` holds the tables
that could be read, as stripped strings with their spreadsheet row in ``_row``;
``schemas`` their schemas. A check whose tables are missing does nothing (the missing
table is reported already). :data:`CHECKS` lists them in the order they run. The checks
that only make sense for our own topic (regulators, source hosts and kinds) are in
:mod:`viz.data.topic`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pandas as pd

from viz.data.problems import Report, clip
from viz.data.schema import CONCEPT_CATEGORY, DATE_FORMS, REFERENCES, period_bounds, split_list

__all__ = ["CHECKS", "WHOLE_TABLE_CHECKS", "Check"]

#: A check of pass 3: ``check(report, frames, schemas)``.
Check = Callable[[Report, dict[str, pd.DataFrame], dict[str, dict]], None]


def check_references(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """Every id in a column declared ``"references": "TABLE"`` is an id in that table."""
    ids = {name: set(values) for name, values in report.ids.items()}
    for name, frame in frames.items():
        for spec in schemas[name]["fields"]:
            column, target = spec["name"], spec.get(REFERENCES)
            if target not in ids:
                continue
            for number, cell in zip(frame["_row"], frame[column], strict=True):
                for ref in split_list(cell):
                    if ref not in ids[target]:
                        report.add(
                            name,
                            number,
                            column,
                            f"'{clip(ref)}' is not an id in {target}.csv",
                            report.suggest(target, ref),
                        )


def check_concept_categories(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A column declared ``"conceptCategory": "CATEGORY"`` names concepts of that category."""
    if "concepts" not in frames:
        return
    category = dict(zip(frames["concepts"]["id"], frames["concepts"]["category"], strict=True))
    wanted_by = {
        (name, f["name"]): f[CONCEPT_CATEGORY]
        for name in frames
        for f in schemas[name]["fields"]
        if isinstance(f.get(CONCEPT_CATEGORY), str)
    }
    for (name, column), wanted in wanted_by.items():
        for number, value in zip(frames[name]["_row"], frames[name][column], strict=True):
            if value and value in category and category[value] != wanted:
                report.add(
                    name,
                    number,
                    column,
                    f"'{value}' is a {category[value]}, not a {wanted}",
                    f"use a concept whose category is {wanted}",
                )


def check_dates(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """An event's date is a real date, written as precisely as its precision says."""
    if "events" not in frames:
        return
    for _, r in frames["events"].iterrows():
        date, precision = r["date"], r["precision"]
        if precision in DATE_FORMS and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
            if not re.fullmatch(DATE_FORMS[precision], date):
                form = {"year": "1891", "month": "1992-11", "day": "2014-09-04"}[precision]
                report.add(
                    "events",
                    r["_row"],
                    "date",
                    f"'{date}' does not match its precision '{precision}'",
                    f"a {precision}-precision date is written like {form}; "
                    "write only as much of the date as the source confirms",
                )
                continue
            try:
                period_bounds(date)
            except ValueError:
                report.add(
                    "events",
                    r["_row"],
                    "date",
                    f"'{date}' is not a real date",
                    "months run 01-12 and days 01-31 (no 31 April or 30 February)",
                )


def check_relations(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A relation joins two concepts, and an undirected one is not written both ways."""
    if "relations" not in frames:
        return
    types = frames.get("relation_types")
    undirected = set() if types is None else set(types.loc[types["directed"].str.lower() == "false", "id"])
    seen: dict[tuple, int] = {}
    for _, r in frames["relations"].iterrows():
        if r["from"] == r["to"]:
            report.add(
                "relations",
                r["_row"],
                "to",
                f"'{r['to']}' is linked to itself",
                "a relation joins two different concepts",
            )
        if r["relation"] in undirected:
            key = (r["relation"], *sorted((r["from"], r["to"])))
            if key in seen:
                report.add(
                    "relations",
                    r["_row"],
                    "from",
                    f"'{r['relation']}' has no direction and repeats row {seen[key]} the other way round",
                    "keep one of the two rows",
                )
            seen.setdefault(key, r["_row"])


def check_onsets(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A side effect's onset range runs forwards."""
    if "side_effects" not in frames:
        return
    for _, r in frames["side_effects"].iterrows():
        lo, hi = _number(r["onset_min_weeks"]), _number(r["onset_max_weeks"])
        if lo is not None and hi is not None and lo > hi:
            report.add(
                "side_effects",
                r["_row"],
                "onset_max_weeks",
                f"onset ends ({hi:g} weeks) before it starts ({lo:g} weeks)",
                "swap the two numbers",
            )


def check_source_links(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """Each source link appears once, and a web link has a host."""
    if "sources" not in frames:
        return
    sources = frames["sources"]
    first_row: dict[str, tuple[int, str]] = {}
    for number, sid, link in zip(sources["_row"], sources["id"], sources["link"], strict=True):
        if link and link in first_row:  # no link at all: only a source of kind other (checked below)
            row0, id0 = first_row[link]
            report.add(
                "sources",
                number,
                "link",
                f"same link as row {row0} ('{id0}')",
                f"one row per citation: cite '{id0}' instead of '{sid}'",
            )
        first_row.setdefault(link, (number, sid))
    for number, kind, link in zip(sources["_row"], sources["kind"], sources["link"], strict=True):
        if not link and kind != "other":  # an imported map file (kind other) is the one source without one
            report.add("sources", number, "link", "the link is empty", "give https://..., doi:10.x/y or pmid:N")
        if link.startswith("http") and not urlsplit(link).hostname:
            report.add(
                "sources",
                number,
                "link",
                f"'{clip(link)}' has no host name",
                "write a full address such as https://www.fda.gov/...",
            )


def check_views(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """Every concept is on a map; a map's steps run 1, 2, 3 with a caption each; a layered map ranks its
    concepts; a map marked ``connected`` has no islands."""
    if not {"views", "view_concepts", "steps", "concepts", "relations"} <= frames.keys():
        return
    import networkx as nx

    views, members, steps = frames["views"], frames["view_concepts"], frames["steps"]
    edges = list(zip(frames["relations"]["from"], frames["relations"]["to"], strict=True))
    in_some_view = set(members["concept"])
    for number, cid in zip(frames["concepts"]["_row"], frames["concepts"]["id"], strict=True):
        if cid not in in_some_view:
            report.add(
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
            report.add(
                "views",
                v["_row"],
                "selection",
                f"view '{vid}' lists no concepts",
                "add its concepts to view_concepts.csv, or set selection to 'all'",
            )
            continue
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            report.add(
                "steps",
                int(caps["_row"].iloc[0]),
                "step",
                f"steps of view '{vid}' are {numbers}, not 1 to {len(numbers)}",
                "number the steps 1, 2, 3 ... without gaps",
            )
        for number, step in zip(rows["_row"], rows["step"], strict=True):
            if step.isdigit() and int(step) not in numbers:
                report.add(
                    "view_concepts",
                    number,
                    "step",
                    f"view '{vid}' has no caption for step {step}",
                    "add the step to steps.csv",
                )
        if v["layout"] == "layered":
            for number, rank in zip(rows["_row"], rows["rank"], strict=True):
                if not rank:
                    report.add(
                        "view_concepts",
                        number,
                        "rank",
                        f"view '{vid}' is layered but this concept has no rank",
                        "give every concept of a layered view its column (0, 1, 2 ...)",
                    )
        if v["layout"].startswith("manual"):  # drawn by hand: every concept where the map file placed it
            if v["selection"] != "listed":
                report.add(
                    "views",
                    v["_row"],
                    "selection",
                    f"view '{vid}' is laid out by hand but lists no positions",
                    "set selection to listed, with x and y for each concept in view_concepts.csv",
                )
            for number, x, y in zip(rows["_row"], rows["x"], rows["y"], strict=True):
                if not x or not y:
                    report.add(
                        "view_concepts",
                        number,
                        "y" if x else "x",
                        f"view '{vid}' is laid out by hand (layout {v['layout']}) but this concept has no position",
                        "give it the x and y where the map drew it, or choose another layout in views.csv",
                    )
        if v["connected"].lower() == "true" and v["selection"] == "listed":
            nodes = set(rows["concept"])
            g = nx.Graph()
            g.add_nodes_from(nodes)
            g.add_edges_from((a, b) for a, b in edges if a in nodes and b in nodes)
            parts = sorted(nx.connected_components(g), key=len, reverse=True)
            for part in parts[1:]:
                lonely = ", ".join(sorted(part)[:5])
                report.add(
                    "views",
                    v["_row"],
                    "connected",
                    f"view '{vid}' falls apart: {lonely} not linked to the rest",
                    "add a relation that links them, or set connected to false",
                )


def check_charts(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A phases chart names its view and its phases; a chart's curves come in a pair."""
    if not {"charts", "view_concepts"} <= frames.keys():
        return
    charts, members = frames["charts"], frames["view_concepts"]
    for _, r in charts[charts["chart"] == "phases"].iterrows():
        if not r["view"]:
            report.add(
                "charts", r["_row"], "view", "a phases chart needs a view", "the view whose ranks are the columns"
            )
        phases = split_list(r["concepts"])
        if not phases:
            report.add(
                "charts",
                r["_row"],
                "concepts",
                "a phases chart needs its phases",
                "concept ids, in order, separated by ';'",
            )
        on_view = set(members.loc[members["view"] == r["view"], "concept"])
        for phase in phases:
            if r["view"] and on_view and phase not in on_view:
                report.add(
                    "charts",
                    r["_row"],
                    "concepts",
                    f"'{clip(phase)}' is not on the view '{r['view']}'",
                    "add it to view_concepts.csv with the rank of its column",
                )
        if len(split_list(r["series"])) not in (0, 2):
            report.add(
                "charts",
                r["_row"],
                "series",
                f"{len(split_list(r['series']))} curve names; a phases chart draws two or none",
                "write two names separated by ';', or leave the cell empty",
            )


def check_decks(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """Each part of a deck names what it shows: a view (and one of its steps), a chart, or the history."""
    if not {"decks", "views", "steps", "charts", "events"} <= frames.keys():
        return
    f = frames
    steps = {(v, int(s)) for v, s in zip(f["steps"]["view"], f["steps"]["step"], strict=True) if s.isdigit()}
    tables = {"view": "views", "history": "views", "chart": "charts"}
    for _, r in f["decks"].iterrows():
        kind, ref, step = r["kind"], r["ref"], r["step"]
        table = tables.get(kind)
        if table is None:
            continue  # not a kind at all: the schema's enum reports it
        if not ref and kind != "history":
            report.add("decks", r["_row"], "ref", f"a {kind} part needs its {kind}", f"an id of {table}.csv")
        elif ref and ref not in set(f[table]["id"]):
            where = f"'{clip(ref)}' is not an id in {table}.csv"
            report.add("decks", r["_row"], "ref", where, report.suggest(table, ref))
        if kind == "history" and f["events"].empty:
            report.add("decks", r["_row"], "kind", "the history needs dated events", "add rows to events.csv")
        if step and kind != "view":
            report.add("decks", r["_row"], "step", f"a {kind} part has no steps", "leave step empty")
        elif step.isdigit() and ref in set(f["views"]["id"]) and (ref, int(step)) not in steps:
            count = sum(1 for v, _ in steps if v == ref)
            report.add(
                "decks",
                r["_row"],
                "step",
                f"view '{ref}' has no step {step}",
                f"its steps are 1 to {count}" if count else "it has no story steps: leave step empty",
            )


def check_stand_in_sources(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A warning for each stand-in source (kind ``other`` with no link: a map file ``immunoviz import`` read)
    that rows cite alone, naming the concepts to give real sources first: the most linked."""
    if not {"sources", "concepts", "relations"} <= frames.keys():
        return
    sources, concepts, relations = frames["sources"], frames["concepts"], frames["relations"]
    degree: dict[str, int] = {}
    for end in (*relations["from"], *relations["to"]):
        degree[end] = degree.get(end, 0) + 1
    for number, sid, kind, link in zip(*(sources[c] for c in ("_row", "id", "kind", "link")), strict=True):
        if kind != "other" or link:
            continue
        alone = [
            (n, c, label)
            for n, c, label, cited in zip(*(concepts[k] for k in ("_row", "id", "label", "sources")), strict=True)
            if split_list(cited) == (sid,)
        ]
        links = sum(split_list(cited) == (sid,) for cited in relations["sources"])
        if not alone and not links:
            continue
        first = sorted(alone, key=lambda t: (-degree.get(t[1], 0), t[0]))[:5]
        start = ", ".join(f"{n} ({clip(label, 30)})" for n, _, label in first)
        report.warn(
            "sources",
            number,
            "kind",
            f"'{clip(sid)}' stands in for real sources (kind other): {len(alone)} concepts and {links} relations "
            "cite nothing else",
            f"cite the sources the map was made from, starting with concepts.csv rows {start}"
            if first
            else "cite the sources the map was made from in relations.csv",
        )


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


#: The checks of pass 3, in the order they run.
CHECKS: tuple[Check, ...] = (
    check_references,
    check_concept_categories,
    check_dates,
    check_relations,
    check_onsets,
    check_source_links,
    check_stand_in_sources,
    check_views,
    check_charts,
    check_decks,
)

#: The checks that judge a table by all its rows (every concept on a map, steps numbered 1, 2, 3, a deck's
#: parts): they are given only the tables read whole, so a row left out for its shape (reported already)
#: does not also make them report something missing. The other checks judge each row, and see every row read.
WHOLE_TABLE_CHECKS: frozenset[Check] = frozenset({check_stand_in_sources, check_views, check_charts, check_decks})
