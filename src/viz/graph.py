"""Tables -> networkx graphs. Pure functions.

- :func:`concept_graph` the whole dataset as a ``networkx.MultiDiGraph``;
- :func:`view_graph` the part of it one map shows, with the story steps.

Where the nodes go is :mod:`viz.layout`'s business.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from viz.queries import first_years

__all__ = ["concept_graph", "drawn", "view_graph", "view_ids"]


def concept_graph(ds) -> nx.MultiDiGraph:
    """Return every concept as a node and every relation as an edge.

    Node attributes are the columns of ``concepts.csv`` (``label``, ``category``,
    ``summary``, ``detail``, ``aliases``, ``sources`` and any a course author adds),
    plus ``shape`` (the category's) and ``first_year`` (the year of the earliest
    event that concerns it, or ``None``). Edge keys are relation type ids; edge
    attributes are the other columns of ``relations.csv`` (``relation``, ``note``,
    ``sources``, ...). Empty cells are ``None`` and lists are tuples.

    Examples
    --------
    >>> from viz import data, graph
    >>> g = graph.concept_graph(data.load())
    >>> g.nodes["pd1"]["label"]
    'PD-1'
    """
    years = first_years(ds)
    shapes = ds.categories["shape"].astype(str).to_dict()
    g = nx.MultiDiGraph(version=ds.version, **_site_attrs(ds))
    for row in ds.concepts.sort_values("id").to_dict("records"):
        attrs = {k: _plain(v) for k, v in row.items() if k != "id"}
        attrs.update(shape=shapes.get(attrs["category"], "dot"), first_year=years.get(row["id"]))
        g.add_node(row["id"], **attrs)
    for row in ds.relations.sort_values(["from", "relation", "to"]).to_dict("records"):
        rel = str(row["relation"])
        attrs = {k: _plain(v) for k, v in row.items() if k not in ("from", "to", "relation")}
        g.add_edge(row["from"], row["to"], key=rel, relation=rel, **attrs)
    return g


def _site_attrs(ds) -> dict:
    """What every map of a dataset says besides its own content: the site's notice and search example."""
    site = getattr(ds, "site", {})
    return {"disclaimer": site.get("disclaimer"), "search_example": site.get("search_example", "")}


def _plain(value):
    """A table cell as a graph attribute: lists as tuples, empty cells as ``None``."""
    if isinstance(value, list | tuple):
        return tuple(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value if isinstance(value, str | int | float | bool) else str(value)


def drawn(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph without the edges its view does not draw: ``g`` itself, or a frozen copy without them (a
    copy, not a filtered view: the layouts walk its edges thousands of times)."""
    hidden = [(a, b, k) for a, b, k, h in g.edges(keys=True, data="hidden") if h]
    if not hidden:
        return g
    h = g.copy()
    h.remove_edges_from(hidden)
    return nx.freeze(h)


def view_ids(ds) -> list[str]:
    """The view ids in site order."""
    return list(ds.views["id"])


def view_graph(ds, view: str, *, graph: nx.MultiDiGraph | None = None) -> nx.MultiDiGraph:
    """Return the part of the concept graph that one view shows.

    The graph attributes hold the view's ``title``, ``intro``, ``layout``,
    ``topic``, ``replay`` flag, ``hide_relations`` and ``steps`` (a list of
    captions, step 1 first). Each node gets its ``step`` (when it appears in the
    story), ``rank`` (its column or ring position, or ``None``) and, when the optional
    ``skeleton`` column marks it, ``skeleton=True``, and, where the optional ``x`` and ``y`` columns
    place it, ``place=(x, y)``; an edge of a
    relation type the view hides gets ``hidden=True`` (see :func:`drawn`).
    """
    if view not in set(ds.views["id"]):
        raise KeyError(f"no view {view!r}; the views are {', '.join(view_ids(ds))}")
    spec = ds.views.loc[view]
    full = graph if graph is not None else concept_graph(ds)
    members = ds.view_concepts[ds.view_concepts["view"] == view]
    steps = ds.steps[ds.steps["view"] == view].sort_values("step")
    if spec["selection"] == "all":
        nodes = sorted(full.nodes)
        step_of = dict.fromkeys(nodes, 1)  # a map of everything tells no story unless steps.csv gives it one
        rank_of: dict[str, int | None] = dict.fromkeys(nodes)
    else:
        nodes = sorted(members["concept"])
        step_of = dict(zip(members["concept"], (int(s) for s in members["step"]), strict=True))
        rank_of = {
            c: (None if pd.isna(r) else int(r)) for c, r in zip(members["concept"], members["rank"], strict=True)
        }
    g = nx.MultiDiGraph(full.subgraph(nodes))
    hidden = spec.get("hide_relations")  # optional: a schema without the column has none
    hide = set(hidden) if isinstance(hidden, tuple | list) else set()
    for _, _, key, attrs in g.edges(keys=True, data=True):
        if key in hide:
            attrs["hidden"] = True  # not drawn on this map; the panel and the text version still list it
    # the concepts a build-from-a-skeleton exercise starts from (an optional column: viz.exercise.skeleton)
    marked = set(members["concept"][members["skeleton"].astype(bool)]) if "skeleton" in members else set()
    # where a hand-drawn map placed each concept (the optional x and y columns: a manual layout)
    placed = {}
    if {"x", "y"} <= set(members.columns):
        where = zip(members["concept"], members["x"], members["y"], strict=True)
        placed = {c: (float(x), float(y)) for c, x, y in where if not (pd.isna(x) or pd.isna(y))}
    for n in g.nodes:
        g.nodes[n]["step"] = step_of.get(n, 1)
        g.nodes[n]["rank"] = rank_of.get(n)
        if n in marked:
            g.nodes[n]["skeleton"] = True
        if n in placed:
            g.nodes[n]["place"] = placed[n]
    captions = list(steps["caption"])
    g.graph.update(
        id=view,
        title=spec["title"],
        intro=spec["intro"],
        topic=spec["topic"],
        layout=str(spec["layout"]),
        replay=bool(spec["replay"]),
        hide_relations=sorted(hide),
        steps=captions,
        version=ds.version,
        **_site_attrs(ds),
    )
    return g
