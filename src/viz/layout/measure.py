"""How a drawing reads: its edges as drawn (straight, or bowed as vis-network bows them), their
crossings, overlapping boxes, the extent and the zoom that fits a screen, and how large each story
step draws what it reveals.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np

from viz.layout.labels import CANVAS, FONT, READABLE_PX, Positions, label_sides, node_boxes

__all__ = [
    "MAX_ZOOM",
    "ROUNDNESS",
    "STEP_PX",
    "crossings",
    "curve_via",
    "edge_curves",
    "extent",
    "fit_scale",
    "overlaps",
    "readability",
    "step_px",
]


#: How much a curved edge bows out (vis-network's ``smooth.roundness``).
ROUNDNESS = 0.35


def curve_via(a: tuple[float, float], b: tuple[float, float], kind: str, roundness: float = ROUNDNESS):
    """The control point of vis-network's ``curvedCW`` / ``curvedCCW`` edge from ``a`` to ``b``
    (the same formula as vis-network 9.1's ``_getViaCoordinates``)."""
    ox, oy = b[0] - a[0], a[1] - b[1]
    length = math.hypot(ox, oy)
    k = 0.5 * roundness + 0.5
    turn = (0.5 * roundness + 0.5) if kind == "curvedCW" else (0.5 * -roundness + 0.5)
    g = (math.atan2(oy, ox) + turn * math.pi) % (2 * math.pi)
    return (a[0] + k * length * math.sin(g), a[1] + k * length * math.cos(g))


def edge_curves(g: nx.Graph, pos: Positions, boxes: Mapping | None = None) -> dict:
    """``{(a, b): "curvedCW" | "curvedCCW"}`` for the edges drawn curved: on a layered map (the only
    layout with any), the links between two nodes of one column bow out to the side where they cross
    fewer of the other edges (to the left when both sides cross as many). ``boxes``: the nodes'
    :func:`node_boxes`, when the caller has them."""
    if g.graph.get("layout", "layered") != "layered":
        return {}
    lefts = _lefts(g, pos, boxes)
    bends = {(a, b): _bend(pos[a], pos[b], lefts[a], lefts[b]) for a, b in g.edges() if a != b}
    straight = [e for e, bend in bends.items() if bend is None]
    bowed = [(e, left) for e, left in bends.items() if left is not None]
    if not bowed or not straight:
        return dict(bowed)
    kinds = ("curvedCW", "curvedCCW")
    lines = _segments([(pos[c], pos[d]) for c, d in straight])
    # every bowed edge drawn both ways, as _STEPS segments each, against every straight edge at once
    arcs = np.concatenate(
        [
            _segments(itertools.pairwise(_polyline(pos[a], pos[b], curve_via(pos[a], pos[b], k))))
            for (a, b), _ in bowed
            for k in kinds
        ]
    )
    apart = np.array([[not {a, b} & {c, d} for c, d in straight] for (a, b), _ in bowed], dtype=bool)
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


def _polyline(p, q, via, steps: int = _STEPS) -> list[tuple[float, float]]:
    if via is None:
        return [p, q]
    return [
        (
            (1 - t) ** 2 * p[0] + 2 * (1 - t) * t * via[0] + t * t * q[0],
            (1 - t) ** 2 * p[1] + 2 * (1 - t) * t * via[1] + t * t * q[1],
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def _orient(a, b, c):
    """Sign of the turn a -> b -> c for every pair (segment i of a, b; point j of c)."""
    v = (b[:, None, 0] - a[:, None, 0]) * (c[None, :, 1] - a[:, None, 1]) - (b[:, None, 1] - a[:, None, 1]) * (
        c[None, :, 0] - a[:, None, 0]
    )
    return np.sign(np.where(np.abs(v) < 1e-9, 0.0, v))


def _segments(pairs: Iterable) -> np.ndarray:
    """Line segments ``((x1, y1), (x2, y2))`` as rows ``x1, y1, x2, y2``."""
    return np.array([(*p, *q) for p, q in pairs], dtype=float).reshape(-1, 4)


def _cross(s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``[i, j]``: whether segment ``s[i]`` crosses segment ``t[j]`` (rows of :func:`_segments`; touching
    is not crossing)."""
    st = _orient(s[:, :2], s[:, 2:], t[:, :2]) * _orient(s[:, :2], s[:, 2:], t[:, 2:]) < 0
    ts = (_orient(t[:, :2], t[:, 2:], s[:, :2]) * _orient(t[:, :2], t[:, 2:], s[:, 2:]) < 0).T
    return st & ts


class _Drawing:
    """The edges of a drawing as line segments (a curved edge as :data:`_STEPS` of them, a straight one as
    one), to count crossings, and to count them again cheaply after a few nodes moved. An edge keeps the
    number of segments it starts with: an edge that may bend later must start bent."""

    def __init__(self, pos: Positions, edges: Iterable[tuple], curves: Mapping | None = None):
        self.pos = dict(pos)
        self.curves = dict(curves or {})
        links: dict[tuple, tuple] = {}
        for a, b, *_ in edges:
            if a != b and a in pos and b in pos:
                links.setdefault(tuple(sorted((str(a), str(b)))), (a, b))
        self.links = list(links.values())
        self.touching: dict = defaultdict(list)
        for k, (a, b) in enumerate(self.links):
            self.touching[a].append(k)
            self.touching[b].append(k)
        n = len(self.links)
        bent = [self._kind(k) is not None for k in range(n)]
        sizes = [_STEPS if b else 1 for b in bent]
        self.start = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.segs = np.zeros((int(self.start[-1]), 4))
        self.owner = np.repeat(np.arange(n), sizes)
        ids = {node: i for i, node in enumerate(self.pos)}
        ea, eb = (np.array([ids[link[end]] for link in self.links], dtype=int).reshape(-1) for end in (0, 1))
        self.apart = (ea[:, None] != ea) & (ea[:, None] != eb) & (eb[:, None] != ea) & (eb[:, None] != eb)
        straight = [k for k in range(n) if not bent[k]]
        if straight:  # one segment each, all at once
            self.segs[self.start[straight]] = [
                (*self.pos[self.links[k][0]], *self.pos[self.links[k][1]]) for k in straight
            ]
        for k in range(n):
            if bent[k]:
                self._line(k)

    def _kind(self, k: int) -> str | None:
        a, b = self.links[k]
        return self.curves.get((a, b)) or self.curves.get((b, a))

    def _line(self, k: int) -> None:
        a, b = self.links[k]
        kind = self._kind(k)
        via = None
        if kind:
            p, q = (self.pos[a], self.pos[b]) if (a, b) in self.curves else (self.pos[b], self.pos[a])
            via = curve_via(p, q, kind)
        pts = _polyline(self.pos[a], self.pos[b], via, _STEPS)
        rows = np.array([(*pts[i], *pts[i + 1]) for i in range(len(pts) - 1)], dtype=float)
        block = self.segs[self.start[k] : self.start[k + 1]]
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

    def measure(pos: Positions, boxes: Mapping) -> dict:
        x, y = np.array([pos[n] for n in nodes], dtype=float).reshape(-1, 2).T
        w, h, dx, dy = np.array([boxes[n] for n in nodes], dtype=float).reshape(-1, 4).T
        left, right, top, bottom = x + dx - w / 2, x + dx + w / 2, y + dy - h / 2, y + dy + h / 2

        def px(ids: list[int]) -> float:  # :func:`fit_scale` of these boxes
            scale = _zoom_to_fit(right[ids].max() - left[ids].min(), bottom[ids].max() - top[ids].min())
            return float(FONT * min(MAX_ZOOM, 0.97 * scale))

        out = {}
        for k, around, fresh in frames:
            wide = px(around)
            out[k] = wide if wide >= STEP_PX else px(fresh)
        return out

    return measure


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
