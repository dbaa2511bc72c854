"""Layouts: pure, deterministic, readable when fitted to a screen."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest

from viz import graph, layout


@pytest.mark.parametrize("kind", ["force", "layered", "circular"])
def test_layouts_are_deterministic_and_finite(tiny_dataset, kind, monkeypatch):
    v = graph.view_graph(tiny_dataset, "checkpoints")
    v.graph["layout"] = kind
    for i, n in enumerate(sorted(v.nodes)):
        v.nodes[n]["rank"] = i % 3
    monkeypatch.setenv("IMMUNOVIZ_CACHE", "off")  # both computed, neither taken from the cache
    first, second = layout.view_layout(v).pos, layout.view_layout(v).pos
    assert first == second
    assert set(first) == set(v.nodes)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in first.values())
    assert len(set(first.values())) == len(first), "two nodes at the same place"


def test_a_cached_layout_is_the_one_a_fresh_run_computes(tiny_dataset, monkeypatch, tmp_path):
    """The layout cache only skips work: what it returns is what the code computes, and a graph that
    changed (here one label, which changes its box) is not served another graph's positions."""
    monkeypatch.setenv("IMMUNOVIZ_CACHE", str(tmp_path))
    g = graph.view_graph(tiny_dataset, "checkpoints")
    computed, cached = layout.view_layout(g), layout.view_layout(g)
    assert any(tmp_path.rglob("output.pkl")), "the first call stored its result"
    monkeypatch.setenv("IMMUNOVIZ_CACHE", "off")
    assert computed == cached == layout.view_layout(g)
    changed = g.copy()
    first = sorted(changed)[0]
    changed.nodes[first]["label"] = "a label much longer than any in the tiny dataset"
    fresh = layout.view_layout(changed)
    assert fresh.pos != computed.pos, "the longer label moves the nodes"
    monkeypatch.setenv("IMMUNOVIZ_CACHE", str(tmp_path))
    assert layout.view_layout(changed) == fresh


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
    boxes = layout.node_boxes(g, layout.label_sides(g, pos))
    left = {n: round(x - boxes[n].w / 2) for n, (x, _) in pos.items()}
    assert left["a"] < left["b"] == left["c"] < left["d"], "a column's boxes line up on its left edge"
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


#: Crossings of every shipped map but "everything", with the edges bowed as the layouts place them (before
#: they are routed round chips), in the drawing this code makes today: a change that tangles a map fails
#: here. In issue 13, before this layout, the maps crossed 931 times together. The layered maps' channels
#: (issue 30) cost three_es 8, resistance 1 and side_effects 5 of them, for 10 edges freed from under chips;
#: their longer search (layered.CLEAR_MOVES 100 -> 150) three_es 3 and side_effects 4 more, for 2 more freed.
#: Graphviz dot's count is compared on the drawing as the browser shows it, routed curves and all
#: (:func:`test_layered_and_circular_maps_as_the_browser_draws_them`), not on this model: issue 30.
CROSSING_BUDGET = {
    "cycle": 45,
    "three_es": 20,
    "checkpoints": 68,
    "landscape": 0,
    "checkpoint_drugs": 24,
    "cell_therapies": 44,
    "antibodies_engagers": 19,
    "vaccines_viruses": 12,  # 11 before the content corrections of issue 29 changed its rows
    "resistance": 5,
    "combinations": 37,
    "side_effects": 110,
    "biomarkers": 7,
    "response": 0,
}
TOTAL_BUDGET = 931 // 2


@pytest.fixture(scope="module")
def shipped_layouts(dataset) -> dict:
    """``{view: (graph as drawn, positions)}`` of every shipped view but "everything", laid out once for the
    tests that measure them (grouped on one worker: tests/conftest.py, ``SHARED``)."""
    views = (v for v in graph.view_ids(dataset) if v != "everything")
    return {v: (g, layout.view_layout(g).pos) for v in views for g in [graph.drawn(graph.view_graph(dataset, v))]}


