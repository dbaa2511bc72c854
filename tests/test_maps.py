"""Maps: styled from the data, escaped for every context, byte-identical for the same data."""

from __future__ import annotations

import json
import re

from viz import maps, render, style, svg


def _payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="immunoviz-data">(.*?)</script>', html, re.S)
    assert m, "the page embeds its data as JSON"
    return json.loads(m.group(1))


def test_nodes_carry_category_and_step(tiny_dataset):
    net = maps.view_map(tiny_dataset, "checkpoints")
    nodes = {n["id"]: n for n in net.nodes}
    assert nodes["pd1"]["group"] == "molecule"
    assert nodes["pd1"]["shape"] == "box", "a glyph and its label share a box (the page draws the diamond in it)"
    assert set(net.page.sides.values()) == {"chip"}, "on a small map every glyph shares a box with its label"
    assert nodes["ipilimumab"]["step"] == 4
    assert len(net.edges) == 17


def test_colours_and_shapes_come_from_the_category_table(tiny_dataset):
    net = maps.view_map(tiny_dataset, "checkpoints")
    groups = net.vis_options["groups"]
    legend = {c.id: c for c in net.page.categories}
    for cat in tiny_dataset.categories.itertuples():
        if cat.id in groups:
            assert legend[cat.id].colour == cat.colour.lower() and legend[cat.id].shape == cat.shape
            if cat.shape in style.SHAPES_WITH_LABEL_INSIDE:  # vis-network draws the shape, in its colour
                assert groups[cat.id]["color"]["background"] == cat.colour.lower()
                assert groups[cat.id]["shape"] == ("box" if cat.shape == "dashedBox" else cat.shape)
            else:  # a chip: a box, and the page draws the glyph in it from the legend's shape and colour
                assert groups[cat.id]["shape"] == "box" and groups[cat.id]["margin"]["left"] > 20
    assert [c.id for c in net.page.categories] == [
        c for c in tiny_dataset.categories.sort_values("order")["id"] if c in groups
    ], "the legend lists the categories in use, in table order"


def test_label_text_contrast_is_at_least_4_5(tiny_dataset):
    pal = style.palette(tiny_dataset)
    for cat in pal.categories.values():
        if cat.shape in style.SHAPES_WITH_LABEL_INSIDE:
            assert style.contrast_ratio(cat.font_colour, cat.colour) >= 4.5, cat
        else:  # the label sits on the white canvas
            assert style.contrast_ratio(cat.font_colour, "#ffffff") >= 4.5, cat


def test_edges_are_styled_by_relation_type(tiny_dataset):
    net = maps.view_map(tiny_dataset, "checkpoints")
    blocks = next(e for e in net.edges if e["rel"] == "blocks")
    assert blocks["arrows"]["to"] == {"enabled": True, "type": "bar"}
    binds = next(e for e in net.edges if e["rel"] == "binds")
    assert binds["arrows"]["to"]["enabled"] is False
    causes = next(e for e in net.edges if e["rel"] == "causes")
    assert causes["dashes"] == [8, 6]


def test_physics_is_off_and_positions_fixed(tiny_dataset):
    """The page places every concept where the layout put it: no physics moves it afterwards."""
    from viz import graph, layout

    net = maps.view_map(tiny_dataset, "checkpoints")
    assert net.vis_options["physics"]["enabled"] is False
    drawing = layout.view_layout(graph.view_graph(tiny_dataset, "checkpoints"))
    placed = {n["id"]: (n["x"], n["y"]) for n in net.nodes}
    assert placed == {n: (float(x), float(y)) for n, (x, y) in drawing.pos.items()}
    assert len({xy for xy in placed.values()}) == len(placed), "no two concepts on one spot"


def test_the_browser_draws_each_concept_where_the_layout_put_it(tiny_dataset, offline_page, tmp_path):
    net = maps.view_map(tiny_dataset, "checkpoints")
    page_file = tmp_path / "map.html"
    page_file.write_text(render.render_map(net), encoding="utf-8")
    page = offline_page.open(page_file)
    page.wait_for_timeout(1500)  # after the first fit: physics, if it ran, would have moved them by now
    drawn = page.evaluate(
        "() => Object.fromEntries(Object.values(immunoviz.network.body.nodes).map(n => [n.id, [n.x, n.y]]))"
    )
    for n in net.nodes:  # vis-network keeps the whole units of a position it is given (24.8 is drawn at 24)
        (x, y) = drawn[n["id"]]
        assert abs(x - n["x"]) < 1 and abs(y - n["y"]) < 1, (n["id"], (x, y), (n["x"], n["y"]))
    offline_page.assert_clean()


def test_an_ellipse_holds_its_label_inside_the_box_the_layout_gave_it(tiny_dataset, offline_page, tmp_path):
    """vis-network draws an ellipse only as wide as its text plus its height, so a long one-line label ran
    into the outline; the page draws each ellipse round its label's corners, and no wider than the layout's
    box for it (which kept its neighbours clear)."""
    net = maps.view_map(tiny_dataset, "checkpoints")
    page_file = tmp_path / "map.html"
    page_file.write_text(render.render_map(net), encoding="utf-8")
    drawn = offline_page.open(page_file).evaluate(
        """() => Object.values(immunoviz.network.body.nodes).filter(n => n.options.shape === "ellipse")
             .map(n => [n.id, n.shape.width, n.shape.height, Math.max(...n.labelModule.lines.map(l => l.width)),
                        n.labelModule.lines.reduce((sum, l) => sum + l.height, 0)])"""
    )
    boxes = maps.node_boxes(net)
    assert {i for i, *_ in drawn} == {n["id"] for n in net.nodes if n["shape"] == "ellipse"} != set()
    for i, w, h, tw, th in drawn:
        corner = (tw / w) ** 2 + (th / h) ** 2  # the label's corner (tw/2, th/2) on the ellipse (w/2, h/2)
        assert corner <= 0.9, f"{i}: the label's corners reach the outline ({corner:.2f} of the way)"
        assert w <= boxes[i].w + 0.5 and h <= boxes[i].h + 0.5, (i, (w, h), boxes[i])
    offline_page.assert_clean()


