"""Positions for concept graphs: pure, seeded ``*_layout`` functions, and how readable they are.

Every ``*_layout`` function takes a networkx graph and returns ``{node: (x, y)}``
in screen units (y grows downwards, as on a canvas). The same graph and seed
always give the same positions, whatever the hash seed of the process.

- :func:`layered_layout` puts the data's ranks in columns, left to right, and
  orders each column with igraph's Sugiyama layout, dot's median sweeps and
  sifting, then simulated annealing on the drawing as the reader sees it;
- :func:`circular_layout` keeps ranked nodes on a ring in rank order (the steps
  of the cancer-immunity cycle) and orders the rest around it, each beside the
  steps it links to, with the fewest crossings;
- :func:`force_layout` is igraph's Fruchterman-Reingold, then overlap removal
  on the boxes of the nodes and their labels.

Labels are part of the layout: a node is drawn as its category's glyph with the
label beside it (:data:`SIDES`), or as a shape that holds its label. The
:class:`Box` of a node says how much room both take; :func:`overlaps`,
:func:`crossings` and :func:`fit_scale` measure a layout as a reader sees it.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import NamedTuple

import networkx as nx
import numpy as np

from viz.style import SHAPES_WITH_LABEL_INSIDE

__all__ = [
    "CANVAS",
    "FONT",
    "GLYPH",
    "LABEL_WIDTH",
    "SIDES",
    "Box",
    "circular_layout",
    "columns",
    "crossings",
    "fit_scale",
    "force_layout",
    "hubs",
    "label_box",
    "label_sides",
    "layered_layout",
    "node_boxes",
    "overlaps",
    "remove_overlaps",
    "step_px",
    "view_layout",
    "wrap",
]

Positions = dict[Hashable, tuple[float, float]]

#: Label size, glyph radius and the width at which labels wrap, in layout units. On screen a label
#: is ``FONT x zoom`` pixels high, so a layout is readable when it fits the screen at a zoom near 1.
FONT = 15.0
GLYPH = 9.0
LABEL_WIDTH = 170.0
#: Line height, in ems.
LEADING = 1.25
#: The map a layout is shaped for: what a 1280 x 720 projector leaves for it in presenter mode, under
#: the legend and above the story's caption.
CANVAS = (1180.0, 480.0)
#: Where a node's label goes: in its shape; in a box with the node's glyph before it (a "chip": edges
#: meet the box, never run through the label); or beside its glyph.
SIDES = ("inside", "chip", "right", "left", "below")

#: vis-network shapes that hold their label (the others are glyphs with the label beside them).
LABEL_INSIDE = SHAPES_WITH_LABEL_INSIDE
#: A map with more nodes than this is for zooming into: its categories are held together in regions, and
#: only its hubs are labelled when it opens (:func:`hubs`).
BIG = 100
#: Gap between a glyph and its label, between two columns, and between two rows.
LABEL_GAP = 5.0
COLUMN_GAP = 56.0
ROW_GAP = 5.0
#: Between two nodes of a folded column, room for the links that pass to the other half.
FOLD_GAP = 16.0
#: The label size, in pixels, a whole map must keep on :data:`CANVAS`.
READABLE_PX = 12.0
#: The room in a chip: around the text, and before it for the glyph.
CHIP_PAD = (8.0, 5.0)
CHIP_GLYPH = 2 * GLYPH + LABEL_GAP + 4.0

#: Advance of each character in ems, as Chromium draws 15 px system-ui on Debian (DejaVu Sans, one of
#: the widest common sans-serif faces, so labels measured with it fit in the narrower ones too).
_EMS = {
    " ": 0.318,
    "&": 0.78,
    "(": 0.39,
    ")": 0.39,
    "+": 0.838,
    ",": 0.318,
    "-": 0.361,
    ".": 0.318,
    "/": 0.337,
    "0": 0.636,
    "1": 0.636,
    "2": 0.636,
    "3": 0.636,
    "4": 0.636,
    "5": 0.636,
    "6": 0.636,
    "7": 0.636,
    "8": 0.636,
    "9": 0.636,
    ":": 0.337,
    ";": 0.337,
    "A": 0.684,
    "B": 0.686,
    "C": 0.698,
    "D": 0.77,
    "E": 0.632,
    "F": 0.575,
    "G": 0.775,
    "H": 0.752,
    "I": 0.295,
    "J": 0.295,
    "K": 0.656,
    "L": 0.557,
    "M": 0.863,
    "N": 0.748,
    "O": 0.787,
    "P": 0.603,
    "Q": 0.787,
    "R": 0.695,
    "S": 0.635,
    "T": 0.611,
    "U": 0.732,
    "V": 0.684,
    "W": 0.989,
    "X": 0.685,
    "Y": 0.611,
    "Z": 0.685,
    "a": 0.613,
    "b": 0.635,
    "c": 0.55,
    "d": 0.635,
    "e": 0.615,
    "f": 0.352,
    "g": 0.635,
    "h": 0.634,
    "i": 0.278,
    "j": 0.278,
    "k": 0.579,
    "l": 0.278,
    "m": 0.974,
    "n": 0.634,
    "o": 0.612,
    "p": 0.635,
    "q": 0.635,
    "r": 0.411,
    "s": 0.521,
    "t": 0.392,
    "u": 0.634,
    "v": 0.592,
    "w": 0.818,
    "x": 0.592,
    "y": 0.592,
    "z": 0.525,
}


def text_width(text: str, font: float = FONT) -> float:
    """About how wide ``text`` is drawn in the pages' sans-serif font of ``font`` units (no browser needed).

    Examples
    --------
    >>> from viz.layout import text_width
    >>> round(text_width("PD-1"))
    36
    """
    return font * sum(_EMS.get(ch, 0.62) for ch in text)


def wrap(label: str, max_width: float = LABEL_WIDTH, font: float = FONT) -> list[str]:
    """The lines a label is drawn in: words wrapped at ``max_width`` (a long word gets a line of its own).

    Examples
    --------
    >>> from viz.layout import wrap
    >>> wrap("Tumour-infiltrating lymphocyte therapy")
    ['Tumour-infiltrating', 'lymphocyte therapy']
    """
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(lines[-1] + " " + word, font) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class Box(NamedTuple):
    """The room a node and its label take, in layout units: width, height, and where the
    box's centre lies relative to the node's position (a label beside a glyph pulls it over)."""

    w: float
    h: float
    dx: float = 0.0
    dy: float = 0.0


def label_box(
    label: str,
    *,
    shape: str = "box",
    side: str = "below",
    width: float = LABEL_WIDTH,
    font: float = FONT,
    size: float = GLYPH,
) -> Box:
    """The :class:`Box` of a node drawn as ``shape`` with its label at ``side``.

    Examples
    --------
    >>> from viz.layout import label_box
    >>> box = label_box("PD-1", shape="diamond", side="right")
    >>> box.dx > 0 and box.h < 2 * box.w
    True
    """
    lines = wrap(label, width, font)
    tw = max(text_width(line, font) for line in lines)
    th = LEADING * font * len(lines)
    if side == "chip":
        return Box(CHIP_GLYPH + tw + 2 * CHIP_PAD[0], max(2 * size, th) + 2 * CHIP_PAD[1])
    if side == "inside":
        w, h = tw + 16.0, th + 12.0  # vis-network's margin around the text
        if shape == "ellipse":
            w, h = w * 1.2, h * 1.2
        elif shape == "circle":
            w = h = max(w, h)
        return Box(w, h)
    glyph = 2.0 * size
    if side in ("right", "left"):
        w = glyph + LABEL_GAP + tw
        return Box(w, max(glyph, th), (w / 2 - size) * (1 if side == "right" else -1), 0.0)
    h = glyph + LABEL_GAP + th
    return Box(max(glyph, tw), h, 0.0, h / 2 - size)


def label_sides(g: nx.Graph, pos: Positions) -> dict:
    """Where each node's label goes.

    A shape that holds its label keeps it inside; a glyph and its label share a chip. On a map too
    large to label whole (more than :data:`BIG` nodes), every node is its category's glyph, with the
    label below it, so that the page can leave most labels out until the reader zooms in.
    """
    if len(g) > BIG:
        return dict.fromkeys(g.nodes, "below")
    return {n: _side(g, n) for n in g.nodes}


def _side(g: nx.Graph, n) -> str:
    """Where a node's label goes on a map small enough to label whole."""
    return "inside" if g.nodes[n].get("shape") in LABEL_INSIDE else "chip"


