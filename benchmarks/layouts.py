"""Edge crossings of our layouts against Graphviz ``dot`` on the same graphs.

For every layered or circular map: the crossings of our drawing (its edges as drawn, curves
included) and of ``dot``'s, the data's ranks as ``rank=same`` columns, left to right, counted two
ways: straight edges between its node positions (an edge between two nodes of one rank is then a
line through the nodes between them, and crosses nothing), and its edges as it draws them (its
splines, sampled as polylines). ``dot`` is not a dependency: the script uses one on PATH
(Debian: ``apt-get install graphviz``) and says so when there is none.

    .venv/bin/python benchmarks/layouts.py            # prints a table, writes benchmarks/results/layouts.json
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

from viz import data, graph, layout

RESULTS = Path(__file__).with_name("results")


def dot_drawing(g, dot: str) -> tuple[dict, dict]:
    """``dot``'s positions of ``g``'s nodes, ranks as columns (rankdir=LR), and its edges as polylines."""
    names = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes, key=str))}
    lines = ["digraph G {", "rankdir=LR;", "node [shape=box, fixedsize=true, width=1.6, height=0.4];"]
    ranks: dict = {}
    for n in g.nodes:
        r = g.nodes[n].get("rank")
        if r is not None:
            ranks.setdefault(r, []).append(names[n])
    order = sorted(ranks)
    # one unseen anchor per rank, chained left to right, holds the columns in the data's order
    lines += [f"{{rank=same; r{r} [style=invis]; {'; '.join(sorted(ranks[r]))};}}" for r in order]
    lines += [f"r{a} -> r{b} [style=invis];" for a, b in itertools.pairwise(order)]
    rank = {n: g.nodes[n].get("rank") for n in g.nodes}
    for a, b in sorted({tuple(sorted((a, b), key=lambda n: (rank[n] or 0, str(n)))) for a, b in g.edges() if a != b}):
        same = rank[a] == rank[b]
        lines.append(f"{names[a]} -> {names[b]}{' [constraint=false]' if same else ''};")
    lines.append("}")
    out = subprocess.run([dot, "-Tplain"], input="\n".join(lines), capture_output=True, text=True, check=True).stdout
    back = {v: k for k, v in names.items()}
    pos, lines = {}, {}
    for row in out.splitlines():
        parts = row.split()
        if parts and parts[0] == "node" and parts[1] in back:
            pos[back[parts[1]]] = (float(parts[2]) * 72, -float(parts[3]) * 72)
        if parts and parts[0] == "edge" and parts[1] in back and parts[2] in back:
            k = int(parts[3])
            pts = [(float(parts[4 + 2 * i]) * 72, -float(parts[5 + 2 * i]) * 72) for i in range(k)]
            lines[(back[parts[1]], back[parts[2]])] = _bezier(pts)
    return pos, lines


def _bezier(pts: list, steps: int = 8) -> list:
    """Points along a chain of cubic Bezier pieces (Graphviz's ``-Tplain`` splines)."""
    out = []
    for j in range(0, len(pts) - 3, 3):
        p0, p1, p2, p3 = pts[j : j + 4]
        for t in (i / steps for i in range(steps + 1)):
            w = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3)
            out.append(tuple(sum(c * p[d] for c, p in zip(w, (p0, p1, p2, p3), strict=True)) for d in (0, 1)))
    return out


def polyline_crossings(lines: dict) -> int:
    """Pairs of edges (sharing no end) whose polylines cross, each pair once."""
    segs = {e: layout.measure._segments(itertools.pairwise(pts)) for e, pts in lines.items()}
    return sum(
        bool(layout.measure._cross(s, t).any())
        for (e, s), (f, t) in itertools.combinations(segs.items(), 2)
        if not set(e) & set(f) and len(s) and len(t)
    )


def main() -> int:
    dot = shutil.which("dot")
    ds = data.load()
    rows = []
    for view in graph.view_ids(ds):
        g = graph.view_graph(ds, view)
        if g.graph["layout"] not in ("layered", "circular"):
            continue
        drawn = graph.drawn(g)
        pos = layout.view_layout(g).pos
        ours = layout.crossings(pos, drawn.edges(), layout.edge_curves(drawn, pos))
        straight = as_drawn = None
        if dot:
            dot_pos, dot_lines = dot_drawing(drawn, dot)
            straight, as_drawn = layout.crossings(dot_pos, drawn.edges()), polyline_crossings(dot_lines)
        rows.append({"view": view, "layout": g.graph["layout"], "ours": ours, "dot": straight, "dot_drawn": as_drawn})
        print(
            f"{view:20s} {g.graph['layout']:9s} ours {ours:4d}   dot, straight {straight if dot else '-':>4}"
            f"   dot, its splines {as_drawn if dot else '-':>4}"
        )
    if not dot:
        print("no `dot` on PATH: only our counts (Debian: apt-get install graphviz)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "layouts.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
