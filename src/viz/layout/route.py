"""Edge routing: the one Bezier curve each edge is drawn as, so that no edge runs under a chip it does not
end at, with as few crossings as the positions allow.

vis-network draws an edge straight or as one curve given by its ``smooth`` option; :func:`edge_shapes`
keeps an edge as it is while it runs clear, and otherwise tries the options of :data:`SHAPES` and keeps
the one that runs clear of the other nodes with the fewest crossings (the gentlest of those, then the
first in :data:`SHAPES`), within :data:`MORE_CROSSINGS`. The positions stay as the layout chose them.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np

from viz.layout.labels import Positions
from viz.layout.measure import (
    UNDER_PX,
    UNDER_SHARE,
    _as_page_draws,
    _bernstein,
    _cross,
    _Drawing,
    _inside,
    _length_in,
    _polyline,
    _to_arrow,
    control_points,
    fit_scale,
)

__all__ = ["SHAPES", "blocked", "edge_shapes", "stuck"]

#: The smooth options an edge may be drawn with, in the order they are preferred when they do equally well:
#: the bows of vis-network's ``curvedCW`` and ``curvedCCW`` from shallow to deep, the S-curves of
#: ``cubicBezier`` leaving their nodes level or upright, and the one-bend curves of its static kinds:
#: ``horizontal`` and ``vertical`` (leaving level or upright), ``straightCross`` (arriving level or
#: upright) and ``diagonalCross`` (leaving at 45 degrees). The steps of roundness are fine (a curve that
#: clears two chips 5 units apart has little to spare): from 30 shapes to 86, the edges left under chips
#: on our maps went from 25 to 19, at about 2 s more for a cold layout of every map. vis-network's
#: ``discrete`` and ``continuous`` kinds are left out: no edge of ours was drawn with them when offered.
SHAPES: tuple[dict, ...] = (
    *(
        {"type": kind, "roundness": r}
        for r in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.575, 0.65, 0.725, 0.8, 0.9, 1.0)
        for kind in ("curvedCW", "curvedCCW")
    ),
    *(
        {"type": "cubicBezier", "forceDirection": way, "roundness": r}
        for r in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        for way in ("horizontal", "vertical")
    ),
    *(
        {"type": kind, "roundness": r}
        for r in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
        for kind in ("horizontal", "vertical", "straightCross", "diagonalCross")
    ),
)

#: Routing round chips may add crossings up to this many times those of the drawing as it came (the
#: positions decide how often edges must cross; Graphviz dot's drawings of our layered and circular maps
#: cross about 2 to 13 times as often as ours before routing, the landscape map aside, where neither
#: crosses; none of dot's edges runs under a chip). An edge under a chip misleads a reader (it seems to
#: end there), a crossing only slows one down: twice as many crossings as straight edges would cross
#: keeps every map at or below dot's count and takes 3 more edges clear than 1.5 did.
MORE_CROSSINGS = 2.0
#: When a layout moves nodes to free the edges no shape takes clear of the chips (:func:`blocked`), how many
#: crossings one such edge weighs: the layered layout may add up to that many crossings for each one it sets
#: out to free (with none allowed, its channels freed no edge of our maps; the allowance without channels
#: left 12 under chips; both together, 9, and 7 with the longer search of layered.CLEAR_MOVES).
CLEAR_WEIGHT = 4
#: Points along a curve, to measure it.
STEPS = 24
#: How far, in layout units, an edge keeps clear of a chip it does not end at, so that it also runs clear as
#: the browser draws it (from border to border, rounded, its arrow head).
CLEAR = 4.0


def _rects(pos: Positions, boxes: Mapping, nodes: list) -> np.ndarray:
    """``(len(nodes), 4)``: each node's box as ``left, top, right, bottom``."""
    return np.array(
        [
            (
                pos[n][0] + boxes[n].dx - boxes[n].w / 2,
                pos[n][1] + boxes[n].dy - boxes[n].h / 2,
                pos[n][0] + boxes[n].dx + boxes[n].w / 2,
                pos[n][1] + boxes[n].dy + boxes[n].h / 2,
            )
            for n in nodes
        ],
        dtype=float,
    ).reshape(-1, 4)


