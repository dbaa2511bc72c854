"""The circular layout: ranked nodes on a ring in rank order (the steps of the cancer-immunity cycle),
the rest around it, each beside the steps it links to."""

from __future__ import annotations

import math

import networkx as nx

from viz.layout import route
from viz.layout.force import force_layout, remove_overlaps
from viz.layout.labels import CANVAS, COLUMN_GAP, FONT, Positions, _side, label_box, label_sides, node_boxes
from viz.layout.measure import _Drawing

__all__ = ["circular_layout"]

#: :func:`_clear`: how many places round the ring an outer node may move to free an edge
CLEAR_REACH = 6


def circular_layout(g: nx.Graph, *, rank: str = "rank", seed: int = 7, aspect: float | None = None) -> Positions:
    """Ranked nodes on a ring in rank order, clockwise from the top; the rest around it.

    A node linked to most of the ring (such as the cycle itself) is its hub and sits
    in the middle. Every other node sits outside the ring at the mean angle of the
    nodes it links to (a therapy beside the step where it acts; a node linked only
    to outer nodes takes their angles); then neighbours around the ring swap places
    while that crosses fewer edges, and overlap removal spreads the outer nodes so
    that their labels, which point away from the centre, keep clear of each other.
    Last, :func:`_clear` moves the ends of edges that no curve takes clear of the
    chips round the ring, where that frees them and crosses no more edges.
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

    def finish(ring: list) -> Positions:
        pos = place(ring)
        return remove_overlaps(pos, node_boxes(g, label_sides(g, pos)), fixed=set(ranked) | set(hubs))

    return _clear(g, ring, finish)


def _clear(g: nx.Graph, ring: list, finish) -> Positions:
    """The positions ``finish(ring)`` of the ring order ``ring``, after moving outer nodes up to
    :data:`CLEAR_REACH` places round the ring while that leaves fewer edges that no curve takes clear of the
    chips (:func:`viz.layout.route.blocked`) and crosses no more edges than before (each such edge weighs
    :data:`viz.layout.route.CLEAR_WEIGHT` crossings): the ends of those edges move, first to last."""

    def judge(ring: list) -> tuple[list, int, Positions]:
        pos = finish(ring)
        drawing = _Drawing(pos, links)
        return route.blocked(drawing, node_boxes(g, label_sides(g, pos))), drawing.count(), pos

    links = [(a, b) for a, b in g.edges() if a != b]
    now, cross, pos = judge(ring)
    cap = cross
    for _ in range(3):
        improved = False
        for n in sorted({n for e in now for n in e if n in ring}, key=ring.index):
            if all(n not in e for e in now):  # freed by an earlier move
                continue
            i = ring.index(n)
            for j in range(max(0, i - CLEAR_REACH), min(len(ring), i + CLEAR_REACH + 1)):
                if j == i:
                    continue
                trial = ring[:i] + ring[i + 1 :]
                trial.insert(j, n)
                found, c, p = judge(trial)
                if c <= cap and route.CLEAR_WEIGHT * (len(found) - len(now)) + c - cross < 0:
                    ring, now, cross, pos, improved = trial, found, c, p, True
                    break
        if not improved:
            break
    return pos
