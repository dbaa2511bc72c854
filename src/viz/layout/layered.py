"""The layered layout: the data's ranks as columns, left to right, each ordered to cross as few edges as
possible (dot's sweeps and sifting, then simulated annealing on the drawing as the reader sees it), then
with as few edges as it can that no curve takes clear of the chips."""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np

from viz.layout import route
from viz.layout.force import _seeded
from viz.layout.labels import (
    COLUMN_GAP,
    FOLD_GAP,
    FONT,
    READABLE_PX,
    ROW_GAP,
    Positions,
    columns,
    label_sides,
    node_boxes,
)
from viz.layout.measure import (
    STEP_PX,
    _bends,
    _Drawing,
    _edge_curver,
    _incident,
    _lefts,
    _step_frames,
    edge_curves,
    fit_scale,
)

__all__ = ["layered_layout"]


def _spread(want: list[float], sizes: list[float]) -> list[float]:
    """Positions as close as possible (least squares) to ``want``, in the same order, each at least
    ``(sizes[i] + sizes[i + 1]) / 2`` from the next: pool-adjacent-violators on the gaps."""
    offs = [0.0]
    for a, b in itertools.pairwise(sizes):
        offs.append(offs[-1] + (a + b) / 2)
    sums: list[float] = []  # the blocks: sum of (want - offset), and count (a float, as it divides)
    counts: list[float] = []
    for w, o in zip(want, offs, strict=True):
        total, count = w - o, 1.0
        while sums and sums[-1] / counts[-1] > total / count:  # merge with the block before
            total += sums.pop()
            count += counts.pop()
        sums.append(total)
        counts.append(count)
    out: list[float] = []
    for total, count in zip(sums, counts, strict=True):
        out += [total / count] * int(count)
    return [b + o for b, o in zip(out, offs, strict=True)]


