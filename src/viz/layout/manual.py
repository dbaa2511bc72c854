"""Hand-placed maps: the positions a file drew (``view_concepts.csv`` ``x``/``y``), scaled to our chips.

A map drawn in CmapTools, Obsidian, yEd or Gephi has positions in that tool's units, for that tool's
boxes. :func:`manual_layout` keeps the drawing and changes only its scale, so that our labels sit as
far apart, for their size, as the tool's did: the scale at which three concepts in four clear every
other. Overlaps left at that scale stay, as drawn, unless the view asks for them to be pushed apart
(layout ``manual-spread``: :func:`~viz.layout.force.remove_overlaps`, the force layout's).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx
import numpy as np

from viz.layout.force import remove_overlaps
from viz.layout.labels import Positions, label_sides, node_boxes

__all__ = ["PLACE", "clear_scale", "manual_layout"]

#: The node attribute that holds a concept's position as drawn (:func:`viz.graph.view_graph` sets it).
PLACE = "place"
#: Room kept between two chips at the scale a drawing is given, as the force layout keeps.
PAD = 10.0


def clear_scale(pos: Positions, boxes: Mapping, *, pad: float = PAD, share: float = 0.75) -> float:
    """The scale at which ``share`` of the nodes' boxes clear every other box (1.0 for fewer than two nodes).

    For each node, the smallest factor by which the drawing must grow for its box to overlap no other
    (a pair clears once it is apart along either axis); of those, the one that clears ``share`` of the
    nodes, so that a few nodes drawn on top of each other do not blow the whole map up.

    Examples
    --------
    >>> from viz.layout import Box
    >>> boxes = {"a": Box(100, 20), "b": Box(100, 20)}
    >>> clear_scale({"a": (0, 0), "b": (55, 0)}, boxes)  # 110 apart clears them: twice as wide
    2.0
    """
    nodes = sorted(pos, key=str)
    if len(nodes) < 2:
        return 1.0
    xy = np.array([pos[n] for n in nodes], dtype=float)
    wh = np.array([boxes[n][:2] for n in nodes], dtype=float)
    need_x = (wh[:, 0][:, None] + wh[:, 0][None, :]) / 2 + pad
    need_y = (wh[:, 1][:, None] + wh[:, 1][None, :]) / 2 + pad
    dx = np.abs(xy[:, None, 0] - xy[None, :, 0])
    dy = np.abs(xy[:, None, 1] - xy[None, :, 1])
    with np.errstate(divide="ignore"):
        pair = np.minimum(np.where(dx > 0, need_x / dx, np.inf), np.where(dy > 0, need_y / dy, np.inf))
    np.fill_diagonal(pair, 0.0)
    each = pair.max(axis=1)
    finite = [float(v) for v in each if np.isfinite(v)]
    if not finite:
        return 1.0
    finite.sort()
    return round(finite[min(len(finite) - 1, math.ceil(share * len(finite)) - 1)], 6)


def manual_layout(g: nx.Graph, *, spread: bool = False) -> Positions:
    """Positions as drawn (each node's :data:`PLACE`), scaled to our chips and centred; with ``spread``,
    overlapping chips are then pushed apart.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("a", label="Cells", place=(0.0, 0.0))
    >>> g.add_node("b", label="Tissues", place=(10.0, 0.0))
    >>> g.add_node("c", label="Organs", place=(0.0, 10.0))
    >>> pos = manual_layout(g)
    >>> pos["a"][0] < pos["b"][0] and pos["a"][1] < pos["c"][1]  # as drawn, left to right, top to bottom
    True
    """
    drawn = {n: tuple(map(float, g.nodes[n][PLACE])) for n in g.nodes}
    if not drawn:
        return {}
    boxes = node_boxes(g, label_sides(g, drawn))
    scale = clear_scale(drawn, boxes)
    xs, ys = [p[0] for p in drawn.values()], [p[1] for p in drawn.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    pos = {n: (round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for n, (x, y) in drawn.items()}
    return remove_overlaps(pos, boxes) if spread else pos
