"""How a drawing reads: its edges as drawn (straight, or bowed as vis-network bows them), their
crossings, overlapping boxes, the extent and the zoom that fits a screen, and how large each story
step draws what it reveals.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import networkx as nx
import numpy as np

from viz.layout.labels import CANVAS, FONT, READABLE_PX, Positions, label_sides, node_boxes

__all__ = [
    "MAX_ZOOM",
    "PRESENTER_MAP",
    "ROUNDNESS",
    "STEP_PX",
    "as_drawn",
    "control_points",
    "crossings",
    "curve_via",
    "edge_curves",
    "extent",
    "fit_scale",
    "framed_px",
    "overlaps",
    "presenter_stage",
    "readability",
    "step_parts",
    "step_px",
]


#: How much a curved edge bows out (vis-network's ``smooth.roundness``).
ROUNDNESS = 0.35


def curve_via(a: tuple[float, float], b: tuple[float, float], kind: str, roundness: float = ROUNDNESS):
    """The control point of vis-network's ``curvedCW`` / ``curvedCCW`` edge from ``a`` to ``b``
    (the same formula as vis-network 9.1's ``_getViaCoordinates``)."""
    return control_points(a, b, {"type": kind, "roundness": roundness})[1]


def control_points(p, q, how: Mapping | str | None) -> list[tuple[float, float]]:
    """The Bezier control points of vis-network's edge from ``p`` to ``q`` drawn with the ``smooth`` option
    ``how`` (9.1's ``_getViaCoordinates``; a kind alone is drawn with :data:`ROUNDNESS`): ``[p, q]``
    straight; ``[p, via, q]`` for ``curvedCW``, ``curvedCCW`` and the static ``horizontal`` and
    ``vertical`` kinds (which leave ``p`` level or upright), ``straightCross`` (which enters ``q`` level when
    the edge is wider than tall, else upright) and ``diagonalCross`` (which leaves ``p`` at 45 degrees);
    ``[p, c1, c2, q]`` for a ``cubicBezier``, which leaves and enters its nodes level
    (``forceDirection: "horizontal"``, or no direction and a wider than tall edge) or upright.

    Examples
    --------
    >>> from viz.layout import control_points
    >>> control_points((0, 0), (100, 50), {"type": "cubicBezier", "roundness": 0.5})
    [(0, 0), (50.0, 0), (50.0, 50), (100, 50)]
    >>> control_points((0, 0), (100, 50), {"type": "cubicBezier", "roundness": 0.5, "forceDirection": "vertical"})
    [(0, 0), (0, 25.0), (100, 25.0), (100, 50)]
    >>> control_points((0, 0), (100, 50), {"type": "horizontal", "roundness": 0.25})
    [(0, 0), (25.0, 0), (100, 50)]
    >>> control_points((0, 0), (100, 50), {"type": "straightCross", "roundness": 0.25})
    [(0, 0), (25.0, 50), (100, 50)]
    >>> control_points((0, 0), (100, 50), {"type": "diagonalCross", "roundness": 0.25})
    [(0, 0), (25.0, 25.0), (100, 50)]
    """
    if not how:
        return [tuple(p), tuple(q)]
    if isinstance(how, str):
        how = {"type": how, "roundness": ROUNDNESS}
    kind, r = how["type"], how.get("roundness", 0.5)
    dx, dy = p[0] - q[0], p[1] - q[1]
    if kind == "cubicBezier":
        force = how.get("forceDirection", "none")
        if force != "vertical" and (abs(dx) > abs(dy) or force in (True, "horizontal")):
            return [tuple(p), (p[0] - r * dx, p[1]), (q[0] + r * dx, q[1]), tuple(q)]
        return [tuple(p), (p[0], p[1] - r * dy), (q[0], q[1] + r * dy), tuple(q)]
    if kind == "horizontal":
        return [tuple(p), (q[0] + (1 - r) * dx, p[1]), tuple(q)]
    if kind == "vertical":
        return [tuple(p), (p[0], q[1] + (1 - r) * dy), tuple(q)]
    if kind == "straightCross":  # enters q level (or upright), as "horizontal" leaves p level
        if abs(dx) > abs(dy):
            return [tuple(p), (q[0] + (1 - r) * dx, q[1]), tuple(q)]
        return [tuple(p), (q[0], q[1] + (1 - r) * dy), tuple(q)]
    if kind == "diagonalCross":  # leaves p at 45 degrees, towards q
        step = r * max(abs(dx), abs(dy))
        return [tuple(p), (p[0] + (step if dx <= 0 else -step), p[1] + (step if dy < 0 else -step)), tuple(q)]
    ox, oy = q[0] - p[0], p[1] - q[1]
    length = math.hypot(ox, oy)
    k = 0.5 * r + 0.5
    turn = k if kind == "curvedCW" else 0.5 - 0.5 * r
    angle = (math.atan2(oy, ox) + turn * math.pi) % (2 * math.pi)
    return [tuple(p), (p[0] + k * length * math.sin(angle), p[1] + k * length * math.cos(angle)), tuple(q)]


def edge_curves(g: nx.Graph, pos: Positions, boxes: Mapping | None = None) -> dict:
    """``{(a, b): "curvedCW" | "curvedCCW"}`` for the edges drawn curved: on a layered map (the only
    layout with any), the links between two nodes of one column bow out to the side where they cross
    fewer of the other edges (to the left when both sides cross as many). ``boxes``: the nodes'
    :func:`node_boxes`, when the caller has them."""
    return _edge_curver(g)(pos, boxes)


def _edge_curver(g: nx.Graph):
    """:func:`edge_curves` of ``g`` as a function of ``(pos, boxes)``, the graph's edges listed once (a
    layout measures many drawings of one graph)."""
    if g.graph.get("layout", "layered") != "layered":
        return lambda pos, boxes=None: {}
    links = [(a, b) for a, b in g.edges() if a != b]
    return functools.partial(_curves, g, links)


def _curves(g: nx.Graph, links: list, pos: Positions, boxes: Mapping | None = None) -> dict:
    """:func:`edge_curves` of the edges ``links`` of ``g`` (loops left out)."""
    lefts = _lefts(g, pos, boxes)
    bends = {(a, b): _bend(pos[a], pos[b], lefts[a], lefts[b]) for a, b in links}
    straight = [e for e, bend in bends.items() if bend is None]
    bowed = [(e, left) for e, left in bends.items() if left is not None]
    if not bowed or not straight:
        return dict(bowed)
    kinds = ("curvedCW", "curvedCCW")
    ids = {n: i for i, n in enumerate(pos)}  # nodes by index, to take the edges' ends from arrays
    xy = np.array(list(pos.values()), dtype=float).reshape(-1, 2)
    sa, sb = (np.array([ids[e[end]] for e in straight]) for end in (0, 1))
    ba, bb = (np.array([[ids[e[end]]] for e, _ in bowed]) for end in (0, 1))
    lines = np.hstack([xy[sa], xy[sb]])
    # every bowed edge drawn both ways, as _STEPS segments each, against every straight edge at once
    arcs = np.array([_polyline(pos[a], pos[b], k) for (a, b), _ in bowed for k in kinds])
    arcs = np.concatenate([arcs[:, :-1], arcs[:, 1:]], axis=-1).reshape(-1, 4)
    # edges that share no end
    apart = (ba != sa) & (ba != sb) & (bb != sa) & (bb != sb)
    hits = (_cross(arcs, lines).reshape(len(bowed), 2, _STEPS, -1) & apart[:, None, None, :]).sum(axis=(2, 3))
    # each bows to the side it crosses less, to the left when both cross as many
    return {
        e: min(zip(counts, (k != left for k in kinds), kinds, strict=True))[2]
        for (e, left), counts in zip(bowed, hits.tolist(), strict=True)
    }


def _lefts(g: nx.Graph, pos: Positions, boxes: Mapping | None = None) -> dict:
    """``{node: x of its box's left edge}``: the boxes of one column share a left edge."""
    boxes = node_boxes(g, label_sides(g, pos)) if boxes is None else boxes
    return {n: round(pos[n][0] + boxes[n].dx - boxes[n].w / 2, 1) for n in pos}


def _bend(p: tuple[float, float], q: tuple[float, float], left_p: float, left_q: float) -> str | None:
    """How an edge between two nodes of one column (their boxes' left edges, :func:`_lefts`, level)
    bows out to the left; ``None`` for other edges."""
    if p == q or abs(left_p - left_q) >= 1.0:
        return None
    return min(("curvedCW", "curvedCCW"), key=lambda k: curve_via(p, q, k)[0])


_STEPS = 8


@functools.cache  # pure, and asked for the same few (degree, steps) tens of thousands of times
def _bernstein(degree: int, steps: int) -> np.ndarray:
    """``[i, j]``: the weight of control point ``j`` at the ``i``-th of ``steps + 1`` points along a curve
    (read-only: one array is shared by every caller)."""
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    j = np.arange(degree + 1)[None, :]
    weights = np.array([math.comb(degree, i) for i in range(degree + 1)])[None, :] * t**j * (1 - t) ** (degree - j)
    weights.setflags(write=False)
    return weights


def _polyline(p, q, how, steps: int = _STEPS) -> np.ndarray:
    """``(steps + 1, 2)`` points along the edge from ``p`` to ``q`` drawn as ``how`` says
    (:func:`control_points`); two for a straight edge."""
    c = np.array(control_points(p, q, how), dtype=float)
    if len(c) == 2:
        return c
    return _bernstein(len(c) - 1, steps) @ c


#: The length of an arrow head as vis-network 9.1 draws it on our edges (``15 x scale + 3 x width``; the
#: pages draw edges 1.4 wide): the line stops short of the head's tip, at 0.9 of this before the border.
ARROW = 15.0 + 3 * 1.4


def _as_page_draws(p, q, how, end, steps: int = _STEPS) -> np.ndarray:
    """``(steps + 1, 2)`` points along the edge from ``p`` to ``q`` as vis-network 9.1 draws it with an arrow
    head at ``q`` (``getArrowData``; ``arrowStrikethrough: false``): the curve's control points are worked
    out from the nodes' centres (:func:`control_points`), but it is drawn from ``p`` to the arrow head's
    core, :data:`ARROW` x 0.9 back from where the curve through the centres meets ``end``, the box ``(left,
    top, right, bottom)`` of ``q``'s shape. A straight edge is the same line either way."""
    c = np.array(control_points(p, q, how), dtype=float)
    if len(c) == 2:
        return c
    return _bernstein(len(c) - 1, steps) @ _to_arrow(c[None], np.asarray(end, dtype=float)[None])[0]


def _to_arrow(c: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Bezier curves' control points ``c`` (``(row, point, 2)``, from the nodes' centres) with the last moved
    to the arrow head's core, as :func:`_as_page_draws` draws them, many at once; ``end``: ``(row, 4)``, the box
    ``(left, top, right, bottom)`` of each curve's last node. A curve wholly inside that box stays as it is."""
    fine = _bernstein(c.shape[1] - 1, 64) @ c  # (row, 65, 2)
    inside = (
        (fine[..., 0] >= end[:, None, 0])
        & (fine[..., 0] <= end[:, None, 2])
        & (fine[..., 1] >= end[:, None, 1])
        & (fine[..., 1] <= end[:, None, 3])
    )
    moved = ~inside.all(axis=1)  # a curve wholly inside its end's box is drawn as it is
    rows = np.arange(len(c))
    i = 64 - np.argmax(~inside[:, ::-1], axis=1)  # the last point before the curve enters the box for good
    border = fine[rows, i]
    dist = np.hypot(*(c[:, -1] - c[:, 0]).T)
    back = np.maximum(1, np.round(ARROW / np.maximum(dist, 1e-9) * 64)).astype(int)
    d = border - fine[rows, np.maximum(0, i - back)]
    norm = np.hypot(*d.T)
    d = d / np.where(norm == 0, 1.0, norm)[:, None]
    out = c.copy()
    out[moved, -1] = (border - 0.9 * ARROW * d)[moved]
    return out


def _straddles(s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``[i, j]``: whether the ends of segment ``t[j]`` lie strictly on either side of the line through ``s[i]``:
    the turns ``s1 -> s2 -> t1`` and ``s1 -> s2 -> t2`` (cross products; under 1e-9 in size, no turn) go
    opposite ways. Compared as booleans, without arrays of signs to multiply: crossing counts are the
    layouts' hottest loop."""
    ax, ay = s[:, 0, None], s[:, 1, None]
    dx, dy = s[:, 2, None] - ax, s[:, 3, None] - ay
    v = dx * (t[None, :, 1] - ay) - dy * (t[None, :, 0] - ax)
    w = dx * (t[None, :, 3] - ay) - dy * (t[None, :, 2] - ax)
    return ((v >= 1e-9) & (w <= -1e-9)) | ((v <= -1e-9) & (w >= 1e-9))


def _segments(pairs: Iterable) -> np.ndarray:
    """Line segments ``((x1, y1), (x2, y2))`` as rows ``x1, y1, x2, y2``."""
    return np.array([(*p, *q) for p, q in pairs], dtype=float).reshape(-1, 4)


def _cross(s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``[i, j]``: whether segment ``s[i]`` crosses segment ``t[j]`` (rows of :func:`_segments`; touching
    is not crossing)."""
    if s is t:  # each way round is the other's transpose: work it out once
        st = _straddles(s, s)
        return st & st.T
    st = _straddles(s, t)
    # the other way round only for the pairs that need it: the same arithmetic as _straddles(t, s), pair by pair
    i, j = np.nonzero(st)
    ax, ay = t[j, 0], t[j, 1]
    dx, dy = t[j, 2] - ax, t[j, 3] - ay
    v = dx * (s[i, 1] - ay) - dy * (s[i, 0] - ax)
    w = dx * (s[i, 3] - ay) - dy * (s[i, 2] - ax)
    st[i, j] = ((v >= 1e-9) & (w <= -1e-9)) | ((v <= -1e-9) & (w >= 1e-9))
    return st


class _Drawing:
    """The edges of a drawing as line segments (a curved edge as :data:`_STEPS` of them, a straight one as
    one), to count crossings, and to count them again cheaply after a few nodes moved. An edge keeps the
    number of segments it starts with: an edge that may bend later must start bent."""

    def __init__(
        self, pos: Positions, edges: Iterable[tuple], curves: Mapping | None = None, *, like: _Drawing | None = None
    ):
        """``like``: a drawing of the same edges between the same nodes, whose links, and which of them
        share an end, are taken as they are instead of worked out again (a layout draws one graph many
        times)."""
        self.pos = dict(pos)
        self.curves = dict(curves or {})
        if like is None:
            links: dict[tuple, tuple] = {}
            for a, b, *_ in edges:
                if a != b and a in pos and b in pos:
                    links.setdefault(tuple(sorted((str(a), str(b)))), (a, b))
            self.links = list(links.values())
            self.touching: dict = defaultdict(list)
            for k, (a, b) in enumerate(self.links):
                self.touching[a].append(k)
                self.touching[b].append(k)
            self.nodes = list(self.pos)
            ids = {node: i for i, node in enumerate(self.nodes)}
            self.ends = tuple(
                np.array([ids[link[end]] for link in self.links], dtype=int).reshape(-1) for end in (0, 1)
            )
            ea, eb = self.ends
            self.apart = (ea[:, None] != ea) & (ea[:, None] != eb) & (eb[:, None] != ea) & (eb[:, None] != eb)
        else:
            self.links, self.touching, self.nodes = like.links, like.touching, like.nodes
            self.ends, self.apart = like.ends, like.apart
        n = len(self.links)
        bent = [self._kind(k) is not None for k in range(n)]
        sizes = [_STEPS if b else 1 for b in bent]
        self.start = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.segs = np.zeros((int(self.start[-1]), 4))
        self.owner = np.repeat(np.arange(n), sizes)
        straight = [k for k in range(n) if not bent[k]]
        if straight:  # one segment each, all at once
            xy = np.array([self.pos[node] for node in self.nodes], dtype=float).reshape(-1, 2)
            self.segs[self.start[straight]] = np.hstack([xy[self.ends[0][straight]], xy[self.ends[1][straight]]])
        for k in range(n):
            if bent[k]:
                self._line(k)

    def _kind(self, k: int) -> Mapping | str | None:
        a, b = self.links[k]
        return self.curves.get((a, b)) or self.curves.get((b, a))

    def _line(self, k: int) -> None:
        a, b = self.links[k]
        how = self._kind(k)
        block = self.segs[self.start[k] : self.start[k + 1]]
        if not how:  # straight: the one segment, the rest empty at its end (what the general case gives)
            (ax, ay), (bx, by) = self.pos[a], self.pos[b]
            block[:] = (bx, by, bx, by)
            block[0] = (ax, ay, bx, by)
            return
        if (a, b) not in self.curves:  # drawn from b to a
            pts = _polyline(self.pos[b], self.pos[a], how)[::-1]
        else:
            pts = _polyline(self.pos[a], self.pos[b], how)
        rows = np.hstack([pts[:-1], pts[1:]])
        if len(rows) > len(block):  # bent now, straight before: draw it as the chord (a rare, small error)
            rows = np.array([[*pts[0], *pts[-1]]])
        block[:] = rows[-1, 2:].tolist() * 2  # unused slots: empty segments at the end, which cross nothing
        block[: len(rows)] = rows

    def _count(self, mine: list[int]) -> int:
        """Crossings of the edges ``mine`` with every edge (pairs within ``mine`` once)."""
        if not mine or len(self.links) < 2:
            return 0
        rows = np.concatenate([np.arange(self.start[k], self.start[k + 1]) for k in mine])
        a = self.owner[rows][:, None]
        b = self.owner[None, :]
        hit = _cross(self.segs[rows], self.segs) & self.apart[a, b]
        mine_set = np.zeros(len(self.links), dtype=bool)
        mine_set[mine] = True
        twice = mine_set[b] & (b < a)  # a pair of two of mine is counted from its first edge only
        return int((hit & ~twice).sum())

    def count(self) -> int:
        if len(self.links) < 2:
            return 0
        hit = _cross(self.segs, self.segs) & self.apart[self.owner[:, None], self.owner[None, :]]
        return int((hit & (self.owner[:, None] < self.owner[None, :])).sum())

    def under(self, rects: np.ndarray, px: float) -> np.ndarray:
        """The edges (their indices in ``links``) that run under a chip they do not end at, as :func:`as_drawn`
        counts them at ``px`` screen pixels per unit, drawn centre to centre: ``rects``, every node's box as
        ``left, top, right, bottom``, in the order of ``nodes``."""
        p, q, rows = self.segs[:, :2], self.segs[:, 2:], np.arange(len(self.segs))
        length = np.hypot(*(q - p).T)
        margin = UNDER_PX / px
        inner = _length_in(p, q, rects + np.array([margin, margin, -margin, -margin]))
        a, b = self.ends[0][self.owner], self.ends[1][self.owner]
        own = sum(np.clip(t1 - t0, 0.0, None) for t0, t1 in (_inside(p, q, rects[end]) for end in (a, b))) * length
        inner[rows, a] = inner[rows, b] = 0.0
        n = len(self.links)
        seen = np.bincount(self.owner, weights=length - own, minlength=n)
        hidden = np.bincount(self.owner, weights=inner.sum(axis=1), minlength=n)
        return np.flatnonzero((hidden > 0) & (hidden >= UNDER_SHARE * np.maximum(seen, 1e-9)))

    def moved(self, nodes: Iterable, pos: Positions, curves: Mapping | None = None) -> None:
        """Move some nodes (and re-bend their edges if ``curves`` is given)."""
        touched = sorted({k for n in nodes for k in self.touching.get(n, ())})
        self.pos.update(pos)
        if curves is not None:
            for k in touched:
                a, b = self.links[k]
                self.curves.pop((a, b), None)
                self.curves.pop((b, a), None)
            self.curves.update(curves)
        for k in touched:
            self._line(k)

    def around(self, nodes: Iterable) -> int:
        """Crossings of the edges that touch ``nodes``."""
        return self._count(sorted({k for n in nodes for k in self.touching.get(n, ())}))


def crossings(pos: Positions, edges: Iterable[tuple], curves: Mapping | None = None) -> int:
    """How many times edges cross as drawn: straight, or bowed as ``curves`` says (:func:`edge_curves`).
    Edges that share an end are not counted; two parallel links between the same nodes are one.

    Examples
    --------
    >>> from viz.layout import crossings
    >>> crossings({"a": (0, 0), "b": (1, 1), "c": (0, 1), "d": (1, 0)}, [("a", "b"), ("c", "d")])
    1
    """
    return _Drawing(pos, edges, curves).count()


def overlaps(pos: Positions, boxes: Mapping, *, pad: float = 0.0) -> list[tuple]:
    """Pairs of nodes whose boxes (glyph or shape with its label) overlap, ``pad`` units apart at least."""
    nodes = sorted(pos, key=str)
    centre = {n: (pos[n][0] + boxes[n].dx, pos[n][1] + boxes[n].dy) for n in nodes}
    return [
        (a, b)
        for i, a in enumerate(nodes)
        for b in nodes[i + 1 :]
        if abs(centre[a][0] - centre[b][0]) < (boxes[a].w + boxes[b].w) / 2 + pad - 0.5
        and abs(centre[a][1] - centre[b][1]) < (boxes[a].h + boxes[b].h) / 2 + pad - 0.5
    ]


def extent(pos: Positions, boxes: Mapping) -> tuple[float, float, float, float]:
    """``(left, top, right, bottom)`` of every box."""
    left = min(x + boxes[n].dx - boxes[n].w / 2 for n, (x, _) in pos.items())
    right = max(x + boxes[n].dx + boxes[n].w / 2 for n, (x, _) in pos.items())
    top = min(y + boxes[n].dy - boxes[n].h / 2 for n, (_, y) in pos.items())
    bottom = max(y + boxes[n].dy + boxes[n].h / 2 for n, (_, y) in pos.items())
    return left, top, right, bottom


def fit_scale(pos: Positions, boxes: Mapping, canvas: tuple[float, float] = CANVAS) -> float:
    """The zoom at which ``pos`` with their boxes fills ``canvas`` (labels are then ``FONT x zoom`` pixels)."""
    if not pos:
        return 1.0
    left, top, right, bottom = extent(pos, boxes)
    return _zoom_to_fit(right - left, bottom - top, canvas)


def _zoom_to_fit(width: float, height: float, canvas: tuple[float, float] = CANVAS) -> float:
    """The zoom at which a ``width`` x ``height`` extent fills ``canvas``."""
    return min(canvas[0] / max(width, 1.0), canvas[1] / max(height, 1.0))


#: What a story step is framed to: its new concepts at this size on :data:`CANVAS`, zoomed in at most
#: :data:`MAX_ZOOM` times (the page does the same: map.js ``frameStep``).
STEP_PX = 18.0
MAX_ZOOM = 2.0


def step_px(g: nx.Graph, pos: Positions, boxes: Mapping) -> dict:
    """``{step: px}``: how large each story step, framed as the page frames it, draws what it reveals.

    A step frames its new concepts with the concepts they link to (those shown by then), or its new
    concepts alone when the wider frame would draw them under :data:`STEP_PX`.
    """
    return _step_frames(g)(pos, boxes)


def _step_frames(g: nx.Graph):
    """:func:`step_px` as a function of ``(pos, boxes)``, the frames of ``g``'s steps worked out once (a
    layout measures many drawings of one graph)."""
    nodes = sorted(g.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    shown: set = set()
    frames = []
    for k in sorted({s for _, s in g.nodes(data="step") if s is not None}):
        fresh = [n for n in nodes if g.nodes[n].get("step") == k]
        shown |= set(fresh)
        around = set(fresh) | {m for n in fresh for m in nx.all_neighbors(g, n) if m in shown}
        frames.append((k, [index[n] for n in sorted(around, key=str)], [index[n] for n in fresh]))

    # every frame's boxes at once: the nodes of all frames one after another, each frame from its offset
    wide_ids = np.array([i for _, around, _ in frames for i in around], dtype=int)
    wide_at = np.cumsum([0] + [len(around) for _, around, _ in frames[:-1]])
    fresh_ids = np.array([i for _, _, fresh in frames for i in fresh], dtype=int)
    fresh_at = np.cumsum([0] + [len(fresh) for _, _, fresh in frames[:-1]])

    def measure(pos: Positions, boxes: Mapping) -> dict:
        if not frames:
            return {}
        x, y = np.array([pos[n] for n in nodes], dtype=float).reshape(-1, 2).T
        w, h, dx, dy = np.array([boxes[n] for n in nodes], dtype=float).reshape(-1, 4).T
        left, right, top, bottom = x + dx - w / 2, x + dx + w / 2, y + dy - h / 2, y + dy + h / 2

        def px(ids: np.ndarray, at: np.ndarray) -> np.ndarray:  # :func:`fit_scale` of each frame's boxes
            width = np.maximum.reduceat(right[ids], at) - np.minimum.reduceat(left[ids], at)
            height = np.maximum.reduceat(bottom[ids], at) - np.minimum.reduceat(top[ids], at)
            scale = np.minimum(CANVAS[0] / np.maximum(width, 1.0), CANVAS[1] / np.maximum(height, 1.0))
            return FONT * np.minimum(MAX_ZOOM, 0.97 * scale)  # as :func:`_zoom_to_fit`, frame by frame

        wide = px(wide_ids, wide_at)
        best = np.where(wide >= STEP_PX, wide, px(fresh_ids, fresh_at))
        return {k: float(v) for (k, _, _), v in zip(frames, best.tolist(), strict=True)}

    return measure


#: Where the map page frames a story step when it is projected: the map of a 1280 x 720 window with Presenter
#: ticked (1246 x 630 pixels in Chromium), less the step's caption box below it and 8 pixels of gap (map.js
#: ``frameOf``); the box is 16 pixels and a 32-pixel line per :data:`CAPTION_CHARS` characters of its text
#: (counted short, and with the step counter before it), two lines at least.
PRESENTER_MAP = (1246.0, 630.0)
CAPTION_CHARS = 75


def presenter_stage(caption: str) -> tuple[float, float]:
    """Where the map page frames a story step with this caption on a projector (:data:`PRESENTER_MAP`).

    Examples
    --------
    >>> presenter_stage("A short caption.")
    (1246.0, 542.0)
    >>> presenter_stage("x" * 300)
    (1246.0, 446.0)
    """
    lines = max(2, math.ceil((len(caption) + 20) / CAPTION_CHARS))
    return PRESENTER_MAP[0], PRESENTER_MAP[1] - 8.0 - 16.0 - 32.0 * lines


def framed_px(
    pos: Positions,
    boxes: Mapping,
    ids: Iterable,
    stage: tuple[float, float] = CANVAS,
    *,
    max_zoom: float = MAX_ZOOM,
    margin: float = 0.0,
    fill: float = 0.97,
) -> float:
    """How large labels are drawn (pixels) when the boxes of ``ids`` are framed on ``stage``: zoomed to fit
    with ``margin`` (map units) around them, in ``fill`` of the stage (map.js ``frameOf`` keeps 3% free), and
    zoomed in at most ``max_zoom`` times.

    Examples
    --------
    >>> from viz.layout import Box
    >>> boxes = {"a": Box(100, 20, 0, 0), "b": Box(100, 20, 0, 0)}
    >>> framed_px({"a": (0, 0), "b": (1100, 0)}, boxes, "ab", (1200, 400), fill=1.0)
    15.0
    """
    left, top, right, bottom = extent({i: pos[i] for i in ids}, boxes)
    zoom = fill * _zoom_to_fit(right - left + 2 * margin, bottom - top + 2 * margin, stage)
    return FONT * min(max_zoom, zoom)


def step_parts(
    pos: Positions,
    boxes: Mapping,
    new: Iterable,
    stage: tuple[float, float] = PRESENTER_MAP,
    *,
    px: float = STEP_PX,
    **frame,
) -> list[list]:
    """The new concepts of a story step in parts that are each framed with labels ``px`` or larger on
    ``stage`` (:func:`framed_px`, with ``frame`` its options): one part when they all are, else nearby
    concepts together, each part in the order of ``new``, the parts in the order of their first concept.

    A part too large is cut in two across the axis it overflows most, at the widest gap between its
    concepts (of the widest, the one nearest the middle), until every part is legible: a function of the
    positions alone. The map page shows a step in these parts one after another ("Step 5 of 5 · 1/2"), and
    a lecture deck gives each part a slide of its own.

    Examples
    --------
    >>> from viz.layout import Box
    >>> boxes = {n: Box(100, 20, 0, 0) for n in "abcd"}
    >>> step_parts({"a": (0, 0), "b": (150, 0), "c": (3000, 0), "d": (3150, 0)}, boxes, "abcd", (1200, 400))
    [['a', 'b'], ['c', 'd']]
    >>> step_parts({"a": (0, 0), "b": (150, 0)}, boxes, "ab", (1200, 400))
    [['a', 'b']]
    """
    new = list(new)
    if len(new) < 2 or framed_px(pos, boxes, new, stage, **frame) >= px:
        return [new] if new else []
    left, top, right, bottom = extent({i: pos[i] for i in new}, boxes)
    axis = 0 if (right - left) / stage[0] >= (bottom - top) / stage[1] else 1
    line = sorted(new, key=lambda i: (pos[i][axis], pos[i][1 - axis], str(i)))
    gaps = [pos[b][axis] - pos[a][axis] for a, b in itertools.pairwise(line)]
    cut = 1 + max(range(len(gaps)), key=lambda k: (round(gaps[k] / 10), -abs(2 * (k + 1) - len(line))))
    order = {i: k for k, i in enumerate(new)}
    parts = [
        sorted(part, key=order.get)
        for half in (line[:cut], line[cut:])
        for part in step_parts(pos, boxes, half, stage, px=px, **frame)
    ]
    return sorted(parts, key=lambda part: order[part[0]])


def readability(g: nx.Graph, pos: Positions) -> tuple:
    """How well a drawing reads, to compare drawings of one graph (larger is better): whether the whole
    map is readable (:data:`READABLE_PX`), how many story steps show what they reveal at :data:`STEP_PX`,
    then the fewest crossings."""
    boxes = node_boxes(g, label_sides(g, pos))
    whole = FONT * fit_scale(pos, boxes) >= READABLE_PX
    steps = sum(px >= STEP_PX for px in step_px(g, pos, boxes).values())
    return (whole, steps, -crossings(pos, g.edges()))


def _bends(lefts: Mapping, pos: Positions, nodes: list, incident: Mapping) -> dict:
    """The bends (:func:`_bend`) of the edges (``incident``, from :func:`_incident`) that touch ``nodes``;
    ``lefts``: the boxes' left edges (:func:`_lefts`)."""
    edges = sorted({e for n in nodes for e in incident[n]}, key=str)
    return {(a, b): kind for a, b in edges if (kind := _bend(pos[a], pos[b], lefts[a], lefts[b]))}


def _incident(g: nx.Graph) -> dict:
    """``{node: [(a, b), ...]}``: the edges that touch each node, in and out."""
    out: dict = defaultdict(list)
    for a, b in g.edges():
        out[a].append((a, b))
        if b != a:
            out[b].append((a, b))
    return out


#: An edge runs under a chip when this share of its drawn length lies more than :data:`UNDER_PX` screen
#: pixels inside the box of a chip it does not end at.
UNDER_SHARE, UNDER_PX = 0.03, 3.0


class AsDrawn(NamedTuple):
    """What a reader sees of a drawing's edges: how often they cross, and which run under a chip."""

    crossings: int
    under: list  # [(edge (a, b), the chips it runs under)]


def _inside(p: np.ndarray, q: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(t0, t1)``: the part of each segment ``p -> q`` inside each box ``(left, top, right, bottom)``, as
    fractions of the segment (Liang and Barsky's clipping), empty where ``t0 >= t1``. The arrays broadcast:
    ``p`` and ``q`` ``(..., 2)``, ``boxes`` ``(..., 4)``."""
    d = q - p
    t0 = np.zeros(np.broadcast_shapes(p.shape[:-1], boxes.shape[:-1]))
    t1 = np.ones_like(t0)
    for axis in (0, 1):
        start, step = p[..., axis], d[..., axis]
        lo, hi = boxes[..., axis], boxes[..., axis + 2]
        flat = np.abs(step) < 1e-12
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = (lo - start) / step, (hi - start) / step
        out = flat & ((start < lo) | (start > hi))
        t0 = np.where(flat, t0, np.maximum(t0, np.minimum(a, b)))
        t1 = np.where(flat, t1, np.minimum(t1, np.maximum(a, b)))
        t1 = np.where(out, 0.0, t1)
        t0 = np.where(out, 1.0, t0)
    return t0, t1


def _length_in(p: np.ndarray, q: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """``[..., box]``: the length of each segment ``p -> q`` (``(..., 2)``) inside each box of ``boxes``
    (``(n, 4)``, as :func:`_inside` takes them)."""
    t0, t1 = _inside(p[..., None, :], q[..., None, :], boxes)
    return np.clip(t1 - t0, 0.0, None) * np.hypot(*np.moveaxis(q - p, -1, 0))[..., None]


def as_drawn(lines: Mapping, boxes: Mapping, *, px: float) -> AsDrawn:
    """Count what a reader sees of a drawing: ``lines`` ``{(a, b): [(x, y), ...]}``, each edge as the points
    it is drawn through (centre to centre, or border to border), and ``boxes`` ``{node: (left, top, right,
    bottom)}``, every node's shape as drawn, both in canvas units; ``px``: screen pixels per unit.

    An edge is seen where it is outside the boxes of its own ends. Two edges that share no end cross
    where their seen parts do (each crossing once; two links between the same nodes are one). An edge
    runs under a chip when at least :data:`UNDER_SHARE` of its seen length lies more than
    :data:`UNDER_PX` pixels inside the boxes of nodes it does not end at.

    Examples
    --------
    >>> from viz.layout import as_drawn
    >>> boxes = {"a": (-10, -5, 10, 5), "b": (90, -5, 110, 5), "c": (40, -5, 60, 5)}
    >>> as_drawn({("a", "b"): [(0, 0), (100, 0)]}, boxes, px=1.0).under
    [(('a', 'b'), ['c'])]
    >>> as_drawn({("a", "b"): [(0, 0), (50, -40), (100, 0)]}, boxes, px=1.0).under
    []
    """
    seen: dict = {}
    for (a, b), pts in sorted(lines.items(), key=lambda t: (str(t[0][0]), str(t[0][1]))):
        if a != b:
            seen.setdefault(tuple(sorted((str(a), str(b)))), ((a, b), np.asarray(pts, dtype=float)))
    nodes = sorted(boxes, key=str)
    box = np.array([boxes[n] for n in nodes], dtype=float).reshape(-1, 4)
    index = {n: i for i, n in enumerate(nodes)}
    pieces, owner, ends = [], [], []
    for k, ((a, b), pts) in enumerate(seen.values()):
        p, q = pts[:-1], pts[1:]
        own = [index[n] for n in (a, b) if n in index]
        t0, t1 = _inside(p[:, None], q[:, None], box[own][None])
        for i in range(len(p)):  # the parts of each segment outside both end boxes
            cuts = sorted((s, e) for s, e in zip(t0[i], t1[i], strict=True) if e > s)
            start = 0.0
            for s, e in [*cuts, (1.0, 1.0)]:
                if s > start:
                    pieces.append((*(p[i] + start * (q[i] - p[i])), *(p[i] + s * (q[i] - p[i]))))
                    owner.append(k)
                start = max(start, e)
        ends.append({a, b})
    segs = np.array(pieces, dtype=float).reshape(-1, 4)
    owner_a = np.array(owner, dtype=int)
    edges = [e for e, _ in seen.values()]
    apart = np.array([[not (x & y) for y in ends] for x in ends], dtype=bool).reshape(len(ends), len(ends))
    count = 0
    if len(segs) > 1:
        hit = _cross(segs, segs) & apart[owner_a[:, None], owner_a[None, :]]
        count = int((hit & (owner_a[:, None] < owner_a[None, :])).sum())
    under = []
    if len(segs):
        margin = UNDER_PX / px
        inner = box + np.array([margin, margin, -margin, -margin])
        t0, t1 = _inside(segs[:, None, :2], segs[:, None, 2:], inner[None])
        length = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
        within = np.clip(t1 - t0, 0.0, None) * length[:, None]
        for k, (a, b) in enumerate(edges):
            mine = owner_a == k
            total = length[mine].sum()
            by_box = within[mine].sum(axis=0)
            by_box[[index[n] for n in (a, b) if n in index]] = 0.0
            if total > 0 and by_box.sum() >= UNDER_SHARE * total:
                under.append(((a, b), [nodes[i] for i in np.flatnonzero(by_box > 0)]))
    return AsDrawn(count, under)