class _Router:
    """Every edge as drawn, with an arrow head at its end and without (the page draws either; the layout
    does not know which), to try other shapes for one edge at a time."""

    def __init__(self, pos: Positions, boxes: Mapping, links: list[tuple], px: float):
        self.pos, self.links = pos, links
        nodes = sorted(pos, key=str)
        index = {n: i for i, n in enumerate(nodes)}
        self.rects = _rects(pos, boxes, nodes)
        self.own = np.array([[index[a], index[b]] for a, b in links], dtype=int).reshape(-1, 2)
        # the box less what the counts forgive (as_drawn), and the box with room to spare
        margin = UNDER_PX / px
        self.inner = self.rects + np.array([margin, margin, -margin, -margin])
        self.outer = self.rects + np.array([-CLEAR, -CLEAR, CLEAR, CLEAR])
        # the drawing's extent: a curve that leaves it may be drawn off the screen, which fits the boxes only
        self.frame = np.concatenate([self.rects[:, :2].min(axis=0), self.rects[:, 2:].max(axis=0)])
        self.segs = np.zeros((len(links), 2, STEPS, 4))  # every edge as drawn now, both ways
        self.apart = ~(
            (self.own[:, None, :, None] == self.own[None, :, None, :]).any(axis=(2, 3))
        )  # edges that share no end

    def draw(self, k: int, shapes: list) -> np.ndarray:
        """``(len(shapes), 2, STEPS + 1, 2)``: edge ``k`` drawn as each of ``shapes``, with an arrow head and
        without."""
        a, b = self.links[k]
        end = self.rects[self.own[k, 1]]
        pts = [
            np.broadcast_to(line, (STEPS + 1, 2)) if len(line) == STEPS + 1 else _resample(line)
            for how in shapes
            for line in (
                _as_page_draws(self.pos[a], self.pos[b], how, end, STEPS),
                _polyline(self.pos[a], self.pos[b], how, STEPS),
            )
        ]
        return np.array(pts, dtype=float).reshape(len(shapes), 2, STEPS + 1, 2)

    def score(self, k: int, pts: np.ndarray, count: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """For edge ``k`` drawn as ``pts`` (from :meth:`draw`): whether each shape runs under a chip (as
        :func:`viz.layout.as_drawn` counts, either way) or out of the drawing's extent, whether it comes
        nearer a chip than :data:`CLEAR`, how many edges it crosses (the more of the two ways), its seen
        length, and its segments (with a part inside its own nodes left out). Crossings are counted for the
        shapes ``count`` says (by default, those that run clear, and the first)."""
        p, q = pts[:, :, :-1], pts[:, :, 1:]
        length = np.hypot(*(q - p).transpose(3, 0, 1, 2))

        lo, hi = pts.min(axis=(0, 1, 2)), pts.max(axis=(0, 1, 2))

        def within(rects: np.ndarray) -> np.ndarray:  # [shape, way, box]: length inside each box
            # clipped only against the boxes that some point of some shape is not wholly beside: for a box
            # every segment lies beyond, on one side, _inside gives t1 <= t0 (rounding is monotonic), that
            # is no length; those are set so, and the sums are taken over the same arrays as before
            near = ~((hi[0] < rects[:, 0]) | (lo[0] > rects[:, 2]) | (hi[1] < rects[:, 1]) | (lo[1] > rects[:, 3]))
            t0 = np.ones((*length.shape, len(rects)))
            t1 = np.zeros_like(t0)
            t0[..., near], t1[..., near] = _inside(p[..., None, :], q[..., None, :], rects[near])
            return (np.clip(t1 - t0, 0.0, None) * length[..., None]).sum(axis=2)

        own = self.own[k]
        seen = length.sum(axis=2) - within(self.rects[own]).sum(axis=2)
        inner, outer = within(self.inner), within(self.outer)
        inner[..., own] = 0.0
        outer[..., own] = 0.0
        left, top, right, bottom = self.frame
        out = ((pts[..., 0] < left) | (pts[..., 0] > right) | (pts[..., 1] < top) | (pts[..., 1] > bottom)).any(
            axis=(1, 2)
        )
        under = (inner.sum(axis=2) >= UNDER_SHARE * np.maximum(seen, 1e-9)).any(axis=1) | out
        near = (outer.sum(axis=2) > 1e-6).any(axis=1)
        segs = np.concatenate([p, q], axis=-1)  # [shape, way, step, 4]
        mid = (p + q) / 2
        r = self.rects[own]
        hidden = (
            (mid[..., None, 0] > r[:, 0])
            & (mid[..., None, 0] < r[:, 2])
            & (mid[..., None, 1] > r[:, 1])
            & (mid[..., None, 1] < r[:, 3])
        ).any(axis=-1)
        segs = np.where(
            hidden[..., None], np.concatenate([segs[..., :2], segs[..., :2]], axis=-1), segs
        )  # inside an end: empty
        others = np.flatnonzero(self.apart[k])
        cross = np.zeros(len(pts), dtype=int)
        if count is None:
            count = ~under
            count[0] = True
        if len(others) and count.any():
            # an empty segment (a part inside an end) crosses nothing: both its turns are none, so it is
            # left out of the count (a third or so of the segments; the counts are the router's hottest loop)
            shape_of = np.repeat(np.arange(int(count.sum())), STEPS)
            for way in (0, 1):
                theirs = _drawn(self.segs[others, way].reshape(-1, 4))
                mine = segs[count, way].reshape(-1, 4)
                kept = _drawn(mine, rows=True)
                per_row = _cross(mine[kept], theirs).sum(axis=1)
                hits = np.bincount(shape_of[kept], weights=per_row, minlength=len(shape_of) // STEPS)
                cross[count] = np.maximum(cross[count], hits.astype(int))
        return under, near, cross, seen[:, 0], segs


def _drawn(segs: np.ndarray, *, rows: bool = False) -> np.ndarray:
    """The segments of ``segs`` (rows ``x1, y1, x2, y2``) that are not empty (or, with ``rows``, which rows)."""
    kept = (segs[:, 0] != segs[:, 2]) | (segs[:, 1] != segs[:, 3])
    return kept if rows else segs[kept]


_ALONG = np.linspace(0.0, 1.0, STEPS + 1)[:, None]  # where :func:`_resample` puts its points, worked out once
_ALONG.setflags(write=False)


def _resample(line: np.ndarray) -> np.ndarray:
    """A straight line as :data:`STEPS` + 1 points."""
    return line[0] + _ALONG * (line[-1] - line[0])


def edge_shapes(g: nx.Graph, pos: Positions, boxes: Mapping, curves: Mapping | None = None, *, px: float = 1.0) -> dict:
    """``{(a, b): smooth option}``: how each edge of ``g`` not drawn straight is drawn, so that none runs
    under a chip it does not end at (``boxes``: the nodes' :func:`viz.layout.node_boxes`).

    Each edge starts as ``curves`` draws it (:func:`viz.layout.edge_curves`: straight, or bowed). An edge
    that runs under a node it does not end at (as :func:`viz.layout.as_drawn` counts it at ``px`` screen
    pixels per unit, with an arrow head at its end or without), or nearer than :data:`CLEAR` to one, is
    drawn instead as the shape of :data:`SHAPES` that keeps clear of chips and inside the drawing's
    extent, then crosses the fewest edges, then keeps :data:`CLEAR` of chips, then is the shortest, then
    comes first, as long as the edges cross at most :data:`MORE_CROSSINGS` times as often as they did (the
    positions decide how often edges must cross; a shape only routes an edge round chips). Edges go one at a
    time, by name, twice over (a shape chosen later may open the way for one chosen earlier).

    Examples
    --------
    >>> import networkx as nx
    >>> from viz import layout
    >>> g = nx.Graph([("a", "b")])
    >>> g.add_nodes_from(["c", "d"])
    >>> pos = {"a": (0, 0), "b": (200, 0), "c": (100, 0), "d": (100, 100)}
    >>> boxes = {n: layout.Box(40, 20) for n in pos}
    >>> layout.edge_shapes(g, pos, boxes)  # a to b bows below c (above, it would leave the drawing)
    {('a', 'b'): {'type': 'curvedCCW', 'roundness': 0.2}}
    """
    curves = dict(curves or {})
    links = sorted(
        {(a, b) for a, b in g.edges() if a != b and a in pos and b in pos}, key=lambda e: (str(e[0]), str(e[1]))
    )
    if not links:
        return curves
    router = _Router(pos, boxes, links, px)
    shape = [curves.get(e) for e in links]
    for k in range(len(links)):
        router.segs[k] = router.score(k, router.draw(k, [shape[k]]), np.zeros(1, dtype=bool))[4][0]
    state = [router.score(k, router.draw(k, [shape[k]])) for k in range(len(links))]
    total = sum(int(s[2][0]) for s in state) // 2  # the crossings of the drawing as it came
    budget = int(total * MORE_CROSSINGS)
    for _ in range(2):
        for k in range(len(links)):
            under, near, _, _, _ = router.score(k, router.draw(k, [shape[k]]), np.zeros(1, dtype=bool))
            if not (under[0] or near[0]):
                continue
            tries = [shape[k], *SHAPES]
            u, n, c, length, segs = router.score(k, router.draw(k, tries))
            allowed = total - c[0] + c <= budget
            keys = [
                (bool(u[i]), int(c[i]), bool(n[i]), round(float(length[i]), 3), i)
                for i in range(len(tries))
                if (allowed[i] and not u[i]) or i == 0
            ]
            best = min(keys)[-1]
            if best:
                total += int(c[best] - c[0])
                shape[k] = tries[best]
                router.segs[k] = segs[best]
    return {e: shape[k] for k, e in enumerate(links) if shape[k]}


#: Points along each curve :func:`stuck` tries: fewer than :data:`STEPS`, as a layout asks it of thousands of
#: drawings.
ROUGH = 12


def stuck(pos: Positions, boxes: Mapping, links: list[tuple], px: float, *, hint: dict | None = None) -> list[tuple]:
    """The edges of ``links`` that no shape of :data:`SHAPES` takes clear of every chip they do not end at
    and inside the drawing's extent, either way :func:`edge_shapes` counts it: drawn from centre to centre,
    and to an arrow head (as :func:`viz.layout.as_drawn` counts at ``px``, through :data:`ROUGH` points):
    edges that :func:`edge_shapes` leaves under a chip, however many crossings it may add. The test is rough
    and hopeful: :func:`edge_shapes` measures each shape finer, and may find none clear for an edge this
    passes, or none within the crossings routing allows (of the 7 edges left under chips on our maps, 1
    passes it: the landscape map's one, whose clear curve would cross more than routing allows). The
    layered and circular layouts move nodes to free the edges it finds (:func:`blocked`).
    ``hint``: ``{edge: index into SHAPES, or None}``, updated here: a shape that ran clear, tried first, or
    ``None`` for an edge that none did, whose shapes are then tried all at once (after a small move of the
    nodes either is likely again): a saving only, the answer is the same.

    Examples
    --------
    >>> from viz import layout
    >>> from viz.layout.route import stuck
    >>> pos = {"a": (0, 0), "b": (200, 0), "c": (100, 0)}
    >>> boxes = {"a": layout.Box(40, 20), "b": layout.Box(40, 20), "c": layout.Box(100, 60)}
    >>> stuck(pos, boxes, [("a", "b")], 1.0)  # c's chip is as tall as the drawing: no curve passes it
    [('a', 'b')]
    >>> stuck(pos | {"d": (100, 120)}, boxes | {"d": layout.Box(40, 20)}, [("a", "b")], 1.0)  # room below c
    []
    """
    nodes = sorted(pos, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    rects = _rects(pos, boxes, nodes)
    margin = UNDER_PX / px
    inner = rects + np.array([margin, margin, -margin, -margin])
    left, top, right, bottom = np.concatenate([rects[:, :2].min(axis=0), rects[:, 2:].max(axis=0)])

    def under(pts: np.ndarray, ends: np.ndarray) -> np.ndarray:  # [row]: under a chip, or out of the drawing
        x, y = pts[..., 0], pts[..., 1]
        out = ((x < left) | (x > right) | (y < top) | (y > bottom)).any(axis=1)
        p, q = pts[:, :-1], pts[:, 1:]
        hidden = _hidden(p, q, inner, ends)
        own = _length_in(p, q, rects[ends][:, None])  # [row, segment, end]: each row's own ends
        seen = np.hypot(*np.moveaxis(q - p, -1, 0)).sum(axis=1) - own.sum(axis=(1, 2))
        return (hidden > 0) & (hidden >= UNDER_SHARE * np.maximum(seen, 1e-9)) | out

    # each edge's groups of shapes to try, in turn; every round tries the next group of every edge left at once
    tries = {}
    for e in links:
        if hint is None or e not in hint:
            tries[e] = list(_CHUNKS)
        elif hint[e] is None:  # no shape ran clear last time: all at once
            tries[e] = [_ALL]
        else:  # the shape that ran clear last time first
            tries[e] = [(hint[e],), *_CHUNKS]
    found = set()
    pending = list(dict.fromkeys(links))
    while pending:
        rows = [(e, i) for e in pending for i in tries[e].pop(0)]
        curves = [control_points(pos[e[0]], pos[e[1]], SHAPES[i]) for e, i in rows]
        ends = np.array([[index[a], index[b]] for (a, b), _ in rows], dtype=int).reshape(-1, 2)
        pts = np.empty((len(rows), ROUGH + 1, 2))
        for n in (2, 3, 4):  # straight lines, quadratic and cubic Beziers, each kind at once
            kind = [k for k, c in enumerate(curves) if len(c) == n]
            if kind:
                pts[kind] = _bernstein(n - 1, ROUGH) @ np.array([curves[k] for k in kind], dtype=float)
        clear = ~under(pts, ends)
        # edge_shapes also counts each curve as drawn to an arrow head (its end moved back to the head's core):
        # the curves clear without one must be clear with one too
        for n in (3, 4):
            kind = [k for k, c in enumerate(curves) if len(c) == n and clear[k]]
            if kind:
                c = _to_arrow(np.array([curves[k] for k in kind], dtype=float), rects[ends[kind, 1]])
                clear[kind] = ~under(_bernstein(n - 1, ROUGH) @ c, ends[kind])
        first_clear: dict = {}
        for (e, i), ok in zip(rows, clear.tolist(), strict=True):
            if ok and e not in first_clear:
                first_clear[e] = i
        for e in pending:
            if e in first_clear:
                if hint is not None:
                    hint[e] = first_clear[e]
            elif not tries[e]:
                found.add(e)
                if hint is not None:
                    hint[e] = None
        pending = [e for e in pending if e not in first_clear and tries[e]]
    return [e for e in links if e in found]


def _hidden(p: np.ndarray, q: np.ndarray, boxes: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``[row]``: the length of the segments ``p -> q`` (``(row, segment, 2)``) inside the boxes ``(n, 4)``
    but a row's ``ends`` (``(row, 2)``, indices into ``boxes``), all told. Clipped only where a segment's
    extent meets a box: a few of all the pairs."""
    lo, hi = np.minimum(p, q), np.maximum(p, q)
    meet = (
        (hi[..., None, 0] >= boxes[:, 0])
        & (lo[..., None, 0] <= boxes[:, 2])
        & (hi[..., None, 1] >= boxes[:, 1])
        & (lo[..., None, 1] <= boxes[:, 3])
    )
    rows = np.arange(len(p))
    meet[rows, :, ends[:, 0]] = False
    meet[rows, :, ends[:, 1]] = False
    row, seg, box = np.nonzero(meet)
    a, b = p[row, seg], q[row, seg]
    t0, t1 = _inside(a, b, boxes[box])
    length = np.clip(t1 - t0, 0.0, None) * np.hypot(*(b - a).T)
    return np.bincount(row, weights=length, minlength=len(p))


#: :data:`SHAPES` in the groups :func:`stuck` tries in turn: every seventh shape in each, so that each group
#: holds some of every kind (whether any shape runs clear does not depend on the order; an edge that some
#: shape clears is found so with about a third of the work on our maps)
_CHUNKS = tuple(tuple(range(i, len(SHAPES), 7)) for i in range(7))
_ALL = tuple(range(len(SHAPES)))


def blocked(drawing: _Drawing, boxes: Mapping, *, hint: dict | None = None) -> list[tuple]:
    """The edges of ``drawing`` (its nodes' boxes ``boxes``) that run under a chip and that no shape takes
    clear (:func:`stuck`, with its ``hint``), by name: what a layout moves nodes to clear."""
    pos = drawing.pos
    px = fit_scale(pos, boxes)
    under = drawing.under(_rects(pos, boxes, drawing.nodes), px)
    found = stuck(pos, boxes, [drawing.links[k] for k in under], px, hint=hint)
    return sorted(found, key=lambda e: (str(e[0]), str(e[1])))