def node_boxes(g: nx.Graph, sides: Mapping, *, width: float | None = None) -> dict:
    """:func:`label_box` of every node of ``g``, from its ``label`` and ``shape``, its side and the map's
    :func:`wrap_width`."""
    width = wrap_width(g) if width is None else width
    return {
        n: label_box(a.get("label", str(n)), shape=a.get("shape", "dot"), side=sides.get(n, "below"), width=width)
        for n, a in g.nodes(data=True)
    }


def wrap_width(g: nx.Graph) -> float:
    """Where the labels of a map wrap: on a layered map with few columns, wider than :data:`LABEL_WIDTH`
    (the columns share the width of the screen), so that a tall column needs fewer lines."""
    if g.graph.get("layout") != "layered":
        return LABEL_WIDTH
    count = sum(columns(g)[1].values()) or 1
    room = CANVAS[0] / count - COLUMN_GAP - CHIP_GLYPH - 2 * CHIP_PAD[0]
    return float(min(2 * LABEL_WIDTH, max(LABEL_WIDTH, 10 * (room // 10))))


def columns(g: nx.Graph, *, rank: str = "rank") -> tuple[dict, dict]:
    """The columns of a layered map: ``({node: column}, {column: folds})``, left to right.

    Each rank is a column. A rank too tall to show at :data:`READABLE_PX` on :data:`CANVAS` (its
    labels wrapped at :data:`LABEL_WIDTH`) is split in two side by side, the nodes linked to a column
    on the left first, when both halves hold a quarter of it at least; otherwise it is folded: its
    nodes zig-zag between two or three columns, with room between two nodes of one column for the
    links to the other.
    """
    limit = CANVAS[1] * FONT / READABLE_PX
    rank_of = {n: r if r is not None else 0 for n, r in g.nodes(data=rank)}

    def need(ns) -> float:
        return sum(
            label_box(g.nodes[n].get("label", str(n)), shape=g.nodes[n].get("shape", "dot"), side=_side(g, n)).h
            + ROW_GAP
            for n in ns
        )

    und = nx.Graph()
    und.add_nodes_from(g.nodes)
    und.add_edges_from((a, b) for a, b in g.edges() if a != b)
    column: dict = {}
    fold: dict = {}
    k = 0
    for r in sorted(set(rank_of.values())):
        members = sorted((n for n in g if rank_of[n] == r), key=str)
        parts = [members]
        if need(members) > limit:
            linked = [n for n in members if any(rank_of[m] < r for m in und.neighbors(n))]
            rest = [n for n in members if n not in set(linked)]
            if min(len(linked), len(rest)) >= len(members) / 4:
                parts = [linked, rest]
        for part in parts:
            column.update(dict.fromkeys(part, k))
            fold[k] = min(3, max(1, math.ceil(need(part) / limit)))
            k += 1
    return column, fold


# ---------------------------------------------------------------------------
# measures


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


def hubs(g: nx.Graph, most: int) -> list:
    """The ``most`` best-linked nodes, best first (ties by label): the labels a page shows on a map too
    big to label whole, as long as they keep clear of each other on the screen.

    Examples
    --------
    >>> import networkx as nx
    >>> from viz import layout
    >>> layout.hubs(nx.star_graph(5), 2)
    [0, 1]
    """
    return sorted(g.nodes, key=lambda n: (-g.degree(n), str(g.nodes[n].get("label", n)), str(n)))[:most]


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


# ---------------------------------------------------------------------------
# layouts


def view_layout(g: nx.Graph, *, seed: int = 7) -> Positions:
    """Positions for a view, by the layout its data asks for (``g.graph["layout"]``), for the edges it draws.

    A graph laid out before (the same nodes, edges and attributes, the same seed and immunoviz) is
    taken from the cache (:mod:`viz.cache`): the layouts are seeded, so that gives the same positions.
    """
    from viz import cache
    from viz.graph import drawn

    g = drawn(g)
    return cache.memory().cache(_view_layout_cached, ignore=["g"])(g, seed, _graph_key(g, seed))


def _graph_key(g: nx.Graph, seed: int) -> str:
    """Everything a layout of ``g`` depends on, hashed: its nodes, edges and attributes, the seed, the code."""
    import json

    from viz import cache

    def text(x) -> str:
        return json.dumps(x, sort_keys=True, default=repr)

    parts = [cache.code_fingerprint(), type(g).__name__, str(seed), text(g.graph)]
    parts += [text([str(n), a]) for n, a in sorted(g.nodes(data=True), key=lambda t: str(t[0]))]
    parts += sorted(text([str(a), str(b), d]) for a, b, d in g.edges(data=True))
    return cache.fingerprint(parts)


def _view_layout_cached(g: nx.Graph, seed: int, key: str) -> Positions:  # joblib keys the cache on these
    kind = g.graph.get("layout", "force")
    if kind == "layered":
        return layered_layout(g, seed=seed)
    if kind == "circular":
        return circular_layout(g, seed=seed)
    if len(g) > BIG:  # a map to zoom into: each kind of concept in a region of its own
        return force_layout(g, seed=seed, group="category", pull=8)
    # a story: of a few drawings (some with each step's concepts held together a little), the one that
    # reads best: whole at 12 px, then the most steps at 18 px, then the fewest crossings
    if not g.graph.get("steps"):
        return force_layout(g, seed=seed, tries=8)
    drawings = [force_layout(g, seed=seed, tries=8), force_layout(g, seed=seed, group="step", pull=1, tries=8)]
    return max(drawings, key=lambda pos: _readability(g, pos))


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


def _spread(want: list[float], sizes: list[float]) -> list[float]:
    """Positions as close as possible (least squares) to ``want``, in the same order, each at least
    ``(sizes[i] + sizes[i + 1]) / 2`` from the next: pool-adjacent-violators on the gaps."""
    offs = [0.0]
    for a, b in itertools.pairwise(sizes):
        offs.append(offs[-1] + (a + b) / 2)
    blocks: list[list[float]] = []  # [sum of (want - offset), count, first index]
    for i, (w, o) in enumerate(zip(want, offs, strict=True)):
        blocks.append([w - o, 1.0, float(i)])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c, _ = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    out: list[float] = []
    for s, c, _ in blocks:
        out += [s / c] * int(c)
    return [b + o for b, o in zip(out, offs, strict=True)]


SIFT_ROUNDS = 3
#: shuffled starts of :func:`_mincross`, and how many of its best orders are drawn and sifted
RESTARTS, DRAWN = 15, 4
#: :func:`_anneal`: moves tried per node, how far a node moves, the temperature (in crossings) at the
#: start and the end
ANNEAL_MOVES, ANNEAL_REACH, ANNEAL_HEAT = 80, 2, (1.0, 0.02)


def layered_layout(g: nx.Graph, *, rank: str = "rank", seed: int = 7) -> Positions:
    """The data's ranks as columns, left to right, each ordered to cross as few edges as possible.

    The first order within the columns comes from igraph's Sugiyama layout (the ranks are its layer
    constraints; links between ranks several columns apart get dummy nodes); :func:`_mincross` then
    sweeps it as Graphviz's dot does, with sifting, from igraph's order and from :data:`RESTARTS` shuffled
    ones; the :data:`DRAWN` orders that cross least are drawn. Each column is spread by the heights of
    its labels, every node as level with its linked neighbours as the order allows, and :func:`_sift`
    moves single nodes to where their own edges cross least. Of these drawings the one that keeps the whole map readable
    (:data:`READABLE_PX` on :data:`CANVAS`), then the most story steps at :data:`STEP_PX`, then the fewest
    crossings wins, and :func:`_anneal` moves its nodes up and down their columns while that keeps it as
    readable and crosses fewer edges, as drawn. Nodes without a rank go to the first column.
    """
    nodes = sorted(g.nodes, key=str)
    if not nodes:
        return {}
    layer, fold = columns(g, rank=rank)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted({(a, b) if layer[a] <= layer[b] else (b, a) for a, b in g.edges() if layer[a] != layer[b]})
    boxes = node_boxes(g, label_sides(g, {}))
    und = nx.Graph()
    und.add_nodes_from(nodes)
    und.add_edges_from((a, b) for a, b in g.edges() if a != b)
    slot: dict = {}
    frames = _step_frames(g)
    links = list(g.edges())

    def draw(order: Mapping) -> tuple[tuple[bool, int], Positions]:
        slot.update({n: i for col in order.values() for i, n in enumerate(col)})
        pos = _place_columns(und, order, boxes, slot, fold)
        unreadable = FONT * fit_scale(pos, boxes) < READABLE_PX
        small_steps = sum(px < STEP_PX for px in frames(pos, boxes).values())
        return (unreadable, small_steps, crossings(pos, links, edge_curves(g, pos, boxes))), pos

    with _seeded(seed) as ig:  # igraph's Sugiyama draws no random numbers with layers given; seeded anyway
        h = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in edges], directed=True)
        coords = h.layout_sugiyama(layers=[layer[n] for n in nodes], maxiter=200).coords
    first: dict = defaultdict(list)
    for n in sorted(nodes, key=lambda n: (coords[index[n]][0], str(n))):
        first[layer[n]].append(n)
    # dot's mincross from igraph's order and from shuffled ones (OGDF's Sugiyama runs 15 such starts):
    # the few orders that cross least go on to be drawn
    within = sorted((a, b) for a, b in und.edges() if layer[a] == layer[b])
    tried = [_mincross(layer, edges, first, within=within)]
    rng = random.Random(seed)
    for _ in range(RESTARTS):
        shuffled = {c: rng.sample(col, len(col)) for c, col in first.items()}
        tried.append(_mincross(layer, edges, shuffled, within=within))
    tried.sort(key=lambda t: t[1])
    best = None
    for start in (first, *(order for order, _ in tried[:DRAWN])):
        order = {c: list(col) for c, col in start.items()}
        key, pos = draw(order)
        kept = {c: list(col) for c, col in order.items()}  # the order drawn as ``pos``
        for _ in range(SIFT_ROUNDS):  # sift, spread the columns again, and again while that helps
            _sift(g, order, pos)
            trial, placed = draw(order)
            if trial >= key:
                break
            key, pos, kept = trial, placed, {c: list(col) for c, col in order.items()}
        if best is None or key < best[0]:
            best = (key, pos, kept)
    key, pos, order = best
    return _anneal(order, draw, (key, pos), random.Random(seed))


def _anneal(order: dict, draw, start: tuple, rng: random.Random) -> Positions:
    """Simulated annealing (Kirkpatrick, Gelatt and Vecchi, Science 1983, doi:10.1126/science.220.4598.671;
    for drawings of graphs, Davidson and Harel, ACM TOG 1996, doi:10.1145/234535.234538) on the drawing
    itself, so that it counts what the reader sees: folded columns, bowed edges, edges that pass a column.

    A move takes a node up to :data:`ANNEAL_REACH` places up or down its column. It is kept when the
    drawing stays as readable (``draw``'s key: the whole map, then the story steps) and crosses no more
    edges, or, with the chance ``exp(-more / temperature)``, when it crosses ``more`` edges; the
    temperature cools geometrically through :data:`ANNEAL_HEAT`. ``start``: ``(key, positions)`` of
    ``order``. Returns the positions of the best drawing seen. Changes ``order``."""
    movable = [c for c in sorted(order) if len(order[c]) > 1]
    sizes = [len(order[c]) for c in movable]
    shifts = [d for d in range(-ANNEAL_REACH, ANNEAL_REACH + 1) if d]
    best = current = start
    moves = ANNEAL_MOVES * sum(sizes)
    hot, cold = ANNEAL_HEAT
    for step in range(moves if movable else 0):
        if best[0] == (False, 0, 0):  # nothing left to gain
            break
        col = order[rng.choices(movable, sizes)[0]]
        i = rng.randrange(len(col))
        j = min(len(col) - 1, max(0, i + rng.choice(shifts)))
        if i == j:
            continue
        col.insert(j, col.pop(i))
        trial = draw(order)
        more = trial[0][2] - current[0][2]
        temperature = hot * (cold / hot) ** (step / moves)
        if trial[0][:2] <= current[0][:2] and (more <= 0 or rng.random() < math.exp(-more / temperature)):
            current = trial
            best = min(best, trial, key=lambda t: t[0])
        else:
            col.insert(i, col.pop(j))
    return best[1]


def _mincross(layer: Mapping, edges: list, start: Mapping, *, within: Iterable = (), rounds: int = 24) -> tuple:
    """Orders of the columns that cross fewer edges: dot's *mincross* (Gansner et al., IEEE TSE 1993),
    median sweeps left to right and back, each followed by swaps of neighbours while they help, then
    *sifting* (Matuszewski, Schoenfeld and Molitor, 1999): each node to the place in its column where
    its edges cross fewest. It works on the columns with a dummy node wherever an edge passes through
    one, starts from ``start`` and returns the best orders seen (real nodes only) with their crossings;
    ``edges`` run from a lower column to a higher one. An edge ``within`` a column bows out to one side,
    across the edges that reach the nodes between its ends from there: those count too."""
    order = {c: list(col) for c, col in start.items()}
    right: dict = defaultdict(list)  # node -> its neighbours one column to the right
    left: dict = defaultdict(list)
    for a, b in edges:
        prev = a
        for c in range(layer[a] + 1, layer[b]):
            dummy = ("·", a, b, c)
            order.setdefault(c, []).append(dummy)
            right[prev].append(dummy)
            left[dummy].append(prev)
            prev = dummy
        right[prev].append(b)
        left[b].append(prev)
    cols = sorted(order)
    at = {n: k for c in cols for k, n in enumerate(order[c])}
    bows: dict = defaultdict(list)
    for a, b in within:
        bows[layer[a]].append((a, b))

    def bowed(c: int) -> int:  # crossings of the edges within column c, each bowed to its better side
        col = order[c]
        spans = (col[min(at[a], at[b]) + 1 : max(at[a], at[b])] for a, b in bows[c])
        return sum(min(sum(len(left[n]) for n in ns), sum(len(right[n]) for n in ns)) for ns in spans)

    def crossing_numbers(c: int) -> tuple[dict, np.ndarray]:
        """``M[u, v]``: the crossings of ``u``'s edges with ``v``'s (two nodes of column ``c``) when ``u`` is
        above ``v``, the columns beside it held where they are."""
        col = order[c]
        idx = {n: i for i, n in enumerate(col)}
        m = np.zeros((len(col), len(col)), dtype=np.int64)
        for side in (left, right):
            ends = [(idx[n], at[p]) for n in col for p in side[n]]
            if ends:
                owner, where = np.array(ends).T
                u = np.zeros((len(ends), len(col)), dtype=np.int64)
                u[np.arange(len(ends)), owner] = 1
                m += u.T @ (where[:, None] > where[None, :]).astype(np.int64) @ u
        return idx, m

    def total() -> int:
        count = 0
        for c in cols[:-1]:
            pairs = sorted((at[u], at[v]) for u in order[c] for v in right[u])
            count += sum(1 for i, (_, b1) in enumerate(pairs) for _, b2 in pairs[i + 1 :] if b2 < b1)
        return count + sum(bowed(c) for c in bows)

    def place(c: int) -> None:
        at.update((n, k) for k, n in enumerate(order[c]))

    def median(n, side) -> float | None:
        ps = sorted(at[m] for m in side[n])
        if not ps:
            return None
        mid = len(ps) // 2
        return float(ps[mid]) if len(ps) % 2 else (ps[mid - 1] + ps[mid]) / 2

    def transpose() -> None:
        improved = True
        while improved:
            improved = False
            for c in cols:
                col = order[c]
                idx, m = crossing_numbers(c)
                for i in range(len(col) - 1):
                    u, v = col[i], col[i + 1]
                    before = m[idx[u], idx[v]] + (bowed(c) if bows[c] else 0)
                    col[i], col[i + 1] = v, u
                    at[u], at[v] = i + 1, i
                    if m[idx[v], idx[u]] + (bowed(c) if bows[c] else 0) < before:
                        improved = True
                    else:
                        col[i], col[i + 1] = u, v
                        at[u], at[v] = i, i + 1

    def sift(c: int) -> None:
        col = order[c]
        idx, m = crossing_numbers(c)
        for u in list(col):
            rest = [n for n in col if n != u]
            here = col.index(u)
            others = [idx[v] for v in rest]
            costs = [0, *np.cumsum(m[others, idx[u]] - m[idx[u], others]).tolist()]
            if bows[c]:  # add the bowed edges' crossings, place by place from the cheapest, while it can help
                found = math.inf
                for j in sorted(range(len(costs)), key=lambda j: costs[j]):
                    if costs[j] > found:
                        costs[j] = math.inf
                        continue
                    col[:] = [*rest[:j], u, *rest[j:]]
                    place(c)
                    costs[j] += bowed(c)
                    found = min(found, costs[j])
                col[:] = [*rest[:here], u, *rest[here:]]
                place(c)
            best_j = min(range(len(costs)), key=lambda j: (costs[j], j != here))
            if best_j != here:
                col[:] = [*rest[:best_j], u, *rest[best_j:]]
                place(c)

    best, best_order, stale = total(), {c: list(order[c]) for c in cols}, 0
    for r in range(rounds):
        if stale >= 4:  # two sweeps each way without a better order: as dot does, stop
            break
        sweep, side = (cols[1:], left) if r % 2 == 0 else (cols[-2::-1], right)
        for c in sweep:
            keys = {n: median(n, side) for n in order[c]}
            order[c].sort(key=lambda n: keys[n] if keys[n] is not None else at[n])
            place(c)
        transpose()
        for c in sweep:
            sift(c)
        transpose()
        now = total()
        stale = 0 if now < best else stale + 1
        if now < best:
            best, best_order = now, {c: list(order[c]) for c in cols}
    real = {c: [n for n in col if not isinstance(n, tuple) or n[:1] != ("·",)] for c, col in best_order.items()}
    return real, best


def _sift(g: nx.Graph, order: Mapping, pos: Positions) -> None:
    """The step igraph's Sugiyama leaves out: move each node up or down its column to the place where
    its own edges cross fewest others (tried with the node between its would-be neighbours, the rest
    where they are; the columns are spread again afterwards). Changes ``order`` in place."""
    drawing = _Drawing(pos, g.edges(), edge_curves(g, pos))
    lefts = _lefts(g, pos)  # moving up or down its column keeps a node's left edge
    incident = _incident(g)
    for c in sorted(order):
        col = order[c]
        for u in list(col) if len(col) > 1 else ():
            rest = [n for n in col if n != u]
            ys = [drawing.pos[n][1] for n in rest]
            x = drawing.pos[u][0]
            home = drawing.pos[u]
            best_j, best = col.index(u), drawing.around([u])
            for j in range(len(rest) + 1):
                above = ys[j - 1] if j else ys[0] - 40.0
                below = ys[j] if j < len(rest) else ys[-1] + 40.0
                spot = {u: (x, (above + below) / 2)}
                drawing.moved([u], spot, _bends(lefts, drawing.pos | spot, [u], incident))
                count = drawing.around([u])
                if count < best:
                    best_j, best = j, count
            if best_j != col.index(u):
                rest.insert(best_j, u)
                col[:] = rest
                # keep the places of the column, in the new order
                places = sorted(drawing.pos[n][1] for n in col)
                moved = {n: (drawing.pos[n][0], y) for n, y in zip(col, places, strict=True)}
            else:
                moved = {u: home}
            drawing.moved(list(moved), moved, _bends(lefts, drawing.pos | moved, list(moved), incident))


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


def _place_columns(und: nx.Graph, order: Mapping, boxes: Mapping, slot: Mapping, fold: Mapping) -> Positions:
    """Columns side by side, as wide as their boxes; in each, nodes in ``order`` spread by box heights,
    pulled level with their neighbours in the other columns. A column folded ``k`` times zig-zags its
    nodes between ``k`` columns side by side."""
    columns = sorted(order)

    def pitch(n, c) -> float:  # the height a node takes in its column
        k = fold.get(c, 1)
        return (boxes[n].h + (FOLD_GAP if k > 1 else ROW_GAP)) / k

    unit = float(np.median([boxes[n].h for n in und])) + ROW_GAP
    y = {n: slot[n] * unit for n in und}
    pitches = {c: [pitch(n, c) for n in order[c]] for c in columns}
    # no column is pulled taller than the tallest one needs to be
    tallest = max(sum(pitches[c]) for c in columns)
    lo, hi = -tallest / 2, tallest / 2
    for c in columns:
        y.update(zip(order[c], _spread([y[n] for n in order[c]], pitches[c]), strict=True))
    column = {n: c for c in columns for n in order[c]}
    # each node's neighbours in the columns to its left (-1) and to its right (+1)
    near_on = {
        side: {n: [m for m in und.neighbors(n) if side * (column[m] - column[n]) > 0] for n in column}
        for side in (-1, 1)
    }

    def pull(c: int, side: int, only_lonely: bool) -> None:
        """Spread column ``c`` with each node as level as its order allows with its neighbours on ``side``
        (-1 left, +1 right); with ``only_lonely``, only nodes with no neighbour on the left move."""
        col = order[c]
        want = []
        for n in col:
            near = [] if only_lonely and near_on[-1][n] else [y[m] for m in near_on[side][n]]
            want.append(min(hi, max(lo, sum(near) / len(near))) if near else y[n])
        y.update(zip(col, _spread(want, pitches[c]), strict=True))

    for c in columns[1:]:  # left to right, each node level with its neighbours to the left
        pull(c, -1, False)
    for c in columns[::-1]:  # then right to left, the nodes with none to the left (a column's first nodes)
        pull(c, +1, True)
    pos: Positions = {}
    left = 0.0
    for c in columns:
        col, k = order[c], fold.get(c, 1)
        width = max(boxes[n].w for n in col)
        for i, n in enumerate(col):  # every box at its column's left edge
            pos[n] = (left + (i % k) * (width + COLUMN_GAP / 2) + boxes[n].w / 2 - boxes[n].dx, y[n])
        left += k * width + (k - 1) * COLUMN_GAP / 2 + COLUMN_GAP
    mid = (max(y.values()) + min(y.values())) / 2
    return {n: (round(x, 1), round(v - mid, 1)) for n, (x, v) in pos.items()}


def circular_layout(g: nx.Graph, *, rank: str = "rank", seed: int = 7, aspect: float | None = None) -> Positions:
    """Ranked nodes on a ring in rank order, clockwise from the top; the rest around it.

    A node linked to most of the ring (such as the cycle itself) is its hub and sits
    in the middle. Every other node sits outside the ring at the mean angle of the
    nodes it links to (a therapy beside the step where it acts; a node linked only
    to outer nodes takes their angles); then neighbours around the ring swap places
    while that crosses fewer edges, and overlap removal spreads the outer nodes so
    that their labels, which point away from the centre, keep clear of each other.
    The ring is an ellipse the shape of :data:`CANVAS` (``aspect`` = width / height,
    1 for a circle), as large as its nodes need.
    """
    ranked = sorted((n for n, r in g.nodes(data=rank) if r is not None), key=lambda n: (g.nodes[n][rank], str(n)))
    if not ranked:
        return force_layout(g, seed=seed)
    und = nx.Graph()
    und.add_nodes_from(g.nodes)
    und.add_edges_from((a, b) for a, b in g.edges() if a != b)
    others = sorted((n for n in und if n not in set(ranked)), key=str)
    on_ring = {n: sum(m in ranked for m in und.neighbors(n)) for n in others}
    hubs = [n for n in others if on_ring[n] >= 0.85 * len(ranked)]
    outer = [n for n in others if n not in hubs]
    step = 2 * math.pi / len(ranked)
    angle = {n: -math.pi / 2 + step * i for i, n in enumerate(ranked)}
    wanted: dict = {}
    for _ in range(3):  # outer nodes linked only to outer nodes take their angles, once those are known
        for n in outer:
            near = [angle.get(m, wanted.get(m)) for m in sorted(und.neighbors(n), key=str)]
            near = [a for a in near if a is not None]
            if near:
                wanted[n] = math.atan2(sum(map(math.sin, near)), sum(map(math.cos, near)))
    for i, n in enumerate(n for n in outer if n not in wanted):
        wanted[n] = -math.pi / 2 + 2 * math.pi * (i + 0.5) / max(len(outer), 1)
    start = -math.pi / 2 - step / 2  # the outer ring is cut half a step before the first ranked node
    ring = sorted(outer, key=lambda n: ((wanted[n] - start) % (2 * math.pi), str(n)))
    stretch = math.sqrt(CANVAS[0] / CANVAS[1] if aspect is None else aspect)
    inside = {
        n: label_box(g.nodes[n].get("label", str(n)), shape=g.nodes[n].get("shape", "dot"), side=_side(g, n))
        for n in ranked
    }
    radius = max(3 * FONT * 4, sum(b.w + COLUMN_GAP for b in inside.values()) / (2 * math.pi * stretch))
    outer_r = radius + max(b.w for b in inside.values()) / 2 + 2 * COLUMN_GAP
    slots = max(len(ring), 1)

    def place(ring: list) -> Positions:
        pos: Positions = {n: (radius * math.cos(a), radius * math.sin(a)) for n, a in angle.items()}
        for i, n in enumerate(hubs):
            pos[n] = (0.0, (i - (len(hubs) - 1) / 2) * 3 * FONT)
        # each outer node at its wanted angle, nudged towards an even share of the ring so that order counts
        for i, n in enumerate(ring):
            even = start + 2 * math.pi * (i + 0.5) / slots
            a = math.atan2(math.sin(wanted[n]) + math.sin(even), math.cos(wanted[n]) + math.cos(even))
            pos[n] = (outer_r * math.cos(a), outer_r * math.sin(a))
        return {n: (x * stretch, y / stretch) for n, (x, y) in pos.items()}

    pos = place(ring)
    drawing = _Drawing(pos, g.edges())
    for _ in range(4):  # move each outer node to the first place where it crosses fewer edges
        improved = False
        for n in list(ring):
            i = ring.index(n)
            for j in range(len(ring)):
                if j == i:
                    continue
                trial = ring[:i] + ring[i + 1 :]
                trial.insert(j, n)
                span = ring[min(i, j) : max(i, j) + 1]
                before = drawing.around(span)
                trial_pos = place(trial)
                drawing.moved(span, {m: trial_pos[m] for m in span})
                if drawing.around(span) < before:
                    ring, pos, improved = trial, trial_pos, True
                    break
                drawing.moved(span, {m: pos[m] for m in span})
        if not improved:
            break
    sides = label_sides(g, pos)
    return remove_overlaps(pos, node_boxes(g, sides), fixed=set(ranked) | set(hubs))


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
    (:func:`_readability`). The same graph and seed always give the same positions.
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
        score = _readability(g, pos) if tries > 1 else ()
        if best is None or score > best[0]:
            best = (score, pos)
    return best[1]


def _readability(g: nx.Graph, pos: Positions) -> tuple:
    """How well a drawing reads, to compare drawings of one graph (larger is better): whether the whole
    map is readable (:data:`READABLE_PX`), how many story steps show what they reveal at :data:`STEP_PX`,
    then the fewest crossings."""
    boxes = node_boxes(g, label_sides(g, pos))
    whole = FONT * fit_scale(pos, boxes) >= READABLE_PX
    steps = sum(px >= STEP_PX for px in step_px(g, pos, boxes).values())
    return (whole, steps, -crossings(pos, g.edges()))


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
