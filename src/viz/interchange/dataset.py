"""Maps to tables (``immunoviz import``) and one view of our tables to a map (``immunoviz export``).

:func:`dataset_files` turns the maps read from one or more files into the files of a complete dataset,
in the shape ``immunoviz new`` writes: every table, ``datapackage.json`` and a README. Nothing is
invented: each file becomes one row of ``sources.csv`` (kind ``other``, its name and the day it was
imported) that every row made from it cites, for the author to replace with real sources; a concept
without text of its own says so in its summary. Each file becomes a view; positions, when the file has
them, go into ``view_concepts.csv``'s ``x`` and ``y``. What does not fit is reported, never lost silently.

:func:`view_map` is the other way: one view, laid out as our pages draw it, as a neutral map.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from viz.interchange.model import Concept, Group, Link, Map, clean_text

__all__ = ["Imported", "dataset_files", "import_files", "net_map", "view_map"]

#: Column limits of the schema that imported text must fit (datapackage.json).
LABEL, CATEGORY_LABEL, VERB, SUMMARY, DETAIL, NOTE, TITLE = 60, 40, 40, 400, 1200, 300, 80
#: Shapes given to imported categories in turn (each category its own, as the schema asks).
SHAPES = ["box", "ellipse", "diamond", "dot", "square", "triangle", "hexagon", "star", "triangleDown", "database"]
NO_VERB = "is linked to"


@dataclass
class Imported:
    """What an import made: the dataset's files, a summary line per file, and every notice (``file:line: ...``)."""

    files: dict[str, bytes]
    summaries: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def slug(text: str, taken: set[str], fallback: str = "item") -> str:
    """An id for text (lower case letters, digits, ``_`` or ``-``; at most 64), unique among ``taken``.

    Examples
    --------
    >>> taken = set()
    >>> slug("PD-1 inhibitors", taken), slug("PD-1  Inhibitors!", taken), slug("Ôcéan", taken)
    ('pd-1_inhibitors', 'pd-1_inhibitors-2', 'ocean')
    """
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    base = re.sub(r"[^a-z0-9_-]+", "_", ascii_).strip("_-")[:56] or fallback
    if not base[0].isalnum():
        base = f"{fallback}-{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


def _fit(text: str, limit: int) -> tuple[str, bool]:
    """Text cut to ``limit`` characters (with an ellipsis), and whether it was cut."""
    return (text, False) if len(text) <= limit else (text[: limit - 1].rstrip() + "…", True)


def _csv(header: list[str], rows: list[Mapping]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if row.get(col) is None else str(row.get(col)) for col in header])
    return out.getvalue().encode("utf-8")


def _where(m: Map, line: int) -> str:
    return f"{Path(m.name).name}:{line}" if line else Path(m.name).name