def test_maps_cross_no_more_edges_than_their_budget(shipped_layouts):
    counts = {
        v: layout.crossings(pos, g.edges(), layout.edge_curves(g, pos)) for v, (g, pos) in shipped_layouts.items()
    }
    print(f"\n[crossings] {counts} total {sum(counts.values())}")
    assert set(counts) == set(CROSSING_BUDGET), "a view was added or removed: give it a budget"
    worse = {v: (n, CROSSING_BUDGET[v]) for v, n in counts.items() if n > CROSSING_BUDGET[v]}
    assert worse == {}, "maps that cross more edges than they did: (now, budget)"
    assert sum(counts.values()) <= TOTAL_BUDGET


def test_an_edge_within_a_column_bows_to_the_side_it_crosses_least():
    """Two linked nodes of one column with a node between them that has three links to its left and
    none to its right: the link bows out to the right, crossing nothing."""
    g = nx.Graph(layout="layered")
    g.add_nodes_from(["l1", "l2", "l3"], rank=0)
    g.add_nodes_from(["top", "mid", "bottom"], rank=1, label="same width")  # boxes level in their column
    g.add_edges_from([("l1", "mid"), ("l2", "mid"), ("l3", "mid"), ("top", "bottom")])
    pos = {"l1": (0, -40), "l2": (0, 0), "l3": (0, 40), "top": (200, -60), "mid": (200, 0), "bottom": (200, 60)}
    curves = layout.edge_curves(g, pos)
    assert layout.crossings(pos, g.edges(), curves) == 0
    via = layout.curve_via(pos["top"], pos["bottom"], curves[("top", "bottom")])
    assert via[0] > 200, "bowed to the right"


def test_shipped_views_are_readable_when_fitted_to_a_projector(shipped_layouts):
    """A lecturer opens a map and reads it without zooming: fitted to the map area a 1280 x 720
    projector leaves in presenter mode, labels are at least 12 px high and no two nodes or labels overlap.
    (The map of everything opens on its hubs: a browser test checks it.)"""
    for view, (g, pos) in shipped_layouts.items():
        boxes = layout.node_boxes(g, layout.label_sides(g, pos))
        px = layout.FONT * layout.fit_scale(pos, boxes)
        assert px >= 12, f"{view}: labels would be {px:.1f} px on a {layout.CANVAS} canvas"
        assert layout.overlaps(pos, boxes) == [], view


def test_layered_layout_untangles_a_crossing():
    """Two columns linked crosswise in the order the names suggest: the layout finds the order that crosses nothing."""
    g = nx.Graph()
    for n in ("a1", "a2", "a3"):
        g.add_node(n, rank=0, label=n)
    for n in ("b1", "b2", "b3"):
        g.add_node(n, rank=1, label=n)
    g.add_edges_from([("a1", "b3"), ("a2", "b1"), ("a3", "b2")])
    pos = layout.layered_layout(g)
    assert layout.crossings(pos, g.edges()) == 0
    assert layout.overlaps(pos, layout.node_boxes(g, dict.fromkeys(g, "right"))) == []


def test_crossings_count_curves_and_ignore_shared_ends():
    pos = {"a": (0.0, 0.0), "b": (0.0, 100.0), "c": (-60.0, 50.0), "d": (60.0, 50.0)}
    assert layout.crossings(pos, [("a", "b"), ("c", "d")]) == 1
    assert layout.crossings(pos, [("a", "b"), ("a", "d")]) == 0, "edges that share an end do not cross"
    bend = layout.measure._bend(pos["a"], pos["b"], 0.0, 0.0)  # a link within one column bows out to the left
    assert layout.curve_via(pos["a"], pos["b"], bend)[0] < 0
    near = {**pos, "c": (-10.0, 50.0)}  # the bow passes left of c: c-d no longer crosses a-b
    assert layout.crossings(near, [("a", "b"), ("c", "d")]) == 1
    assert layout.crossings(near, [("a", "b"), ("c", "d")], {("a", "b"): bend}) == 0
    assert layout.crossings(pos, [("a", "b"), ("c", "d")], {("a", "b"): bend}) == 1