SIFT_ROUNDS = 3
#: shuffled starts of :func:`_mincross`, and how many of its best orders are drawn and sifted
RESTARTS, DRAWN = 15, 4
#: :func:`_anneal`: moves tried per node, how far a node moves, the temperature (in crossings) at the
#: start and the end
ANNEAL_MOVES, ANNEAL_REACH, ANNEAL_HEAT = 80, 2, (1.0, 0.02)
#: :func:`_clear`: moves tried per edge no curve takes clear of the chips, for at most this many edges (a
#: big, tangled map with more is searched as long, and allowed as many more crossings, as one with that many:
#: a course author's wait under ``immunoviz serve`` stays bounded; our maps start with 7 at most). Of 100, 150,
#: 200, 250, 300 and 400 moves, 150 was the fewest that left the fewest edges under chips on our maps (9, 7,
#: 7, 8, 8, 7), for 1.8 s more in a cold layout of every map
CLEAR_MOVES, CLEAR_EDGES = 150, 8
#: :func:`_clear`: how often a move opens a channel for such an edge instead of moving a node (of 0.15 to 0.5,
#: 0.4 left the fewest edges under chips on our maps with every map's crossings still under dot's)
CHANNEL_SHARE = 0.4


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
    readable and crosses fewer edges, as drawn. Last, :func:`_clear` moves nodes again, and opens channels in
    the columns, to free the edges that no curve of :func:`viz.layout.edge_shapes` could take clear of the
    chips (:func:`viz.layout.route.stuck`), as long as the drawing stays as readable and crosses at most
    :data:`viz.layout.route.CLEAR_WEIGHT` more edges for each edge it sets out to free. Nodes without a rank go
    to the first column.
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

    placer = like = None  # worked out on the first drawing: every order keeps the columns of the first
    curver = _edge_curver(g)  # edge_curves(g, ...)
    drawn: dict = {}  # order -> (draw's answer, the drawing): the annealing tries many an order again

    def draw(order: Mapping) -> tuple[tuple[bool, int], Positions]:
        """``(readability key, positions)`` of ``order``: a pure function of it, so kept by order."""
        nonlocal placer, like
        seen = _seen(order)
        if seen in drawn:
            return drawn[seen][0]
        if placer is None:
            placer = _column_placer(und, order, boxes, fold)
        slot.update({n: i for col in order.values() for i, n in enumerate(col)})
        pos = placer(order, slot)
        unreadable = FONT * fit_scale(pos, boxes) < READABLE_PX
        small_steps = sum(px < STEP_PX for px in frames(pos, boxes).values())
        drawing = _Drawing(pos, links, curver(pos, boxes), like=like)  # :func:`crossings`, links kept
        if like is None:
            like = drawing
        out = (unreadable, small_steps, drawing.count()), pos
        drawn[seen] = out, drawing
        return out

    hints: dict = {}  # route.stuck's: edge -> the shape that took it clear last time, or None

    def blocked(order: Mapping) -> list:
        """The edges of the drawing of ``order`` (drawn before) that no curve takes clear of the chips."""
        return route.blocked(drawn[_seen(order)][1], boxes, hint=hints)

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
    rng = random.Random(seed)
    start = _anneal(order, draw, (key, pos), rng)

    def channel(order: dict, edge: tuple) -> list:
        """Open a channel for ``edge`` (an edge of the drawing of ``order``, drawn before) in each unfolded
        column where its straight line runs near a chip it does not end at: a gap (:func:`_gap`) where the
        line crosses the column, which the column's spreading keeps on the line. Changes ``order``; returns
        ``[(column, gap)]``, what it put where."""
        pos = drawn[_seen(order)][1].pos
        a, b = edge
        (xa, ya), (xb, yb) = pos[a], pos[b]
        if xa == xb:
            return []

        def near(n) -> bool:  # the line runs within CLEAR of n's chip
            left, top, right, bottom = route._rects(pos, boxes, [n])[0].tolist()
            ys = [ya + (yb - ya) * (x - xa) / (xb - xa) for x in (left, right)]
            return max(ys) > top - route.CLEAR and min(ys) < bottom + route.CLEAR

        opened = []
        for c in range(min(layer[a], layer[b]), max(layer[a], layer[b]) + 1):
            col = order[c]
            real = [n for n in col if not _gap(n)]
            if fold.get(c, 1) > 1 or not any(near(n) for n in real if n not in edge):
                continue
            t = min(1.0, max(0.0, (float(np.mean([pos[n][0] for n in real])) - xa) / (xb - xa)))
            # as tall as the line climbs across the column's widest box, and CLEAR from the chips either side
            tall = abs(yb - ya) / abs(xb - xa) * max(boxes[n].w for n in real) + 2 * route.CLEAR
            gap = ("⋮", a, b, c, round(t, 3), round(tall, 1))
            if any(_gap(n) and n[1:4] == gap[1:4] for n in col):
                continue
            y = ya + (yb - ya) * t
            below = [n for n in real if pos[n][1] > y]
            col.insert(col.index(below[0]) if below else len(col), gap)
            opened.append((c, gap))
        return opened

    return _clear(order, draw, blocked, start, rng, channel=channel)


def _anneal(order: dict, draw, start: tuple, rng: random.Random) -> Positions:
    """Simulated annealing (Kirkpatrick, Gelatt and Vecchi, Science 1983, doi:10.1126/science.220.4598.671;
    for drawings of graphs, Davidson and Harel, ACM TOG 1996, doi:10.1145/234535.234538) on the drawing
    itself, so that it counts what the reader sees: folded columns, bowed edges, edges that pass a column.

    A move takes a node up to :data:`ANNEAL_REACH` places up or down its column. It is kept when the
    drawing stays as readable (``draw``'s key: the whole map, then the story steps) and crosses no more
    edges, or, with the chance ``exp(-more / temperature)``, when it crosses ``more`` edges; the
    temperature cools geometrically through :data:`ANNEAL_HEAT`. ``start``: ``(key, positions)`` of
    ``order``. Returns ``(key, positions)`` of the best drawing seen, and leaves ``order`` as its order."""
    movable = [c for c in sorted(order) if len(order[c]) > 1]
    sizes = [len(order[c]) for c in movable]
    best = current = start
    best_order = {c: list(col) for c, col in order.items()}
    moves = ANNEAL_MOVES * sum(sizes)
    for step in range(moves if movable else 0):
        if best[0] == (False, 0, 0):  # nothing left to gain
            break
        col = order[rng.choices(movable, sizes)[0]]
        i = rng.randrange(len(col))
        j = _shift(col, i, rng)
        if j is None:
            continue
        trial = draw(order)
        more = trial[0][2] - current[0][2]
        temperature = _temperature(step, moves)
        if trial[0][:2] <= current[0][:2] and (more <= 0 or rng.random() < math.exp(-more / temperature)):
            current = trial
            if trial[0] < best[0]:
                best, best_order = trial, {c: list(col) for c, col in order.items()}
        else:
            col.insert(i, col.pop(j))
    order.clear()
    order.update(best_order)
    return best