def test_same_data_gives_byte_identical_pages(tiny_dataset):
    a = render.render_map(maps.view_map(tiny_dataset, "checkpoints"))
    b = render.render_map(maps.view_map(tiny_dataset, "checkpoints"))
    assert a == b


def test_standalone_page_inlines_vis_network_and_loads_nothing(tiny_dataset):
    html = render.render_map(maps.view_map(tiny_dataset, "checkpoints"))
    assert "vis.Network" in html and "<script src=" not in html and "<link " not in html
    assert not re.search(r'src="(https?:)?//', html), "no remote script or image"
    assert not re.search(r'<link[^>]+href="(https?:)?//', html), "no remote stylesheet"
    assert "@import" not in html and "url(http" not in html
    assert "Content-Security-Policy" in html and "connect-src 'none'" in __import__("html").unescape(html)
    assert "not medical advice" in html and "Data version 0.1.0" in html


def test_table_text_is_escaped_in_html_and_in_the_json(tiny_dataset):
    net = maps.view_map(tiny_dataset, "checkpoints")
    evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    net.nodes[0]["label"] = evil
    net.page.concepts[net.nodes[0]["id"]]["summary"] = evil
    html = render.render_map(net)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # the text version shows it literally
    payload = _payload(html)
    assert payload["nodes"][0][1] == evil, "the JSON round-trips the exact text"


def test_payload_is_compact_but_lossless(tiny_dataset):
    net = maps.view_map(tiny_dataset, "checkpoints")
    payload = render.map_payload(net)
    assert [row[0] for row in payload["nodes"]] == [n["id"] for n in net.nodes]
    index = {n["id"]: i for i, n in enumerate(net.nodes)}
    assert [(r[0], r[1], r[2]) for r in payload["edges"]] == [
        (index[e["from"]], index[e["to"]], e["rel"]) for e in net.edges
    ]
    assert set(payload["edgeTypes"]) == {e["rel"] for e in net.edges}
    # each edge read back as map.js reads it (its type's style, then its own options) is the edge drawn,
    # its shape too: one bowed edge of a type does not bend the others of that type
    net.edges[0]["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.5}
    rows = render.map_payload(net)
    looks = ("arrows", "dashes", "color", "smooth", "hidden")
    for e, row in zip(net.edges, rows["edges"], strict=True):
        read = rows["edgeTypes"][row[2]] | (row[3] if len(row) > 3 else {})
        assert {k: v for k, v in read.items() if v is not False or k != "hidden"} == {
            k: e[k] for k in looks if k in e and (e[k] is not False or k != "hidden")
        }
    # empty fields are left out, everything else is kept
    for cid, c in net.page.concepts.items():
        assert payload["concepts"][cid] == {f: v for f, v in c.items() if v}
    for key, note in net.page.notes.items():
        assert payload["notes"].get(key, {}) == {f: v for f, v in note.items() if v}
    assert all(payload["notes"].values()) and all(payload["concepts"].values())


def test_legend_glyphs_cover_every_shape_and_line():
    for shape in [
        "dot",
        "square",
        "diamond",
        "triangle",
        "triangleDown",
        "star",
        "hexagon",
        "box",
        "ellipse",
        "circle",
        "database",
    ]:
        svg = str(style.glyph_svg(shape, "#0072b2"))
        assert svg.startswith("<svg") and 'fill="#0072b2"' in svg
    assert "stroke-dasharray" in str(style.line_svg("dashed", "bar"))
    assert "polygon" in str(style.line_svg("solid", "arrow"))


def test_static_svg_of_a_map(tiny_dataset):
    picture = svg.render_map_svg(maps.view_map(tiny_dataset, "checkpoints"))
    assert picture.startswith("<svg") and picture.count("<text") == 15
    assert "PD-1" in picture and 'marker-end="url(#bar)"' in picture


def test_presenter_mode_opens_the_page_for_projection_with_the_same_layout(tiny_dataset):
    """Presenter mode is a page setting (the map across the window); the layout, which leaves
    room for labels of one size, stays as it is, so labels cannot run into each other."""
    normal = maps.view_map(tiny_dataset, "checkpoints")
    big = maps.view_map(tiny_dataset, "checkpoints", presenter=True)
    assert big.page.presenter is True and normal.page.presenter is False
    assert big.nodes == normal.nodes and big.vis_options == normal.vis_options
    assert 'class="map-page presenter"' in render.render_map(big)
    assert "presenter" not in render.render_map(normal).split("<body", 1)[1].split(">", 1)[0]


def test_notebook_iframe_is_sandboxed_srcdoc(tiny_dataset):
    html = render.map_iframe(maps.view_map(tiny_dataset, "checkpoints"))
    assert html.startswith("<iframe") and 'srcdoc="' in html and 'sandbox="allow-scripts' in html
    assert "allow-same-origin" not in html
    assert "<script" not in html.split('srcdoc="', 1)[1].split('"', 1)[0], "the page inside is attribute-escaped"
