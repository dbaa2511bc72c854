"""Figure checks on what the browser draws: a map page's edges and chips read back from vis-network, and
Graphviz ``dot``'s drawing of the same graph, both counted by :func:`viz.layout.as_drawn`.

``benchmarks/layouts.py`` uses the same functions to print the counts of every map.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess

import networkx as nx

from viz import layout

#: Points along each drawn edge, read from the page (a straight edge is a line whatever the count).
SAMPLES = 32
#: A map page's edges as vis-network draws them (``edgeType.getPoint``: straight lines, and for the bowed
#: edges the quadratic curve through the via point of their ``edgeType``), and each concept's shape as drawn
#: (``labelBox``: a chip's box; ``nodeBox`` for a glyph with its label beside it), in canvas units, with the
#: view's scale (screen pixels per canvas unit). Hidden nodes and edges are left out.
GEOMETRY_JS = """(samples) => {
  const api = immunoviz, net = api.network;
  const boxes = {};
  api.nodes.get().filter(n => !n.hidden).forEach(n => {
    const b = api.labelBox(n.id) || api.nodeBox(n.id);
    if (b) boxes[n.id] = [b.left, b.top, b.right, b.bottom];
  });
  const lines = [];
  api.edges.get().forEach(e => {
    const drawn = net.body.edges[e.id];
    if (e.hidden || !drawn || !drawn.connected || !(e.from in boxes) || !(e.to in boxes)) return;
    const type = drawn.edgeType, pts = [];
    const via = type._getViaCoordinates ? type._getViaCoordinates() : undefined;
    for (let i = 0; i <= samples; i++) {
      const p = type.getPoint(i / samples, via);
      pts.push([p.x, p.y]);
    }
    lines.push([e.from, e.to, pts]);
  });
  return {scale: net.getScale(), boxes, lines};
}"""


def page_drawing(page) -> tuple[dict, dict, float]:
    """``(lines, boxes, px)`` of the map drawn on ``page`` now, for :func:`viz.layout.as_drawn`."""
    got = page.evaluate(GEOMETRY_JS, SAMPLES)
    lines = {(a, b): [tuple(p) for p in pts] for a, b, pts in got["lines"]}
    return lines, {n: tuple(b) for n, b in got["boxes"].items()}, got["scale"]


def dot_path() -> str | None:
    return shutil.which("dot")


def dot_drawing(g: nx.Graph, dot: str = "dot") -> tuple[dict, dict, float]:
    """Graphviz ``dot``'s drawing of ``g`` (the edges it draws), the data's ranks as columns left to right
    (``rankdir=LR``, one ``rank=same`` group per rank; an edge within a rank does not constrain the
    ranks), each node a box the size of our chip (:func:`viz.layout.node_boxes`). Returns ``(lines,
    boxes, px)`` as :func:`page_drawing` does: its splines sampled as polylines, its node boxes, and the
    scale at which the whole drawing fits the screen a layout is made for (:data:`viz.layout.CANVAS`)."""
    names = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes, key=str))}
    boxes = layout.node_boxes(g, layout.label_sides(g, {}))
    rank = {n: g.nodes[n].get("rank") for n in g.nodes}
    out = ["digraph G {", "rankdir=LR;", 'node [shape=box, fixedsize=true, label=""];']
    out += [f"{names[n]} [width={boxes[n].w / 72:.4f}, height={boxes[n].h / 72:.4f}];" for n in sorted(g, key=str)]
    ranks: dict = {}
    for n, r in rank.items():
        if r is not None:
            ranks.setdefault(r, []).append(names[n])
    order = sorted(ranks)
    # one unseen anchor per rank, chained left to right, holds the columns in the data's order
    out += [f"{{rank=same; r{r} [style=invis]; {'; '.join(sorted(ranks[r]))};}}" for r in order]
    out += [f"r{a} -> r{b} [style=invis];" for a, b in itertools.pairwise(order)]
    pairs = {tuple(sorted((a, b), key=lambda n: (rank[n] or 0, str(n)))) for a, b in g.edges() if a != b}
    for a, b in sorted(pairs, key=lambda e: (str(e[0]), str(e[1]))):
        out.append(f"{names[a]} -> {names[b]}{' [constraint=false]' if rank[a] == rank[b] else ''};")
    out.append("}")
    plain = subprocess.run([dot, "-Tplain"], input="\n".join(out), capture_output=True, text=True, check=True).stdout
    back = {v: k for k, v in names.items()}
    lines, drawn = {}, {}
    for row in plain.splitlines():
        parts = row.split()
        if parts[:1] == ["node"] and parts[1] in back:
            x, y, w, h = (float(v) * 72 for v in parts[2:6])
            drawn[back[parts[1]]] = (x - w / 2, -y - h / 2, x + w / 2, -y + h / 2)
        if parts[:1] == ["edge"] and parts[1] in back and parts[2] in back:
            k = int(parts[3])
            pts = [(float(parts[4 + 2 * i]) * 72, -float(parts[5 + 2 * i]) * 72) for i in range(k)]
            lines[(back[parts[1]], back[parts[2]])] = _bezier(pts)
    left, top = min(b[0] for b in drawn.values()), min(b[1] for b in drawn.values())
    right, bottom = max(b[2] for b in drawn.values()), max(b[3] for b in drawn.values())
    px = min(layout.CANVAS[0] / (right - left), layout.CANVAS[1] / (bottom - top))
    return lines, drawn, px


def _bezier(pts: list, steps: int = 8) -> list:
    """Points along a chain of cubic Bezier pieces (Graphviz's ``-Tplain`` splines)."""
    out = [pts[0]]
    for j in range(0, len(pts) - 3, 3):
        p0, p1, p2, p3 = pts[j : j + 4]
        for t in (i / steps for i in range(1, steps + 1)):
            w = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3)
            out.append(tuple(sum(c * p[d] for c, p in zip(w, (p0, p1, p2, p3), strict=True)) for d in (0, 1)))
    return out


def drawn_counts(page, path) -> tuple[layout.AsDrawn, float]:
    """Open a map page at 1280 x 720 with Presenter ticked, as a lecturer projects it, whole map in view;
    count what its drawing shows (:func:`viz.layout.as_drawn`). Returns the counts and the scale."""
    from pathlib import Path

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    page.check("#presenter")
    page.wait_for_function("() => immunoviz.network.getScale() > 0")
    lines, boxes, px = page_drawing(page)
    return layout.as_drawn(lines, boxes, px=px), px


def dot_counts(g: nx.Graph, dot: str = "dot") -> layout.AsDrawn:
    """:func:`viz.layout.as_drawn` of :func:`dot_drawing`."""
    lines, boxes, px = dot_drawing(g, dot)
    return layout.as_drawn(lines, boxes, px=px)