SUGIYAMA_REPEATS = """
import random
import igraph as ig
# the shape of the graph that crashed: 15 nodes in 3 layers, one edge spanning two
layers = [0, 1, 2] * 5
edges = [(0, 14), (1, 2), (6, 4), (6, 8), (7, 5), (7, 11), (9, 10), (9, 11), (12, 10), (13, 11)]
for seed in range(300):
    ig.set_random_number_generator(random.Random(seed))
    ig.Graph(n=15, edges=edges, directed=True).layout_sugiyama(layers=layers, maxiter=200)
    ig.set_random_number_generator(random)
print("ok")
"""


def test_sugiyama_with_a_seeded_rng_does_not_crash():
    """igraph 1.0.0 crashed (SIGSEGV) in layout_sugiyama with a seeded random.Random as its RNG when an edge
    spans two layers; pyproject.toml caps igraph below 1.0. In a child process, so a crash fails one test."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", SUGIYAMA_REPEATS], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", f"exit {run.returncode}: {run.stderr[-800:]}"


def test_annealing_untangles_columns_and_never_gives_up_readability():
    """The annealing step of the layered layout, on two columns linked a[i] - b[i] but drawn with the
    second column upside down (every pair of links crosses): it finds the order that crosses nothing;
    and when a rule makes the drawing unreadable unless b7 stays on top, it keeps b7 there and
    untangles the rest."""
    import random

    n = 8

    def drawing(on_top: str | None):
        def draw(order):
            rows = {node: i for i, node in enumerate(order[1])}
            crossed = sum(rows[f"b{i}"] > rows[f"b{j}"] for i in range(n) for j in range(i + 1, n))
            unreadable = on_top is not None and order[1][0] != on_top
            placed = {node: (c, i) for c, col in order.items() for i, node in enumerate(col)}
            return (unreadable, 0, crossed), placed

        return draw

    def second_column(pos):
        return [node for node, _ in sorted(pos.items(), key=lambda t: t[1]) if node[0] == "b"]

    for on_top, expected in [(None, list(range(n))), ("b7", [7, *range(n - 1)])]:
        order = {0: [f"a{i}" for i in range(n)], 1: [f"b{i}" for i in reversed(range(n))]}
        draw = drawing(on_top)
        start = draw(order)
        assert start[0] == (False, 0, n * (n - 1) // 2)
        key, pos = layout.layered._anneal(order, draw, start, random.Random(1))
        assert second_column(pos) == [f"b{i}" for i in expected]
        assert key == draw(order)[0], "the order is left as the best drawing's, for the next step"


def test_nodes_move_to_clear_an_edge_no_curve_can_route_and_only_if_that_crosses_few_more():
    """The step after the annealing (:func:`viz.layout.layered._clear`): an edge a0 - b3 that no curve takes
    clear of the chips until b3 tops its column gets it there when that crosses no more edges, or no more than
    :data:`viz.layout.route.CLEAR_WEIGHT` more (what one edge freed is worth); when moving b3 up would cross
    more than that, the drawing stays as it was; when it would make the map unreadable, too."""
    import random

    n = 6

    def drawing(rule: str):
        def draw(order):
            top = order[1][0] == "b3"
            placed = {node: (c, i) for c, col in order.items() for i, node in enumerate(col)}
            more = {"crosses": layout.route.CLEAR_WEIGHT + 1, "crosses a little": layout.route.CLEAR_WEIGHT}
            return (rule == "unreadable" and top, 0, more.get(rule, 0) * top), placed

        return draw

    def blocked(order):
        return [] if order[1][0] == "b3" else [("a0", "b3")]

    for rule, top in [("free", "b3"), ("crosses", "b0"), ("crosses a little", "b3"), ("unreadable", "b0")]:
        order = {0: [f"a{i}" for i in range(n)], 1: [f"b{i}" for i in range(n)]}
        draw = drawing(rule)
        pos = layout.layered._clear(order, draw, blocked, draw(order), random.Random(1))
        assert min(pos, key=lambda node: (node[0] != "b", pos[node][1])) == top, rule


def test_a_map_with_many_blocked_edges_is_searched_as_long_as_one_with_clear_edges_at_most():
    """A big tangled map (here 30 edges that nothing frees) is searched for as many moves as one with
    :data:`viz.layout.layered.CLEAR_EDGES` blocked edges, and allowed as many more crossings: a course author
    who edits a big layered map under ``immunoviz serve`` waits a bounded time."""
    import random

    n = 12
    tried = []

    def draw(order):
        tried.append(1)
        placed = {node: (c, i) for c, col in order.items() for i, node in enumerate(col)}
        return (False, 0, 0), placed

    def blocked(order):
        return [(f"a{i}", f"b{j}") for i in range(6) for j in range(5)]

    order = {0: [f"a{i}" for i in range(n)], 1: [f"b{i}" for i in range(n)]}
    layout.layered._clear(order, draw, blocked, draw(order), random.Random(1))
    assert (
        0 < len(tried) - 1 <= layout.layered.CLEAR_MOVES * layout.layered.CLEAR_EDGES < 30 * layout.layered.CLEAR_MOVES
    )


@pytest.mark.parametrize("middle", [3, 5])
def test_a_channel_opens_in_a_column_for_an_edge_that_passes_it(middle, monkeypatch):
    """An edge from the first column to the third, level, runs through the chip in the middle of the second
    column, and no curve takes it round a column that tall. :func:`viz.layout.layered._clear` opens a channel
    there: the middle column parts where the edge passes, and the edge is drawn clear of every chip. Without
    channels (``CHANNEL_SHARE = 0``) moving nodes alone leaves it under the middle chip."""
    g = nx.DiGraph()
    g.add_node("a", rank=0, label="a")
    g.add_node("z", rank=2, label="z")
    for i in range(middle):
        g.add_node(f"m{i}", rank=1, label=f"middle concept {i}")
        g.add_edges_from([("a", f"m{i}"), (f"m{i}", "z")])
    g.add_edge("a", "z")

    def drawn(pos):
        boxes = layout.node_boxes(g, layout.label_sides(g, pos))
        px = layout.fit_scale(pos, boxes)
        curves = layout.edge_shapes(g, pos, boxes, layout.edge_curves(g, pos), px=px)
        rects = dict(zip(sorted(pos), layout.route._rects(pos, boxes, sorted(pos)).tolist(), strict=True))
        lines = {(a, b): layout.measure._polyline(pos[a], pos[b], curves.get((a, b)), 24) for a, b in g.edges()}
        return layout.as_drawn(lines, rects, px=px), boxes

    monkeypatch.setattr(layout.layered, "CHANNEL_SHARE", 0.0)
    without, _ = drawn(layout.layered_layout(g))
    assert [e for e, _ in without.under] == [("a", "z")]
    monkeypatch.undo()
    pos = layout.layered_layout(g)
    with_channel, boxes = drawn(pos)
    assert with_channel.under == []
    assert layout.overlaps(pos, boxes) == []
    ys = sorted(pos[f"m{i}"][1] for i in range(middle))
    gaps = [b - a for a, b in itertools.pairwise(ys)]
    assert max(gaps) > min(gaps), "the middle column parts where the edge passes"


def test_the_drawn_counts_see_an_edge_under_a_chip_and_a_crossing():
    """The counts the browser test uses: a line through a third chip runs under it (a bow round it does
    not); two lines that cross once are one crossing; a line that only grazes a chip does not count."""
    boxes = {"a": (-10, -5, 10, 5), "b": (190, -5, 210, 5), "c": (90, -5, 110, 5), "d": (90, 40, 110, 50)}
    straight = {("a", "b"): [(0, 0), (200, 0)]}
    assert layout.as_drawn(straight, boxes, px=1.0).under == [(("a", "b"), ["c"])]
    round_c = {("a", "b"): [(0, 0), (100, -30), (200, 0)]}
    assert layout.as_drawn(round_c, boxes, px=1.0).under == []
    grazing = {("a", "b"): [(0, 3), (200, 3)]}  # 2 px inside c's box: not more than 3 px in
    assert layout.as_drawn(grazing, {**boxes, "c": (90, 1, 110, 11)}, px=1.0).under == []
    crossed = {("a", "b"): [(0, 20), (200, 20)], ("c", "d"): [(100, 0), (100, 45)]}
    assert layout.as_drawn(crossed, boxes, px=1.0).crossings == 1
    shared = {("a", "b"): [(0, 0), (200, 0)], ("a", "d"): [(0, 0), (100, 45)]}
    assert layout.as_drawn(shared, boxes, px=1.0).crossings == 0, "edges that share an end do not cross"


#: Edges that still run under a chip, per layered or circular map, as the browser draws it (issue 30: the
#: goal is none). The edges are routed round chips with one of vis-network's curves each
#: (:func:`viz.layout.edge_shapes`); these are the edges no such curve takes clear of every chip, within
#: the crossings routing may add, at the positions the layouts choose: README, "Edges and chips". A map
#: that draws fewer must be lowered here; one that draws more fails.
UNDER_CHIPS = {
    "cycle": 2,
    "three_es": 0,
    "landscape": 1,
    "checkpoint_drugs": 0,
    "resistance": 2,
    "side_effects": 2,
}


def test_layered_and_circular_maps_as_the_browser_draws_them(dataset, offline_page, tmp_path):
    """Every layered and circular map, opened as a lecturer projects it and read back from vis-network
    (tests/figures.py, as benchmarks/layouts.py reads it): it crosses no more edges than Graphviz dot's
    drawing of the same graph, counted the same way (:func:`viz.layout.as_drawn`), and runs no more edges
    under chips than :data:`UNDER_CHIPS` (none, for a map not listed there). dot is needed: without it
    the test skips, or fails where browser tests are required."""
    import figures
    from conftest import browser_required

    from viz import export, maps

    dot = figures.dot_path()
    if dot is None:
        message = "Graphviz dot not found (Debian: apt-get install graphviz)"
        if browser_required():
            pytest.fail(message + " (browser tests are required here: IMMUNOVIZ_REQUIRE_BROWSER=1 or CI=true)")
        pytest.skip(message)
    views = [
        v for v in graph.view_ids(dataset) if graph.view_graph(dataset, v).graph["layout"] in ("layered", "circular")
    ]
    assert set(views) == set(UNDER_CHIPS), "a layered or circular view was added or removed: count it"
    ours, theirs = {}, {}
    for view in views:
        path = export.write_map(maps.view_map(dataset, view, presenter=True), tmp_path / f"{view}.html")
        drawn, _ = figures.drawn_counts(offline_page.page, path)
        ours[view] = (drawn.crossings, len(drawn.under))
        theirs[view] = figures.dot_counts(graph.drawn(graph.view_graph(dataset, view)), dot).crossings
    print(f"\n[as drawn] (crossings, under chips) {ours}; dot's crossings {theirs}")
    offline_page.assert_clean()
    assert {v: (c, theirs[v]) for v, (c, _) in ours.items() if c > theirs[v]} == {}, "crossings (ours, dot's)"
    assert {v: u for v, (_, u) in ours.items()} == UNDER_CHIPS, "edges under chips, as drawn"


def test_the_layouts_rough_test_draws_arrow_heads_as_the_router_does():
    """route.stuck moves many curves' ends back to the arrow head's core at once (``_to_arrow``): each must be
    the curve :func:`viz.layout.measure._as_page_draws` gives for that edge alone, which the browser test
    holds to what vis-network draws. A layout that measured other curves than the router would work on
    edges the router cannot free and leave those it can."""
    import random

    import numpy as np

    from viz.layout import measure, route

    rng = random.Random(1)
    for how in route.SHAPES:
        if len(measure.control_points((0, 0), (1, 1), how)) == 2:
            continue
        rows = []
        for _ in range(8):
            p = (rng.uniform(-300, 300), rng.uniform(-300, 300))
            q = (rng.uniform(-300, 300), rng.uniform(-300, 300))
            w, h = rng.uniform(10, 120), rng.uniform(10, 60)
            end = np.array([q[0] - w / 2 + rng.uniform(-5, 5), q[1] - h / 2, q[0] + w / 2, q[1] + h / 2])
            rows.append((p, q, end))
        c = np.array([measure.control_points(p, q, how) for p, q, _ in rows], dtype=float)
        moved = route._to_arrow(c, np.array([end for _, _, end in rows]))
        for k, (p, q, end) in enumerate(rows):
            one = measure._as_page_draws(p, q, how, end, route.ROUGH)
            assert np.allclose(measure._bernstein(c.shape[1] - 1, route.ROUGH) @ moved[k], one), how
