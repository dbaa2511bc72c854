"""One drawing per view: the layout its data asks for, with everything a page needs to draw it (label
sides, bowed edges, wrap width, hubs), cached by graph, seed and code."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from viz.layout.circular import circular_layout
from viz.layout.force import force_layout
from viz.layout.labels import BIG, HUBS, Positions, hubs, label_sides, node_boxes, wrap_width
from viz.layout.layered import layered_layout
from viz.layout.manual import manual_layout
from viz.layout.measure import edge_curves, fit_scale, readability
from viz.layout.route import edge_shapes

__all__ = ["Drawing", "view_layout"]


@dataclass(frozen=True)
class Drawing:
    """A view as the layout draws it: what :func:`viz.maps.concept_map` needs besides the graph.

    Attributes
    ----------
    pos
        ``{node: (x, y)}`` in layout units (y grows downwards).
    sides
        ``{node: side}``: where each label goes (:data:`viz.layout.SIDES`, :func:`viz.layout.label_sides`).
    curves
        ``{(a, b): smooth option}``: the edges not drawn straight, as vis-network's ``smooth`` options or a
        kind alone (``"curvedCW"``, bowed with :data:`viz.layout.ROUNDNESS`): the bows of
        :func:`viz.layout.edge_curves`, and on a layered or circular map the edges routed round chips
        (:func:`viz.layout.edge_shapes`).
    wrap
        Where the labels wrap, in layout units (:func:`viz.layout.wrap_width`).
    hubs
        On a map too big to label whole, the nodes labelled when it opens, best linked first
        (:func:`viz.layout.hubs`); otherwise empty.
    """

    pos: Positions
    sides: dict
    curves: dict
    wrap: float
    hubs: list


def view_layout(g: nx.Graph, *, seed: int = 7) -> Drawing:
    """The :class:`Drawing` of a view, by the layout its data asks for (``g.graph["layout"]``), for the
    edges it draws (hidden link types left out: :func:`viz.graph.drawn`).

    A graph laid out before (the same nodes, edges and attributes, the same seed and immunoviz) is
    taken from the cache (:mod:`viz.cache`): the layouts are seeded, so that gives the same drawing.

    Examples
    --------
    >>> import networkx as nx
    >>> from viz import layout
    >>> g = nx.MultiDiGraph(layout="layered")
    >>> g.add_node("pd1", label="PD-1", rank=1)
    >>> g.add_node("pdl1", label="PD-L1", rank=0)
    >>> g.add_edge("pdl1", "pd1")
    0
    >>> drawing = layout.view_layout(g)
    >>> drawing.pos["pdl1"][0] < drawing.pos["pd1"][0], drawing.sides["pd1"], drawing.hubs
    (True, 'chip', [])
    """
    from viz import cache
    from viz.graph import drawn

    g = drawn(g)
    return cache.cached(_view_layout_cached, g, seed, _graph_key(g, seed), ignore=["g"])


def _graph_key(g: nx.Graph, seed: int) -> str:
    """Everything a layout of ``g`` depends on, hashed: its nodes, edges and attributes, the seed, the code."""
    import json

    from viz import cache

    def text(x) -> str:
        return json.dumps(x, sort_keys=True, default=repr)

    parts = [cache.code_fingerprint(*cache.LAYOUT_CODE), type(g).__name__, str(seed), text(g.graph)]
    parts += [text([str(n), a]) for n, a in sorted(g.nodes(data=True), key=lambda t: str(t[0]))]
    parts += sorted(text([str(a), str(b), d]) for a, b, d in g.edges(data=True))
    return cache.fingerprint(parts)


def _view_layout_cached(g: nx.Graph, seed: int, key: str) -> Drawing:  # joblib keys the cache on these
    pos = _positions(g, seed)
    sides = label_sides(g, pos)
    width = wrap_width(g)
    boxes = node_boxes(g, sides, width=width)
    curves = edge_curves(g, pos, boxes)
    if g.graph.get("layout") in ("layered", "circular"):  # no edge under a chip it does not end at
        curves = edge_shapes(g, pos, boxes, curves, px=fit_scale(pos, boxes))
    return Drawing(
        pos=pos,
        sides=sides,
        curves=curves,
        wrap=width,
        hubs=hubs(g, HUBS) if len(g) > BIG else [],
    )


def _positions(g: nx.Graph, seed: int) -> Positions:
    """The positions of the layout ``g`` asks for."""
    kind = g.graph.get("layout", "force")
    if kind == "layered":
        return layered_layout(g, seed=seed)
    if kind == "circular":
        return circular_layout(g, seed=seed)
    if kind in ("manual", "manual-spread"):  # as drawn in the file it was imported from
        return manual_layout(g, spread=kind == "manual-spread")
    if len(g) > BIG:  # a map to zoom into: each kind of concept in a region of its own
        return force_layout(g, seed=seed, group="category", pull=8)
    # a story: of a few drawings (some with each step's concepts held together a little), the one that
    # reads best: whole at 12 px, then the most steps at 18 px, then the fewest crossings
    if not g.graph.get("steps"):
        return force_layout(g, seed=seed, tries=8)
    drawings = [force_layout(g, seed=seed, tries=8), force_layout(g, seed=seed, group="step", pull=1, tries=8)]
    return max(drawings, key=lambda pos: readability(g, pos))
