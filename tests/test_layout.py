"""Layouts: pure, deterministic, readable when fitted to a screen."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from viz import graph, layout


@pytest.mark.parametrize("kind", ["force", "layered", "circular"])
def test_layouts_are_deterministic_and_finite(tiny_dataset, kind):
    v = graph.view_graph(tiny_dataset, "checkpoints")
    v.graph["layout"] = kind
    for i, n in enumerate(sorted(v.nodes)):
        v.nodes[n]["rank"] = i % 3
    first, second = layout.view_layout(v), layout.view_layout(v)
    assert first == second
    assert set(first) == set(v.nodes)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in first.values())
    assert len(set(first.values())) == len(first), "two nodes at the same place"


def test_force_layout_depends_on_seed_only():
    g = nx.path_graph(12)
    assert layout.force_layout(g, seed=1) == layout.force_layout(g, seed=1)
    assert layout.force_layout(g, seed=1) != layout.force_layout(g, seed=2)


def test_layered_layout_puts_ranks_in_columns_left_to_right():
    g = nx.Graph()
    for n, r in [("a", 0), ("b", 1), ("c", 1), ("d", 2)]:
        g.add_node(n, rank=r, label=n)
    g.add_edges_from([("a", "b"), ("a", "c"), ("b", "d")])
    pos = layout.layered_layout(g)
    assert pos["a"][0] < pos["b"][0] == pos["c"][0] < pos["d"][0]
    assert pos["d"][1] == pos["b"][1], "d is drawn level with its neighbour b"


def test_circular_layout_rings_ranked_nodes_in_order_clockwise_from_top():
    g = nx.Graph()
    for i in range(7):
        g.add_node(f"s{i}", rank=i + 1, label=f"Step {i}")
    g.add_node("therapy", rank=None, label="A therapy")
    g.add_edge("therapy", "s2")
    pos = layout.circular_layout(g, aspect=1.0)
    angles = [math.atan2(pos[f"s{i}"][1], pos[f"s{i}"][0]) for i in range(7)]
    assert pos["s0"][0] == pytest.approx(0, abs=0.2) and pos["s0"][1] < 0  # at the top (y grows down)
    radius = math.hypot(*pos["s0"])
    assert all(math.hypot(*pos[f"s{i}"]) == pytest.approx(radius, rel=1e-3) for i in range(7))
    assert math.hypot(*pos["therapy"]) > radius, "unranked nodes sit outside the ring"
    t = math.atan2(pos["therapy"][1], pos["therapy"][0])
    assert abs(math.remainder(t - angles[2], 2 * math.pi)) < 0.6, "beside the step it links to"


def test_overlapping_labels_are_pushed_apart():
    pos = {"a": (0.0, 0.0), "b": (5.0, 0.0), "c": (10.0, 3.0)}
    boxes = {n: layout.label_box("A fairly long label") for n in pos}
    out = layout.remove_overlaps(pos, boxes)
    w, h = boxes["a"].w, boxes["a"].h
    for p in pos:
        for q in pos:
            if p < q:
                dx, dy = abs(out[p][0] - out[q][0]), abs(out[p][1] - out[q][1])
                assert dx >= w - 1 or dy >= h - 1, (p, q, out)


def test_circular_layout_stretches_the_ring_to_the_screen():
    g = nx.Graph()
    for i in range(8):
        g.add_node(f"s{i}", rank=i, label=f"Step {i}")
    pos = layout.circular_layout(g, aspect=2.0)
    width = max(x for x, _ in pos.values()) - min(x for x, _ in pos.values())
    height = max(y for _, y in pos.values()) - min(y for _, y in pos.values())
    assert width / height == pytest.approx(2.0, rel=0.05)
    order = sorted(pos, key=lambda n: math.atan2(pos[n][1], pos[n][0]) % (2 * math.pi))
    assert order == [f"s{i}" for i in (2, 3, 4, 5, 6, 7, 0, 1)], "still clockwise, s0 at the top"


def _overlaps(pos, boxes):
    """Pairs of nodes whose label boxes (centred ``dy`` below the node) overlap."""
    nodes = sorted(pos, key=str)
    centre = {n: (pos[n][0], pos[n][1] + boxes[n].dy) for n in nodes}
    return [
        (a, b)
        for i, a in enumerate(nodes)
        for b in nodes[i + 1 :]
        if abs(centre[a][0] - centre[b][0]) < (boxes[a].w + boxes[b].w) / 2 - 1
        and abs(centre[a][1] - centre[b][1]) < (boxes[a].h + boxes[b].h) / 2 - 1
    ]


def test_shipped_views_are_readable_when_fitted_to_a_screen(dataset):
    """A lecturer opens a map and reads it without zooming: at the zoom that fits the
    whole view to the canvas, labels stay well above vis-network's 5-pixel cut-off
    (below it vis-network draws no label at all) and no two labels overlap."""
    from viz.maps import FONT_SIZE

    for view in graph.view_ids(dataset):
        g = graph.view_graph(dataset, view)
        if len(g) > 60:  # the map of everything is for zooming into
            continue
        pos = layout.view_layout(g)
        boxes = layout.label_boxes(g)
        px = FONT_SIZE * layout.fit_scale(pos, boxes)
        assert px >= 8, f"{view}: labels would be {px:.1f} px on a {layout.CANVAS} canvas"
        assert _overlaps(pos, boxes) == [], view


def test_layered_layout_folds_a_tall_column_into_a_screen_shape():
    g = nx.Graph()
    g.add_node("root", rank=0, label="Root")
    for i in range(40):
        g.add_node(f"leaf{i:02d}", rank=1, label=f"Leaf {i}")
        g.add_edge("root", f"leaf{i:02d}")
    pos = layout.layered_layout(g)
    xs = {round(pos[f"leaf{i:02d}"][0]) for i in range(40)}
    assert len(xs) > 1, "40 leaves in one column would be a thin strip"
    boxes = layout.label_boxes(g)
    one_column = {n: (0.0 if n == "root" else 200.0, 0.0 if n == "root" else i * 60.0) for i, n in enumerate(pos)}
    assert layout.fit_scale(pos, boxes) > 1.5 * layout.fit_scale(one_column, boxes)
    assert _overlaps(pos, boxes) == []
