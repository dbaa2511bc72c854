"""Force-directed layouts: igraph's Fruchterman-Reingold, seeded, then overlap removal on the boxes of
the nodes and their labels."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

import networkx as nx
import numpy as np

from viz.layout.labels import BIG, CANVAS, Positions, label_sides, node_boxes
from viz.layout.measure import readability

__all__ = ["force_layout", "remove_overlaps"]


def _seeded(seed: int):
    """igraph's random numbers from ``random.Random(seed)`` for the block (igraph keeps one global generator)."""
    import contextlib

    import igraph as ig

    @contextlib.contextmanager
    def block():
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield ig
        finally:
            ig.set_random_number_generator(random)

    return block()


#: Force layouts run in a box ``FR_BOX * sqrt(nodes)`` units across (shaped like the screen), then are
#: turned level and stretched toward ``FR_WIDEN`` times the screen's aspect: overlap removal then pushes
#: the wide label chips apart mostly up and down, which brings the drawing back to about the screen's shape.
FR_BOX, FR_WIDEN = 1.5, 1.7


def force_layout(
    g: nx.Graph,
    *,
    seed: int = 7,
    spacing: float = 95.0,
    group: str | None = None,
    pull: int = 3,
    tries: int = 1,
) -> Positions:
    """A seeded force-directed layout (igraph's Fruchterman-Reingold, fast in C), then overlap removal
    on the boxes of the nodes and their labels.

    With ``group`` (a node attribute such as ``"category"``), nodes of a group are held together: each
    group gets an unseen anchor linked ``pull`` times to its members, so the map falls into regions.
    With ``tries`` above 1, seeds ``seed, seed + 1, ...`` are drawn and the most readable drawing wins
    (:func:`readability`). The same graph and seed always give the same positions.
    """
    nodes = sorted(g.nodes, key=str)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted({tuple(sorted((index[a], index[b]))) for a, b in g.edges() if a != b})
    anchors = sorted({str(a) for _, a in g.nodes(data=group)}) if group else []
    for k, name in enumerate(anchors):
        members = [index[n] for n in nodes if str(g.nodes[n].get(group)) == name]
        edges += [(m, len(nodes) + k) for m in members] * pull
    # a landscape screen: wider than tall (a big map, under its year bar, more so)
    stretch = math.sqrt(CANVAS[0] / CANVAS[1] * (1.3 if len(nodes) > BIG else 1.0))
    best: tuple | None = None
    for attempt in range(tries):
        with _seeded(seed + attempt) as ig:
            h = ig.Graph(n=len(nodes) + len(anchors), edges=edges)
            big = len(nodes) >= 300  # igraph switches to its fast grid method only above 1,000 nodes
            half = [math.sqrt(h.vcount() * stretch**2) * FR_BOX, math.sqrt(h.vcount() / stretch**2) * FR_BOX]
            coords = h.layout_fruchterman_reingold(
                niter=500 if big else 1000,
                grid="grid" if big else "nogrid",
                minx=[-half[0]] * h.vcount(),
                maxx=[half[0]] * h.vcount(),
                miny=[-half[1]] * h.vcount(),
                maxy=[half[1]] * h.vcount(),
            ).coords
        raw = _landscape(_rescale(dict(zip(nodes, coords[: len(nodes)], strict=True)), spacing), stretch**2 * FR_WIDEN)
        pos = remove_overlaps(raw, node_boxes(g, label_sides(g, raw)))
        score = readability(g, pos) if tries > 1 else ()
        if best is None or score > best[0]:
            best = (score, pos)
    return best[1]


def remove_overlaps(
    pos: Positions,
    boxes: Mapping,
    *,
    pad: float = 10.0,
    fixed: set | frozenset = frozenset(),
    rounds: int = 300,
    max_nodes: int = 400,
) -> Positions:
    """Push apart nodes whose boxes overlap, along the axis of least overlap.

    Deterministic (simultaneous updates, ties broken by node order). Nodes in
    ``fixed`` stay put. Graphs above ``max_nodes`` are returned unchanged: at that
    size a reader zooms in anyway, and the pairwise passes, which seldom settle on
    a dense graph, would take most of the build (12 s at 1,000 nodes).
    """
    nodes = sorted(pos, key=str)
    if len(nodes) < 2 or len(nodes) > max_nodes:
        return {n: (round(pos[n][0], 1), round(pos[n][1], 1)) for n in pos}
    wh = np.array([boxes[n][:2] for n in nodes], dtype=float)
    shift = np.array([[boxes[n].dx, boxes[n].dy] for n in nodes], dtype=float)
    xy = np.array([pos[n] for n in nodes], dtype=float) + shift  # the centres of the boxes
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
    xy -= shift
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(nodes, xy, strict=True)}


def _landscape(pos: Positions, aspect: float) -> Positions:
    """``pos`` turned so that its long axis lies level, then stretched (area kept) to about ``aspect``
    (width over height): a force layout comes out in any direction, a screen is wide."""
    if len(pos) < 3:
        return pos
    xy = np.array(list(pos.values()), dtype=float)
    xy -= xy.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov(xy.T))
    main = vecs[:, -1] * (1 if vecs[0, -1] >= 0 else -1)  # the long axis, pointing right
    turned = xy @ np.array([[main[0], -main[1]], [main[1], main[0]]])
    w, h = np.ptp(turned, axis=0)
    a = min(max(math.sqrt(aspect * h / w) if w > 0 else 1.0, 1.0), 3.0)
    return {n: (round(float(x * a), 1), round(float(y / a), 1)) for n, (x, y) in zip(pos, turned, strict=True)}


def _rescale(coords: Mapping, spacing: float) -> Positions:
    """Scale raw layout coordinates so that linked nodes sit about ``spacing`` apart."""
    xs = [c[0] for c in coords.values()]
    ys = [c[1] for c in coords.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    size = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    target = spacing * math.sqrt(len(coords)) * 1.1
    k = target / size
    return {n: (round((x - cx) * k, 1), round((y - cy) * k, 1)) for n, (x, y) in coords.items()}
