"""Edge crossings and edges under chips of our maps as the browser draws them, against Graphviz ``dot``.

For every layered or circular map, the page is written as ``immunoviz map`` writes it and opened in
headless Chromium at 1280 x 720 with Presenter ticked, the whole map in view, as a lecturer projects
it; the edges as vis-network draws them (its lines and curves, sampled) and each concept's shape as
drawn are read back from the page and counted by :func:`viz.layout.as_drawn`: the crossings between
edges (hidden link types left out), and the edges that run under a chip they do not end at (3% of
their drawn length more than 3 px inside it). ``dot`` draws the same graph with the same chips, the
data's ranks as columns left to right, and its splines are counted the same way. The label sizes are
those of the whole map fitted to the screen and of the story step that draws what it reveals smallest
(:func:`viz.layout.step_px`). ``dot`` is not a dependency: the script uses one on PATH (Debian:
``apt-get install graphviz``) and says so when there is none.

    .venv/bin/python benchmarks/layouts.py            # prints a table, writes benchmarks/results/layouts.json
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import figures  # the tests' figure checks, shared

from viz import _browser, data, export, graph, layout, maps

RESULTS = Path(__file__).with_name("results")


def main() -> int:
    dot = figures.dot_path()
    ds = data.load()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, _browser.launch() as browser:
        context = _browser.offline_context(browser)
        page = context.new_page()
        for view in graph.view_ids(ds):
            g = graph.view_graph(ds, view)
            if g.graph["layout"] not in ("layered", "circular"):
                continue
            drawn = graph.drawn(g)
            net = maps.view_map(ds, view, presenter=True)
            path = export.write_map(net, Path(tmp) / f"{view}.html")
            ours, px = figures.drawn_counts(page, path)
            drawing = layout.view_layout(g)
            boxes = layout.node_boxes(drawn, drawing.sides, width=drawing.wrap)
            steps = layout.step_px(drawn, drawing.pos, boxes)
            theirs = figures.dot_counts(drawn, dot) if dot else None
            rows.append(
                {
                    "view": view,
                    "layout": g.graph["layout"],
                    "edges": len({frozenset(e[:2]) for e in drawn.edges() if e[0] != e[1]}),
                    "crossings": ours.crossings,
                    "dot_crossings": theirs.crossings if theirs else None,
                    "under_chips": len(ours.under),
                    "dot_under_chips": len(theirs.under) if theirs else None,
                    "label_px": round(layout.FONT * layout.fit_scale(drawing.pos, boxes), 1),
                    "smallest_step_px": round(min(steps.values()), 1) if steps else None,
                    "page_px": round(layout.FONT * px, 1),
                }
            )
            r = rows[-1]
            dot_crossings = "-" if r["dot_crossings"] is None else r["dot_crossings"]
            print(
                f"{view:18s} {r['layout']:9s} crossings {r['crossings']:4d} (dot {dot_crossings:>4})"
                f"   under chips {r['under_chips']:3d}/{r['edges']:3d}"
                f"   labels {r['label_px']} px, smallest step {r['smallest_step_px']} px",
                flush=True,
            )
        context.close()
    if not dot:
        print("no `dot` on PATH: only our counts (Debian: apt-get install graphviz)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "layouts.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