def dataset_files(maps: list[Map], *, today: str, spread: bool = False) -> Imported:
    """The files of a dataset holding ``maps`` (one view each), with what was read, written and dropped.

    ``today`` is the import date for the sources (``YYYY-MM-DD``). A map with positions gets the layout
    ``manual`` (as drawn, scaled to our labels), or ``manual-spread`` with ``spread`` (overlaps pushed apart).
    """
    from viz import style
    from viz.data import TABLES
    from viz.paths import SCAFFOLD_DIR

    descriptor = json.loads((SCAFFOLD_DIR / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}
    out = Imported({})
    note = out.notices.append
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    ids: dict[str, set[str]] = {t: set() for t in ("concepts", "categories", "relation_types", "views", "sources")}
    by_label: dict[str, tuple[str, int]] = {}  # concept label -> (id, index of the file it came from)
    concept_rows: dict[str, dict] = {}
    categories: dict[str, dict] = {}  # label -> row
    verbs: dict[str, dict] = {}  # verb -> row
    relations: dict[tuple, tuple[dict, str]] = {}
    palette = [c for c in style.OKABE_ITO]
    rows["topics"].append({"id": "imported", "title": "Imported maps", "order": 1})

    def category(label: str, colour: str | None, where: str) -> str:
        label, cut = _fit(clean_text(label) or "Concept", CATEGORY_LABEL)
        if label in categories:
            return categories[label]["id"]
        if cut:
            note(f"{where}: the group name was cut to {CATEGORY_LABEL} characters: '{label}'")
        used = {r["colour"].lower() for r in categories.values()}
        free = [c for c in palette if c.lower() not in used] or palette
        row = {
            "id": slug(label, ids["categories"], "category"),
            "label": label,
            "colour": colour if colour and re.fullmatch(r"#[0-9a-f]{6}", colour) else free[0],
            "shape": SHAPES[len(categories) % len(SHAPES)],
            "description": _fit(f"Grouped as '{label}' in {where.split(':')[0]}.", 200)[0],
            "order": len(categories) + 1,
        }
        categories[label] = row
        return row["id"]

    for index, m in enumerate(maps):
        name = Path(m.name).name
        source = slug(f"file-{Path(name).stem}", ids["sources"], "file")
        rows["sources"].append(
            {
                "id": source,
                "kind": "other",
                "citation": _fit(
                    f"The file {name}, imported on {today}. Not a source: replace it with the sources "
                    "the map was made from.",
                    300,
                )[0],
                "link": "",
            }
        )
        view = slug(Path(name).stem, ids["views"], "map")
        members: dict[str, Concept] = {}
        own: dict[str, str] = {}  # the file's key -> concept id
        for c in m.concepts:
            where = _where(m, c.line)
            label, cut = _fit(c.label or c.key, LABEL)
            text = clean_text(c.text)
            if cut:
                note(f"{where}: the label was cut to {LABEL} characters; the whole of it is the concept's summary")
                text = clean_text(f"{c.label}. {text}")
            earlier = by_label.get(label)
            if earlier and earlier[1] != index and earlier[0] not in own.values():
                cid = earlier[0]
                note(f"{where}: '{label}' is also in {Path(maps[earlier[1]].name).name}: one concept, on both maps")
                row = concept_rows[cid]
                row["sources"] = f"{row['sources']}; {source}"
            else:
                cid = slug(label, ids["concepts"], "concept")
                by_label.setdefault(label, (cid, index))
                group = m.groups.get(c.group or "")
                if group is not None:
                    cat = category(group.label, group.colour, where)
                elif c.colour:
                    cat = category(f"Colour {c.colour}", c.colour, where)
                else:
                    cat = category("Concept", None, where)
                summary, rest = _fit(text, SUMMARY) if text else (f"No summary yet: imported from {name}.", False)
                detail = ""
                if rest:
                    detail = _fit(text, DETAIL)[0]
                    if len(text) > DETAIL:
                        note(f"{where}: the text of '{label}' was cut to {DETAIL} characters")
                row = {
                    "id": cid,
                    "label": label,
                    "category": cat,
                    "summary": summary,
                    "detail": detail,
                    "aliases": "",
                    "sources": source,
                }
                concept_rows[cid] = row
                rows["concepts"].append(row)
            own[c.key] = cid
            members[cid] = c
        for k in m.links:
            where = _where(m, k.line)
            a, b = own[k.source], own[k.target]
            if a == b:
                note(f"{where}: a link from '{concept_rows[a]['label']}' to itself (a relation joins two concepts)")
                continue
            verb = clean_text(k.verb) or NO_VERB
            if verb not in verbs:
                label, cut = _fit(verb, VERB)
                if cut:
                    note(f"{where}: the verb '{verb}' was cut to {VERB} characters; the whole of it is in each note")
                similar = [v for v in verbs if v.casefold() == verb.casefold() or slug(v, set()) == slug(verb, set())]
                rid = slug(label, ids["relation_types"], "relation")
                if similar:
                    note(
                        f"{where}: '{verb}' and '{similar[0]}' are kept as two relation types ({rid}, "
                        f"{verbs[similar[0]]['id']}); merge them by hand if they mean the same"
                    )
                verbs[verb] = {
                    "id": rid,
                    "label": label,
                    "directed": "false",
                    "line": "solid",
                    "arrow": "none",
                    "description": _fit(f"'{verb}', as written in {name}.", 200)[0],
                }
            rtype = verbs[verb]
            if k.directed:
                rtype["directed"], rtype["arrow"] = "true", "arrow"
            key = (a, rtype["id"], b)
            if key in relations:
                note(
                    f"{where}: a second link '{concept_rows[a]['label']} {verb} {concept_rows[b]['label']}', "
                    f"the same as {relations[key][1]}: kept once"
                )
                continue
            text = _fit(f"{concept_rows[a]['label']} {verb} {concept_rows[b]['label']}, as drawn in {name}.", NOTE)[0]
            row = {"from": a, "relation": rtype["id"], "to": b, "note": text, "sources": source}
            relations[key] = (row, where)
            rows["relations"].append(row)
        positioned = m.positioned
        title = _fit(m.title or Path(name).stem, TITLE)[0]
        linked = sum(1 for r in rows["relations"] if r["sources"] == source)
        rows["views"].append(
            {
                "id": view,
                "title": title,
                "intro": _fit(
                    f"Imported from {name}: {len(members)} concepts and {linked} links"
                    f"{', placed as drawn there' if positioned else ''}.",
                    600,
                )[0],
                "topic": "imported",
                "layout": ("manual-spread" if spread else "manual") if positioned else "force",
                "selection": "listed",
                "connected": "false",
                "replay": "false",
                "hide_relations": "",
                "order": index + 1,
            }
        )
        for cid, c in members.items():
            place = {"x": f"{c.x:.1f}", "y": f"{c.y:.1f}"} if positioned else {}
            rows["view_concepts"].append({"view": view, "concept": cid, "step": 1, "rank": "", **place})
        rows["steps"].append({"view": view, "step": 1, "caption": f"The map as drawn in {name}."})
        for d in m.dropped:
            note(f"{_where(m, d.line)}: {d.what}")
        cats = {concept_rows[cid]["category"] for cid in members}
        if positioned and not spread:
            crowded = _overlapping(
                members,
                {cid: categories_by_id(categories)[concept_rows[cid]["category"]]["shape"] for cid in members},
                {cid: concept_rows[cid]["label"] for cid in members},
            )
            if crowded:
                note(
                    f"{name}: {crowded} pairs of concepts overlap as drawn, at the size of our labels: import with "
                    "--spread (or set the view's layout to manual-spread in views.csv) to push them apart"
                )
        out.summaries.append(
            f"{len(members)} concepts, {linked} relation{'' if linked == 1 else 's'}, "
            f"{len(cats)} categor{'y' if len(cats) == 1 else 'ies'} "
            f"from {name}; {'positions kept' if positioned else 'no positions: laid out by immunoviz'}"
        )
    rows["categories"] = list(categories.values())
    rows["relation_types"] = list(verbs.values())
    names = [Path(m.name).name for m in maps]
    descriptor["name"] = slug(Path(names[0]).stem, set(), "imported") if len(maps) == 1 else "imported-maps"
    descriptor["title"] = _fit(maps[0].title or Path(names[0]).stem, 120)[0] if len(maps) == 1 else "Imported maps"
    descriptor["description"] = f"Concept maps imported by `immunoviz import` from {', '.join(names)}."
    degree: dict[str, int] = {}
    for r in rows["relations"]:
        for end in (r["from"], r["to"]):
            degree[end] = degree.get(end, 0) + 1
    best = max(rows["concepts"], key=lambda r: (degree.get(r["id"], 0), r["label"]), default=None)
    descriptor["site"] = {
        "subtitle": _fit(f"Concept maps imported from {', '.join(names)}.", 300)[0],
        "disclaimer": "Educational material, not medical advice.",
        "searchExample": best["label"] if best else "",
        # one warning per stand-in source row (above) says what to replace; the per-row sourceKinds
        # warnings of our topic would repeat it for every concept and link, as for immunoviz new's example
        "checks": {"sourceKinds": False},
    }
    for table in TABLES:
        out.files[f"{table}.csv"] = _csv(fields[table], rows[table])
    out.files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return out


def categories_by_id(categories: Mapping[str, dict]) -> dict[str, dict]:
    return {row["id"]: row for row in categories.values()}


def _overlapping(members: Mapping[str, Concept], shapes: Mapping[str, str], labels: Mapping[str, str]) -> int:
    """How many pairs of concepts the manual layout would draw overlapping."""
    import networkx as nx

    from viz import layout

    g = nx.Graph()
    for cid, c in members.items():
        g.add_node(cid, label=labels[cid], shape=shapes[cid], place=(c.x, c.y))
    pos = layout.manual_layout(g)
    return len(layout.overlaps(pos, layout.node_boxes(g, layout.label_sides(g, pos))))


def view_map(ds, view: str) -> Map:
    """One view of a dataset as a :class:`~viz.interchange.model.Map`: its concepts where our page draws
    them (centres, in the layout's units) with the size of their chips, each in its category, and its
    relations with their verbs.

    Examples
    --------
    >>> from viz import data
    >>> m = view_map(data.load(), "cycle")
    >>> len(m.concepts) > 5 and m.positioned and all(k.verb for k in m.links)
    True
    """
    from viz import maps

    return net_map(ds, maps.view_map(ds, view), view)


def net_map(ds, net, view: str) -> Map:
    """A drawn map of a view (:func:`viz.maps.view_map`) as a :class:`~viz.interchange.model.Map`."""
    from viz import layout, style

    pal = style.palette(ds)
    types = ds.relation_types
    verbs = dict(zip(types["id"], types["label"], strict=True))
    directed = {i: str(d).lower() == "true" for i, d in zip(types["id"], types["directed"], strict=True)}
    m = Map(view, "immunoviz", title=str(ds.views.loc[view, "title"]))
    for n in net.nodes:
        cat = pal.categories[n["group"]]
        m.groups.setdefault(cat.id, Group(cat.id, cat.label, cat.colour))
        box = layout.label_box(n["label"], side="chip")
        m.concepts.append(
            Concept(n["id"], n["label"], group=cat.id, x=n["x"], y=n["y"], width=round(box.w), height=round(box.h))
        )
    for e in net.edges:
        m.links.append(Link(e["from"], e["to"], verbs.get(e["rel"], e["rel"]), directed=directed.get(e["rel"], True)))
    return m


IMPORT_NOTE = """
## Imported maps: what to do next

These tables were written by `immunoviz import` from {names}. Each file is a map (`views.csv`) and a row
of `sources.csv` of kind `other`, which every concept and relation made from it cites. **That row is not a
source**: it only says where the rows came from. Replace it, row by row, with the papers, guidelines or
pages the map was made from; `immunoviz validate` lists the rows that still cite only the file, the
most linked concepts first. Write a summary for each concept (the import leaves "No summary yet").
Verbs became relation types and groups or colours became categories: rename them in
`relation_types.csv` and `categories.csv`, and merge any that mean the same.
"""


def import_files(
    paths: list[Path], out: Path, *, force: bool = False, spread: bool = False, today: str | None = None
) -> Imported:
    """Read map files and write them as a new dataset in ``out`` (see :func:`dataset_files`).

    Every file is read before anything is written; a file that cannot be read raises
    :class:`~viz.interchange.model.FileError` and nothing is written. A folder that holds files is
    refused unless ``force``. The tables are validated before they replace anything.
    """
    import datetime

    from viz import data, interchange, tables
    from viz.paths import SCAFFOLD_DIR

    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not force)):
        raise FileExistsError(
            f"{out} is not an empty folder; choose a new one, or add --force to write the tables "
            "into it (files of the same names are replaced; nothing was written)"
        )
    maps = [interchange.read(p) for p in paths]
    today = today or datetime.date.today().isoformat()
    imported = dataset_files(maps, today=today, spread=spread)
    title = json.loads(imported.files["datapackage.json"])["title"]
    readme = tables.render_readme(SCAFFOLD_DIR, title=title)
    readme += IMPORT_NOTE.format(names=", ".join(f"`{Path(m.name).name}`" for m in maps))
    imported.files["README.md"] = readme.encode("utf-8")

    def check(stage: Path) -> None:
        problems = data.validate(stage)
        if problems:  # a bug of the import, not of the file: say so, and write nothing
            raise RuntimeError("the imported tables do not validate:\n" + "\n".join(str(p) for p in problems[:20]))

    tables.write_dataset(out, imported.files, replace=force, check=check)
    return imported