def _gap(n) -> bool:
    """Whether ``n`` is a channel :func:`_clear` opened in a column, not a node."""
    return isinstance(n, tuple) and n[:1] == ("⋮",)


def _seen(order: Mapping) -> tuple:
    """``order`` as a key: its columns' orders, left to right."""
    return tuple(tuple(order[c]) for c in sorted(order))


def _shift(col: list, i: int, rng: random.Random) -> int | None:
    """Move the node at place ``i`` of ``col`` up to :data:`ANNEAL_REACH` places up or down (``col`` changes);
    returns where it went, or ``None`` when it stayed (at the end of its column)."""
    j = min(len(col) - 1, max(0, i + rng.choice([d for d in range(-ANNEAL_REACH, ANNEAL_REACH + 1) if d])))
    if i == j:
        return None
    col.insert(j, col.pop(i))
    return j


def _temperature(step: int, moves: int) -> float:
    """The annealing's temperature at ``step`` of ``moves``: from :data:`ANNEAL_HEAT`'s first to its last,
    geometrically."""
    hot, cold = ANNEAL_HEAT
    return hot * (cold / hot) ** (step / moves)


def _clear(order: dict, draw, blocked, start: tuple, rng: random.Random, *, channel=None) -> Positions:
    """Annealing again, for the edges no curve can take clear of the chips at the positions :func:`_anneal`
    chose (``blocked(order)``, of an order drawn before): nodes move as there, the ends of those edges most
    often. Each edge blocked counts :data:`viz.layout.route.CLEAR_WEIGHT` crossings: a move is kept when the
    drawing stays as readable, crosses no more edges than ``start`` (``(key, positions)`` of ``order``) and that
    weight for each edge blocked there (up to :data:`CLEAR_EDGES` of them), and is no worse, or with the chance
    ``exp(-worse / temperature)``.
    With ``channel(order, edge)`` (which opens gaps in the columns for an edge and returns them), a move opens
    one for a blocked edge :data:`CHANNEL_SHARE` of the time: moving nodes alone cannot part a column where
    chips sit :data:`viz.layout.labels.ROW_GAP` apart. Returns the positions of the best drawing seen (fewest
    edges blocked, then fewest crossings)."""
    now = blocked(order)
    if not now:
        return start[1]
    movable = [c for c in sorted(order) if len(order[c]) > 1]
    column = {n: c for c in movable for n in order[c]}
    aims = min(len(now), CLEAR_EDGES)
    cap = start[0][2] + route.CLEAR_WEIGHT * aims  # each edge it sets out to free may cost that many crossings
    current = best = (len(now), start[0][2], start)
    moves = CLEAR_MOVES * aims
    for step in range(moves):
        if best[0] == 0:
            break
        ends = [n for e in now for n in e if n in column]
        if channel is not None and now and rng.random() < CHANNEL_SHARE:
            opened = channel(order, rng.choice(now))
            if not opened:
                continue

            def undo(opened=opened) -> None:
                for c, gap in opened:
                    order[c].remove(gap)
        else:
            if ends and rng.random() < 0.5:
                col = order[column[rng.choice(sorted(ends, key=str))]]
                i = col.index(rng.choice([n for n in ends if n in col]))
            else:
                col = order[rng.choice(movable)]
                i = rng.randrange(len(col))
            j = _shift(col, i, rng)
            if j is None:
                continue

            def undo(col=col, i=i, j=j) -> None:
                col.insert(i, col.pop(j))

        trial = draw(order)
        if trial[0][:2] > start[0][:2] or trial[0][2] > cap:
            undo()
            continue
        edges = blocked(order)
        worse = route.CLEAR_WEIGHT * (len(edges) - current[0]) + trial[0][2] - current[1]
        temperature = _temperature(step, moves)
        if worse <= 0 or rng.random() < math.exp(-worse / temperature):
            current, now = (len(edges), trial[0][2], trial), edges
            best = min(best, current, key=lambda t: t[:2])
        else:
            undo()
    return best[2][1]


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


