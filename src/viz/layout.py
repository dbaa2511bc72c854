"""Positions for concept graphs: pure, seeded ``*_layout`` functions.

Every function takes a networkx graph and returns ``{node: (x, y)}`` in screen
units (y grows downwards, as on a canvas). The same graph and seed always give
the same positions, whatever the hash seed of the process.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import NamedTuple

import networkx as nx

__all__ = [
    "CANVAS",
    "LABEL_WIDTH",
    "SPACING",
    "Box",
    "circular_layout",
    "fit_scale",
    "force_layout",
    "label_box",
    "label_boxes",
    "layered_layout",
    "remove_overlaps",
    "view_layout",
]

Positions = dict[Hashable, tuple[float, float]]

#: Distance in screen units between neighbouring nodes; labels need room.
SPACING = 140.0
#: The map canvas a layout is shaped for: about what a 1280 x 800 projector or a laptop leaves for it.
CANVAS = (900.0, 620.0)
#: Labels wrap at this width (vis-network's widthConstraint), in screen units.
LABEL_WIDTH = 180.0


def view_layout(g: nx.Graph, *, seed: int = 7) -> Positions:
    """Positions for a view, by the layout its data asks for."""
    kind = g.graph.get("layout", "force")
    if kind == "layered":
        return layered_layout(g)
    if kind == "circular":
        return circular_layout(g, seed=seed)
    return force_layout(g, seed=seed)


def force_layout(g: nx.Graph, *, seed: int = 7, spacing: float = SPACING) -> Positions:
    """A seeded force-directed layout (igraph's Fruchterman-Reingold, fast in C).

    The same graph and seed always give the same positions.
    """
    import igraph as ig

    nodes = sorted(g.nodes, key=str)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted({tuple(sorted((index[a], index[b]))) for a, b in g.edges() if a != b})
    h = ig.Graph(n=len(nodes), edges=edges)
    ig.set_random_number_generator(random.Random(seed))
    try:
        big = len(nodes) >= 300  # igraph switches to its fast grid method only above 1,000 nodes
        coords = h.layout_fruchterman_reingold(niter=500 if big else 1000, grid="grid" if big else "nogrid").coords
    finally:
        ig.set_random_number_generator(random)
    pos = _rescale(dict(zip(nodes, coords, strict=True)), spacing)
    return remove_overlaps(pos, label_boxes(g))


def layered_layout(
    g: nx.Graph,
    *,
    rank: str = "rank",
    row_gap: float = 0.36 * SPACING,
    gap: float = 0.45 * SPACING,
    canvas: tuple[float, float] = CANVAS,
) -> Positions:
    """Columns by each node's ``rank`` attribute, left to right.

    Within a column, nodes are ordered to keep linked nodes level with each
    other (a few barycentre sweeps), ties broken by category and label, so the
    result is deterministic. Nodes without a rank go to column 0. Columns are
    as wide as their labels need, plus ``gap`` for the links. A tall column is
    folded into side-by-side sub-columns (in zig-zag order); how many rows a
    column may hold is chosen so that the whole map, fitted to a ``canvas``
    of that shape, shows its labels as large as possible.
    """
    columns: dict[int, list] = defaultdict(list)
    for n, r in g.nodes(data=rank):
        columns[int(r) if r is not None else 0].append(n)
    if not columns:
        return {}
    order = {
        c: sorted(ns, key=lambda n: (g.nodes[n].get("category", ""), g.nodes[n].get("label", str(n))))
        for c, ns in columns.items()
    }
    und = nx.Graph(g)
    keys = sorted(order)
    for _ in range(4):
        for direction in (keys[1:], keys[-2::-1]):
            for c in direction:
                placed = {n: i for k in keys if k != c for i, n in enumerate(order[k])}

                def centre(n, c=c, placed=placed):
                    near = [placed[m] for m in und.neighbors(n) if m in placed]
                    return sum(near) / len(near) if near else order[c].index(n)

                order[c] = sorted(order[c], key=lambda n, centre=centre: (centre(n), str(n)))
    boxes = label_boxes(g)
    tallest = max(len(ns) for ns in order.values())
    best: tuple[float, int, Positions] | None = None
    for max_rows in range(tallest, min(tallest, 4) - 1, -1):
        pos = _layered(und, keys, order, boxes, max_rows=max_rows, row_gap=row_gap, gap=gap)
        scale = fit_scale(pos, boxes, canvas)
        if best is None or scale > best[0] + 1e-9:
            best = (scale, max_rows, pos)
    return best[2]


def _layered(und, keys, order, boxes, *, max_rows: int, row_gap: float, gap: float) -> Positions:
    """Place ordered columns, folding any column longer than ``max_rows``.

    Folded columns and the fullest column are stacked evenly (each node as far
    below the one above as their label boxes need); the others, sweeping
    outwards from the fullest, sit level with the mean of their placed
    neighbours, in order and without overlapping.
    """

    def apart(a, b) -> float:  # how far below a node b must sit to keep both labels clear
        return max(row_gap, boxes[a].dy - boxes[b].dy + (boxes[a].h + boxes[b].h) / 2 + 10.0)

    folds = {c: max(1, math.ceil(len(order[c]) / max_rows)) for c in keys}
    y: dict = {}
    sub: dict = {}
    widest = max(keys, key=lambda c: (math.ceil(len(order[c]) / folds[c]), -c))
    for c in keys:
        if folds[c] == 1 and c != widest:
            continue
        f = folds[c]
        for j in range(f):  # each sub-column a stack, offset a little from its left neighbour (zig-zag)
            stack = order[c][j::f]
            ys = [0.0]
            for prev, n in itertools.pairwise(stack):
                ys.append(ys[-1] + apart(prev, n))
            shift = -ys[-1] / 2 + j * row_gap / f
            y.update({n: v + shift for n, v in zip(stack, ys, strict=True)})
            sub.update(dict.fromkeys(stack, j))
    sweep = [c for c in keys if c > widest] + [c for c in sorted(keys, reverse=True) if c < widest]
    for c in sweep:
        col = order[c]
        if col[0] in y:
            continue
        want = []
        for n in col:
            near = [y[m] for m in und.neighbors(n) if m in y]
            want.append(sum(near) / len(near) if near else None)
        fallback = [(i - (len(col) - 1) / 2) * row_gap for i in range(len(col))]
        want = [w if w is not None else f for w, f in zip(want, fallback, strict=True)]
        placed = [want[0]]
        for i in range(1, len(col)):  # keep the order, keep labels clear of each other
            placed.append(max(want[i], placed[-1] + apart(col[i - 1], col[i])))
        shift = sum(w - p for w, p in zip(want, placed, strict=True)) / len(col)
        y.update({n: p + shift for n, p in zip(col, placed, strict=True)})
        sub.update(dict.fromkeys(col, 0))
    pos: Positions = {}
    x = 0.0
    previous = 0.0
    for c in keys:
        width = max(boxes[n][0] for n in order[c])
        x += (previous + width) / 2 + (gap if pos else 0.0)
        for n in order[c]:
            pos[n] = (x + sub[n] * (width + gap / 2), y[n])
        x += (folds[c] - 1) * (width + gap / 2)
        previous = width
    return {n: (round(px, 1), round(py, 1)) for n, (px, py) in pos.items()}


def fit_scale(pos: Positions, boxes: Mapping, canvas: tuple[float, float] = CANVAS) -> float:
    """The zoom at which vis-network's "fit" shows ``pos`` with their label boxes on ``canvas``.

    Labels are drawn at ``font size x scale`` pixels, so this says how readable a
    layout is on a screen of that size (capped at 1: fit never enlarges past it).
    """
    if not pos:
        return 1.0
    left = min(x - boxes[n].w / 2 for n, (x, _) in pos.items())
    right = max(x + boxes[n].w / 2 for n, (x, _) in pos.items())
    top = min(y + boxes[n].dy - boxes[n].h / 2 for n, (_, y) in pos.items())
    bottom = max(y + boxes[n].dy + boxes[n].h / 2 for n, (_, y) in pos.items())
    return min(1.0, canvas[0] / max(right - left, 1.0), canvas[1] / max(bottom - top, 1.0))


def circular_layout(
    g: nx.Graph,
    *,
    rank: str = "rank",
    seed: int = 7,
    spacing: float = SPACING,
    aspect: float | None = None,
) -> Positions:
    """Ranked nodes on a ring in rank order, clockwise from the top; the rest outside.

    The ring is stretched into an ellipse ``aspect`` times as wide as it is tall
    (by default the shape of :data:`CANVAS`), so that it fills a landscape
    screen; ``aspect=1`` draws a circle.

    Each unranked node sits on an outer ring at the mean angle of the ranked
    nodes it is linked to, so a therapy lands beside the step where it acts.
    """
    ranked = sorted((n for n, r in g.nodes(data=rank) if r is not None), key=lambda n: (g.nodes[n][rank], str(n)))
    others = sorted((n for n, r in g.nodes(data=rank) if r is None), key=str)
    if not ranked:
        return force_layout(g, seed=seed, spacing=spacing)
    radius = max(2.5 * spacing, len(ranked) * 1.5 * spacing / (2 * math.pi))
    angle = {n: -math.pi / 2 + 2 * math.pi * i / len(ranked) for i, n in enumerate(ranked)}
    pos: Positions = {n: (radius * math.cos(a), radius * math.sin(a)) for n, a in angle.items()}
    und = nx.Graph(g)
    # a node linked to most of the ring (such as the cycle itself) is its hub: put it in the middle
    hubs = [n for n in others if sum(m in angle for m in und.neighbors(n)) >= 0.6 * len(ranked)]
    for i, n in enumerate(hubs):
        pos[n] = (0.0, (i - (len(hubs) - 1) / 2) * 0.6 * spacing)
    others = [n for n in others if n not in hubs]
    wanted: dict = {}
    for i, n in enumerate(others):
        near = [angle[m] for m in und.neighbors(n) if m in angle]
        if near:
            wanted[n] = math.atan2(sum(map(math.sin, near)), sum(map(math.cos, near)))
        else:  # linked only to other outer nodes: spread them evenly for now
            wanted[n] = -math.pi / 2 + 2 * math.pi * (i + 0.5) / max(len(others), 1)
    outer = sorted(others, key=lambda n: (wanted[n] % (2 * math.pi), str(n)))
    rings = max(1, math.ceil(len(outer) * spacing / (2 * math.pi * (radius + 1.4 * spacing))))
    for i, n in enumerate(outer):
        r = radius + spacing * (1.4 + 0.9 * (i % rings))
        pos[n] = (r * math.cos(wanted[n]), r * math.sin(wanted[n]))
    stretch = math.sqrt(CANVAS[0] / CANVAS[1] if aspect is None else aspect)
    pos = {n: (x * stretch, y / stretch) for n, (x, y) in pos.items()}
    boxes = label_boxes(g)
    return remove_overlaps(pos, boxes, fixed=set(ranked) | set(hubs))


class Box(NamedTuple):
    """A node with its label, in screen units: width, height, and how far the box's
    centre lies below the node's position (a label drawn under a glyph hangs down)."""

    w: float
    h: float
    dy: float = 0.0


def label_box(
    label: str, *, font: float = 15.0, max_width: float = LABEL_WIDTH, inside: bool = False, size: float = 14.0
) -> Box:
    """Approximate extent of a node and its label.

    Labels wrap at ``max_width`` (the map's ``widthConstraint``). ``inside`` is
    for shapes that hold their label (a box); the others draw a glyph of radius
    ``size`` with the label below it.
    """
    text = 0.52 * font * len(label)
    lines = max(1, math.ceil(text / max_width))
    width = max(40.0, min(text, max_width) + 18.0)
    if inside:
        return Box(width, 1.3 * font * lines + 18.0)
    below = 6.0 + 1.3 * font * lines  # the label, under the glyph
    return Box(max(width, 2 * size), 2 * size + below, below / 2)


def label_boxes(g: nx.Graph, *, font: float = 15.0) -> dict:
    """:func:`label_box` of every node, from its ``label`` and ``shape`` attributes."""
    from viz.style import SHAPES_WITH_LABEL_INSIDE

    return {
        n: label_box(a.get("label", str(n)), font=font, inside=a.get("shape") in SHAPES_WITH_LABEL_INSIDE)
        for n, a in g.nodes(data=True)
    }


def remove_overlaps(
    pos: Positions,
    boxes: Mapping,
    *,
    pad: float = 12.0,
    fixed: set | frozenset = frozenset(),
    rounds: int = 300,
    max_nodes: int = 400,
) -> Positions:
    """Push apart nodes whose label boxes overlap, along the axis of least overlap.

    Deterministic (simultaneous updates, ties broken by node order). Nodes in
    ``fixed`` stay put. Graphs above ``max_nodes`` are returned unchanged: at that
    size a reader zooms in anyway, and the pairwise passes, which seldom settle on
    a dense graph, would take most of the build (12 s at 1,000 nodes).
    """
    import numpy as np

    nodes = sorted(pos, key=str)
    if len(nodes) < 2 or len(nodes) > max_nodes:
        return {n: (round(pos[n][0], 1), round(pos[n][1], 1)) for n in pos}
    wh = np.array([boxes[n][:2] for n in nodes], dtype=float)
    drop = np.array([[0.0, boxes[n][2] if len(boxes[n]) > 2 else 0.0] for n in nodes])
    xy = np.array([pos[n] for n in nodes], dtype=float) + drop  # the centres of the boxes
    free = np.array([n not in fixed for n in nodes], dtype=float)
    # of the push that separates i and j, i takes its share: half if both may move, all if j is fixed
    weight = free[:, None] / np.maximum(free[:, None] + free[None, :], 1e-9)
    need_x = (wh[:, 0][:, None] + wh[:, 0][None, :]) / 2 + pad
    need_y = (wh[:, 1][:, None] + wh[:, 1][None, :]) / 2 + pad
    order = np.arange(len(nodes))
    tie = np.sign(order[None, :] - order[:, None]).astype(float)  # j after i: i moves left/up
    for _ in range(rounds):
        dx = xy[None, :, 0] - xy[:, None, 0]
        dy = xy[None, :, 1] - xy[:, None, 1]
        ox = need_x - np.abs(dx)
        oy = need_y - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        sx = np.where(dx != 0, np.sign(dx), tie)
        sy = np.where(dy != 0, np.sign(dy), tie)
        along_x = hit & (ox <= oy)
        along_y = hit & (ox > oy)
        move_x = -(np.where(along_x, ox * sx, 0.0) * weight).sum(axis=1)
        move_y = -(np.where(along_y, oy * sy, 0.0) * weight).sum(axis=1)
        xy += 0.8 * np.stack([move_x, move_y], axis=1)
    xy -= drop
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(nodes, xy, strict=True)}


def _rescale(coords: Mapping, spacing: float) -> Positions:
    """Scale raw layout coordinates so that linked nodes sit about ``spacing`` apart."""
    xs = [c[0] for c in coords.values()]
    ys = [c[1] for c in coords.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    target = spacing * math.sqrt(len(coords)) * 1.1
    k = target / extent
    return {n: (round((x - cx) * k, 1), round((y - cy) * k, 1)) for n, (x, y) in coords.items()}