def _column_placer(und: nx.Graph, order: Mapping, boxes: Mapping, fold: Mapping):
    """Places the columns of ``order`` as a function ``place(order, slot)`` of orders that keep every node in
    its column (as the sifting and the annealing do): columns side by side, as wide as their boxes; in each,
    nodes in ``order`` (first at ``slot`` rows) spread by box heights, pulled level with their neighbours in
    the other columns. A column folded ``k`` times zig-zags its nodes between ``k`` columns side by side.

    What depends on the columns alone (each node's pitch, its neighbours on either side, the columns'
    widths) is worked out once here: a layout places thousands of orders of one graph."""
    columns = sorted(order)

    def pitch(n, c) -> float:  # the height a node takes in its column
        k = fold.get(c, 1)
        return (boxes[n].h + (FOLD_GAP if k > 1 else ROW_GAP)) / k

    nodes = list(und)
    unit = float(np.median([boxes[n].h for n in nodes])) + ROW_GAP
    column = {n: c for c in columns for n in order[c]}
    pitch_of = {n: pitch(n, c) for n, c in column.items()}
    # each node's neighbours in the columns to its left (-1) and to its right (+1)
    near_on = {
        side: {n: [m for m in und.neighbors(n) if side * (column[m] - column[n]) > 0] for n in column}
        for side in (-1, 1)
    }
    widths = {c: max(boxes[n].w for n in order[c]) for c in columns}
    folds = {c: fold.get(c, 1) for c in columns}

    def place(order: Mapping, slot: Mapping) -> Positions:
        y = {n: slot[n] * unit for c in columns for n in order[c]}
        pitches = {c: [n[5] if _gap(n) else pitch_of[n] for n in order[c]] for c in columns}
        # no column is pulled taller than the tallest one needs to be
        tallest = max(sum(pitches[c]) for c in columns)
        lo, hi = -tallest / 2, tallest / 2
        for c in columns:
            y.update(zip(order[c], _spread([y[n] for n in order[c]], pitches[c]), strict=True))

        def pull(c: int, side: int, only_lonely: bool) -> None:
            """Spread column ``c`` with each node as level as its order allows with its neighbours on
            ``side`` (-1 left, +1 right); with ``only_lonely``, only nodes with no neighbour on the left move."""
            col = order[c]
            want = []
            for n in col:
                if _gap(n):  # on its edge's line
                    _, a, b, _, t, _ = n
                    want.append(y[a] + (y[b] - y[a]) * t)
                    continue
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
            col, k, width = order[c], folds[c], widths[c]
            for i, n in enumerate(col):  # every box at its column's left edge (a gap is never in a folded one)
                if not _gap(n):
                    pos[n] = (left + (i % k) * (width + COLUMN_GAP / 2) + boxes[n].w / 2 - boxes[n].dx, y[n])
            left += k * width + (k - 1) * COLUMN_GAP / 2 + COLUMN_GAP
        mid = (max(v for _, v in pos.values()) + min(v for _, v in pos.values())) / 2
        return {n: (round(x, 1), round(v - mid, 1)) for n, (x, v) in pos.items()}

    return place
