"""Concept maps against stock pyvis and the bare renderer: build time, file size, requests, time to a drawing.

Issue 5 asks that an immunoviz map open quickly on a lecture-hall laptop with no
network; issue 18 that it draw nearly as soon as vis-network alone could draw it; issue 30 that the history
page draw its map about as soon as the map's own page does. This
script measures both on the shipped map of everything (``everything``, as ``immunoviz
map everything`` writes it) and on seeded synthetic graphs of 100 to 5000 nodes, each
built three times from the same nodes, labels and one-sentence summaries:

* **stock pyvis**, exactly as its README shows: ``Network(cdn_resources="in_line")``
  with its default options (physics on), ``from_nx``, ``write_html``. The browser lays
  the graph out: vis-network runs up to 1000 physics iterations before it draws
  anything, then keeps simulating (the nodes drift) until the layout comes to rest.
* **immunoviz**: laid out in Python and drawn with physics off as ``immunoviz map`` does
  (:func:`viz.maps.view_map` for ``everything``, :func:`viz.maps.laid_out_map` on a
  synthetic graph: regions per category, glyphs with the page's own labels, hubs), written
  by :func:`viz.export.write_map` as one self-contained file.
* **the limit**: a bare page with the same vis-network build inlined, our nodes (id,
  label, position) and edges, physics off and nothing else: no styles, no page script.
  Nothing that draws these positions with this renderer can draw sooner, so ours ÷ the
  limit is what our page costs on top of the renderer.

For each it records

* the Python build time (``perf_counter``; the median of 3 builds at every size); ours
  includes the layout, which stock pyvis leaves to the browser, and each of our builds
  starts with immunoviz's template and asset caches emptied, as in a fresh process;
* the size of the HTML file, and what it is made of;
* the requests the page attempts that are not ``file:`` or ``data:`` when opened from
  ``file://`` in headless Chromium with the network cut off, as an offline reader
  opens it (stock pyvis asks a CDN for Bootstrap; immunoviz should ask for nothing),
  and the requests a Content-Security-Policy stopped before they reached the network
  (``securitypolicyviolation`` events), so that a CSP cannot hide an attempt;
* the time from navigation start (``performance.now()`` in the page) to the first
  stable drawing. For stock pyvis that is its first ``afterDrawing`` after
  ``stabilizationIterationsDone`` (vis-network draws nothing during its stabilisation
  iterations); we also record when it comes to rest (vis-network's ``stabilized``
  event), in the first opening only. Both are capped at :data:`TIMEOUT_S` and
  recorded as ``"timeout"`` past it. For immunoviz it is ``body[data-ready="1"]``,
  set one frame after the first ``afterDrawing`` (whose time is recorded too): physics
  is off, so that drawing is final; the limit page sets the same mark the same way. Issue
  5's targets are checked against stock's
  first drawing, the measure kinder to stock (it also ignores the half-second fade of
  stock's loading bar).

Every page is opened :data:`OPENINGS` times, stock, immunoviz and the limit in turn, in
one headless Chromium with the same flags and viewport, after a warm-up opening of each
kind that is discarded; the median is reported with every run. A stock opening that
times out is not repeated: it is a lower bound, and repeating it only costs minutes.

It prints a table per size and the targets, and writes everything, with the machine it
ran on, to ``benchmarks/results/maps.json``. ``make bench`` runs every size (about 25
minutes, most of it waiting for stock pyvis); ``--sizes everything,1000`` is a quick look,
and ``--no-stock`` leaves stock pyvis out (ours against the limit only, in a minute or two).
Nothing is written outside ``benchmarks/results/`` (or ``--out``) and temporary folders.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import igraph  # noqa: F401  imported here, as pyvis is, so that no timed build pays for an import
import networkx as nx
import pyvis
from pyvis.network import Network

# no __pycache__ in src/viz/ (an editable install): we write only benchmarks/results/ and temporary files
sys.dont_write_bytecode = True
from viz import _browser, data, export, graph, history, maps, paths, render, style  # noqa: E402

#: "everything" is the shipped map of everything; a number, a synthetic map of that many concepts.
SIZES = ("history", "everything", 100, 500, 1000, 2000, 5000)
SHIPPED = "everything"
#: "history" is the linked history page: its map's first drawing against the same map on a page of its own.
HISTORY = "history"
HISTORY_TARGET = 1.3
#: Barabási-Albert attachment: each new node links to 2 earlier ones, so about 2 edges per node.
EDGES_PER_NODE = 2
SEED = 7
#: Builds and page openings are repeated and the median kept, at every size and for both
#: tools alike (the best run would flatter whichever side is noisier on a shared machine).
BUILDS = 3
OPENINGS = 9
#: How long, from navigation start, a page may take to draw (and stock pyvis to come to rest).
TIMEOUT_S = 180
RESULTS = Path(__file__).resolve().parent / "results" / "maps.json"

# The targets of issue 5.
TARGET_NODES = 1000  # at this size our first stable drawing comes ...
TARGET_SPEEDUP = 20  # ... at least this many times sooner than stock pyvis's,
TARGET_SIZE_RATIO = 0.5  # and our file is at most this fraction of stock's size
BIG_NODES = 5000  # our map of this size is drawn no later than
STOCK_REFERENCE_NODES = 500  # stock pyvis draws this size

# The targets of issues 18 and 30: our first stable drawing at most this many times the limit's
LIMIT_TARGETS = {SHIPPED: 1.2, 1000: 1.2, 5000: 1.5}

# Runs in every page before its own scripts and marks <html> as the drawing arrives.
# Stock pyvis assigns its vis.Network to the page global `network`; a setter catches that
# assignment and listens to it. vis-network draws nothing during its stabilisation
# iterations, so its first `afterDrawing` follows `stabilizationIterationsDone` and sets
# data-bench-drawn; `stabilized` (after a drawing) sets data-bench-rest. Our pages keep
# their network private and announce their first, final drawing with
# body[data-ready="1"], which a MutationObserver timestamps before setting both marks.
PROBE_JS = """
(() => {
  const t = window.__bench = {
    networkCreated: null, startStabilizing: null, iterationsDone: null, anyDraw: null, firstDraw: null,
    stabilized: null, ready: null, cspBlocked: [],
  };
  const mark = (name) => document.documentElement.setAttribute("data-bench-" + name, "1");
  // requests a Content-Security-Policy stops never reach the network (nor Playwright's router)
  document.addEventListener("securitypolicyviolation", (e) => {
    t.cspBlocked.push(e.blockedURI || e.violatedDirective);
  });
  let net;
  Object.defineProperty(window, "network", {
    configurable: true,
    get() { return net; },
    set(value) {
      net = value;
      if (!value || typeof value.on !== "function") return;
      t.networkCreated = performance.now();  // the setter runs when the constructor has returned
      const rest = () => { if (t.firstDraw !== null && t.stabilized !== null) mark("rest"); };
      value.once("startStabilizing", () => { t.startStabilizing = performance.now(); });
      value.once("stabilizationIterationsDone", () => { t.iterationsDone = performance.now(); });
      value.on("afterDrawing", () => {
        if (t.anyDraw === null) t.anyDraw = performance.now();
        // a stable drawing: only one made once the stabilisation iterations are done
        if (t.firstDraw === null && t.iterationsDone !== null) {
          t.firstDraw = performance.now();
          mark("drawn");
          rest();
        }
      });
      value.once("stabilized", () => { t.stabilized = performance.now(); rest(); });
    },
  });
  // our pages time their own start-up as performance marks (immunoviz:network, immunoviz:drawn, ...: see map.js)
  new MutationObserver(() => {
    if (t.ready === null && document.body && document.body.dataset.ready === "1") {
      t.ready = performance.now();
      mark("drawn");
      mark("rest");
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-ready"]});
})();
"""


# ---------------------------------------------------------------------------
# the graphs


def synthetic_graph(n: int, pal: style.Palette, seed: int = SEED) -> nx.MultiDiGraph:
    """A seeded scale-free graph shaped like our concept graphs.

    Every node has a label, a category of the shipped dataset and a one-sentence
    summary; every edge a relation type of the dataset, which is also its key (as in
    :func:`viz.graph.concept_graph`).
    """
    skeleton = nx.barabasi_albert_graph(n, EDGES_PER_NODE, seed=seed)
    categories = list(pal.categories.values())
    relations = list(pal.relations)
    g = nx.MultiDiGraph(id=f"bench-{n}", title=f"Synthetic map of {n} concepts")
    for i in skeleton.nodes:
        cat = categories[i % len(categories)]
        g.add_node(
            f"c{i}",
            label=f"Concept {i}",
            category=cat.id,
            summary=f"Concept {i} is a synthetic {cat.label.lower()} linked to {skeleton.degree(i)} others.",
            sources=(),
            step=1,
        )
    for k, (a, b) in enumerate(sorted(skeleton.edges)):
        rel = relations[k % len(relations)]
        g.add_edge(f"c{a}", f"c{b}", key=rel, relation=rel)
    return g


def stock_graph(g: nx.MultiDiGraph) -> nx.Graph:
    """The same nodes and text for stock pyvis: the label, and the summary as its hover ``title``.

    A fresh graph every time, because ``Network.from_nx`` writes into the graph it is given.
    """
    h = nx.Graph()
    for n, attrs in g.nodes(data=True):
        h.add_node(n, label=attrs["label"], title=attrs.get("summary", ""))
    h.add_edges_from((a, b) for a, b, _ in g.edges(keys=True))
    return h


# ---------------------------------------------------------------------------
# building


def build_stock(g: nx.MultiDiGraph, path: Path) -> tuple[dict, Network]:
    """Stock pyvis as its README shows it, in a scratch working directory (some modes write ``lib/`` there)."""
    h = stock_graph(g)
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        t0 = time.perf_counter()
        net = Network(cdn_resources="in_line")
        net.from_nx(h)
        net.write_html(str(path))
        total = time.perf_counter() - t0
    return {"total": total}, net


def _cold_caches() -> None:
    """Empty immunoviz's in-process caches (templates, inlined assets), as a fresh ``immunoviz map`` has them."""
    for cached in (render._read, render.vis_css, render._env):
        cached.cache_clear()


def build_ours(make_map, path: Path) -> tuple[dict, maps.ConceptMap]:
    """immunoviz: ``make_map()`` lays out and styles the network, written as one file; the time of each phase."""
    _cold_caches()
    t0 = time.perf_counter()
    net = make_map()
    t1 = time.perf_counter()
    export.write_map(net, path)
    t2 = time.perf_counter()
    return {"total": t2 - t0, "map": t1 - t0, "write": t2 - t1}, net


def synthetic_map(g: nx.MultiDiGraph, pal: style.Palette):
    """What ``immunoviz map`` does with a view of this graph: its layout, label sides, hubs and curves."""
    return lambda: maps.laid_out_map(g, pal=pal, seed=SEED)


LIMIT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>the limit</title>
<style>html, body {{ margin: 0; height: 100%; }} #map {{ width: 100%; height: 100%; }}</style>
<script>{vis}</script></head>
<body><div id="map"></div>
<script type="application/json" id="data">{data}</script>
<script>
var data = JSON.parse(document.getElementById("data").textContent);
var network = new vis.Network(document.getElementById("map"),
  {{ nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) }},
  {{ physics: {{ enabled: false }}, layout: {{ improvedLayout: false }} }});
network.once("afterDrawing", function () {{
  requestAnimationFrame(function () {{ document.body.dataset.ready = "1"; }});
}});
</script></body></html>
"""


def build_limit(net: maps.ConceptMap, path: Path) -> dict:
    """The limit: our nodes (id, label, position) and edges on a bare page, vis-network's defaults, physics off.

    Its ``body[data-ready="1"]`` comes one frame after its first ``afterDrawing``, as ours does.
    """
    t0 = time.perf_counter()
    payload = {
        "nodes": [{"id": n["id"], "label": n["label"], "x": n["x"], "y": n["y"]} for n in net.nodes],
        "edges": [{"from": e["from"], "to": e["to"]} for e in net.edges],
    }
    vis = paths.vis_network_assets()[0].read_text(encoding="utf-8")
    html = LIMIT_PAGE.format(vis=vis, data=render.json_for_script(payload))
    path.write_text(html, encoding="utf-8")
    return {"total": round(time.perf_counter() - t0, 4)}


def median_build(repeats: int, build) -> tuple[dict, object]:
    """Run ``build`` ``repeats`` times: the median of each phase, every total, and the last network."""
    runs = [build() for _ in range(repeats)]
    times = {k: round(statistics.median(r[0][k] for r in runs), 4) for k in runs[0][0]}
    times["runs"] = [round(r[0]["total"], 4) for r in runs]
    return times, runs[-1][1]


# ---------------------------------------------------------------------------
# what the files are made of


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def stock_parts(path: Path) -> dict[str, int]:
    """Bytes of stock pyvis's inlined libraries, its node and edge data, and the rest of the page."""
    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    js, css = paths.vis_network_assets()
    html = path.read_text(encoding="utf-8")
    parts = {
        "vis-network.min.js": js.stat().st_size,
        "vis-network.css (whole, with images)": css.stat().st_size,
        "pyvis utils.js": (lib / "bindings" / "utils.js").stat().st_size,
    }
    for name in ("nodes", "edges"):
        opening = f"{name} = new vis.DataSet("
        start = html.index(opening) + len(opening)
        parts[f"{name} JSON"] = _nbytes(html[start : html.index(");", start)])
    parts["page and options"] = path.stat().st_size - sum(parts.values())
    return parts


def our_parts(net: maps.ConceptMap, path: Path) -> dict[str, int]:
    """Bytes of the inlined vis-network, our own JS and CSS, the JSON payload and the HTML around them.

    The HTML is mostly the text version of the map (every concept with its summary and
    outgoing links), which screen readers and printed handouts use. Keys that start
    with a space break the payload down and are not added again.
    """
    payload = render.map_payload(net, summaries=False)  # as render_map embeds it
    parts = {
        "vis-network.min.js": paths.vis_network_assets()[0].stat().st_size,
        "vis-network.css (subset)": _nbytes(render.vis_css()),
        "map.js": (paths.STATIC_DIR / "map.js").stat().st_size,
        "immunoviz.css": (paths.STATIC_DIR / "immunoviz.css").stat().st_size,
        "payload JSON": _nbytes(render.json_for_script(payload)),
    }
    for key in ("nodes", "edges", "concepts", "notes"):
        parts[f"  payload {key}"] = _nbytes(render.json_for_script(payload[key]))
    own = sum(v for k, v in parts.items() if not k.startswith(" "))
    parts["HTML (text version, legend, page)"] = path.stat().st_size - own
    return parts


# ---------------------------------------------------------------------------
# opening the files offline


def _wait(page, mark: str, timeout_ms: float) -> bool:
    """Wait for ``html[data-bench-<mark>]``; False on timeout.

    ``wait_for_selector``, not ``wait_for_function``: our CSP forbids the eval the latter needs.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        # at least 1 ms: Playwright reads a timeout of 0 as "wait for ever"
        page.wait_for_selector(f"html[data-bench-{mark}='1']", state="attached", timeout=max(timeout_ms, 1))
    except PlaywrightTimeout:
        return False
    return True


def open_page(browser, path: Path, *, until_rest: bool) -> dict:
    """Open ``path`` in a fresh offline context: the requests it attempted and its timings in ms.

    ``drawn_ms`` is the first stable drawing; ``rest_ms`` (only if ``until_rest``) when
    the drawing stopped moving, the same for our pages.
    """
    blocked: list[str] = []
    errors: list[str] = []
    context = _browser.offline_context(browser, blocked=blocked)
    context.add_init_script(PROBE_JS)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc).splitlines()[0] if str(exc) else repr(exc)))
    budget_ms = TIMEOUT_S * 1000
    try:
        page.goto(path.as_uri(), wait_until="commit")
        if not _wait(page, "drawn", budget_ms):
            # the page may still be busy in one long script: do not ask it anything
            return {
                "blocked": blocked,
                "csp_blocked": [],
                "page_errors": errors,
                "drawn_ms": "timeout",
                "rest_ms": "timeout",
                "phases_ms": {},
            }
        t = page.evaluate("() => window.__bench")
        marks = page.evaluate(MARKS_JS)
        ours = t["ready"] is not None
        drawn = max(t["ready"], t["anyDraw"] or 0) if ours else t["firstDraw"]
        rest = drawn if ours else None
        if until_rest and not ours:
            if _wait(page, "rest", budget_ms - page.evaluate("() => performance.now()")):
                t = page.evaluate("() => window.__bench")
                rest = max(t["firstDraw"], t["stabilized"])
            else:
                rest = "timeout"
    finally:
        context.close()
    phases = ("networkCreated", "startStabilizing", "iterationsDone", "anyDraw", "firstDraw", "ready")
    return {
        "blocked": blocked,
        "csp_blocked": t["cspBlocked"],
        "page_errors": errors,
        "drawn_ms": round(drawn, 1),
        "rest_ms": rest if rest in (None, "timeout") else round(rest, 1),
        # where the time went: stock's network made, stabilisation started and ended, drawings; ours, its marks
        "phases_ms": {k: round(t[k], 1) for k in phases if t.get(k) is not None}
        | {k: round(v, 1) for k, v in marks.items()},
    }


# Our pages' own marks (map.js ``mark``), each at its first time, in ms from navigation start.
MARKS_JS = """() => {
  const out = {};
  for (const m of performance.getEntriesByType("mark"))
    if (m.name.startsWith("immunoviz:") && !(m.name.slice(10) in out)) out[m.name.slice(10)] = m.startTime;
  return out;
}"""


def _median_ms(values: list) -> float | str:
    """The median of the runs, a timeout counting as longer than any finished run."""
    ranked = sorted(float("inf") if v == "timeout" else v for v in values)
    value = statistics.median(ranked)
    return "timeout" if value == float("inf") else round(value, 1)


def summarise_openings(runs: list[dict]) -> dict:
    """The median drawing of several openings, every run, and the requests and phases of the median run.

    The first opening is the one that waited for the drawing to come to rest.
    """
    drawn = [r["drawn_ms"] for r in runs]
    median = _median_ms(drawn)
    finished = [r for r in runs if r["drawn_ms"] != "timeout"]
    typical = min(finished, key=lambda r: abs(r["drawn_ms"] - median)) if finished and median != "timeout" else runs[0]
    return {
        "blocked": typical["blocked"],
        "csp_blocked": typical["csp_blocked"],
        "page_errors": sorted({e for r in runs for e in r["page_errors"]}),
        "drawn_ms": median,
        "rest_ms": runs[0]["rest_ms"],
        "drawn_runs_ms": drawn,
        "phases_ms": typical["phases_ms"],
    }


def open_all(browser, pages: dict[str, Path], repeats: int) -> dict[str, dict]:
    """Open every page (``{"stock": path, ...}``) ``repeats`` times, in turn, so all meet the same noise.

    The first stock opening also waits for its drawing to come to rest (up to
    :data:`TIMEOUT_S` from navigation, so only once); a stock opening that timed out is
    not repeated (it is a lower bound).
    """
    runs: dict[str, list[dict]] = {name: [] for name in pages}
    for i in range(repeats):
        for name, path in pages.items():
            if name == "stock" and runs[name] and runs[name][0]["drawn_ms"] == "timeout":
                continue
            runs[name].append(open_page(browser, path, until_rest=name == "stock" and i == 0))
    return {name: summarise_openings(r) for name, r in runs.items()}


def warm_up(browser, pal: style.Palette, work: Path, *, stock: bool) -> None:
    """Open one small page of each kind and discard the timings: none pays the browser's cold start."""
    g = synthetic_graph(20, pal)
    pages = {}
    if stock:
        build_stock(g, work / "warm-stock.html")
        pages["stock"] = work / "warm-stock.html"
    _, net = build_ours(synthetic_map(g, pal), work / "warm-immunoviz.html")
    build_limit(net, work / "warm-limit.html")
    pages.update(immunoviz=work / "warm-immunoviz.html", limit=work / "warm-limit.html")
    open_all(browser, pages, 1)


# ---------------------------------------------------------------------------
# one size


def speedup(stock_ms: float | str, our_ms: float | str) -> dict:
    """How many times sooner ours is; a lower bound if stock timed out, unknown if ours did."""
    if our_ms == "timeout":
        return {"value": None, "at_least": False}
    if stock_ms == "timeout":
        return {"value": round(TIMEOUT_S * 1000 / our_ms, 1), "at_least": True}
    return {"value": round(stock_ms / our_ms, 1), "at_least": False}


def over_limit(our_ms: float | str, limit_ms: float | str) -> float | None:
    """Ours ÷ the limit (1.0: we draw as soon as vis-network alone could); None if either timed out."""
    if "timeout" in (our_ms, limit_ms):
        return None
    return round(our_ms / limit_ms, 2)


def graph_of(size: str | int, pal: style.Palette, ds) -> tuple[nx.MultiDiGraph, object]:
    """The graph of a size and what builds our map of it: the shipped view, or a synthetic graph."""
    if size == SHIPPED:
        return graph.view_graph(ds, SHIPPED), lambda: maps.view_map(ds, SHIPPED)
    g = synthetic_graph(int(size), pal)
    return g, synthetic_map(g, pal)


def measure_history(ds, browser, work: Path) -> dict:
    """The history page's map against the same map on a page of its own, opened in turn :data:`OPENINGS` times.

    For both, the map's first drawing is its ``immunoviz:frame`` mark, a frame after its first ``afterDrawing``
    (when a map page sets ``body[data-ready]``); the history page sets ``body[data-ready]`` only once its
    timeline is drawn too, which is recorded as ``drawn_ms``.
    """
    view = history.default_view(ds)
    paths_ = {"history": work / "history.html", "map": work / f"map-{view}.html"}
    export.write_text(paths_["history"], history.history_page(ds, view=view).render())
    export.write_map(maps.view_map(ds, view), paths_["map"])
    runs: dict[str, list[dict]] = {name: [] for name in paths_}
    for _ in range(OPENINGS):
        for name, path in paths_.items():
            runs[name].append(open_page(browser, path, until_rest=False))
    result: dict = {"size": HISTORY, "view": view, "open_repeats": OPENINGS}
    for name, rs in runs.items():
        first = [r["phases_ms"].get("frame", "timeout") for r in rs]
        result[name] = {
            **summarise_openings(rs),
            "bytes": paths_[name].stat().st_size,
            "map_drawn_ms": _median_ms(first),
            "map_drawn_runs_ms": first,
        }
    result["over_map"] = over_limit(result["history"]["map_drawn_ms"], result["map"]["map_drawn_ms"])
    return result


def print_history(r: dict) -> None:
    h, m = r["history"], r["map"]
    print(
        f"\n{HISTORY}: the {r['view']} map on the history page and on its own page (openings: median of "
        f"{r['open_repeats']})"
    )
    print(f"  {'':<25}{'history page':>20}{'map page':>20}   ratio")
    print(f"  {'file bytes':<25}{h['bytes']:>20,}{m['bytes']:>20,}")
    print(f"  {'requests attempted':<25}{_requests(h):>20}{_requests(m):>20}")
    print(
        f"  {'map first drawn ms':<25}{_ms(h['map_drawn_ms']):>20}{_ms(m['map_drawn_ms']):>20}"
        f"   history/map {_over(r['over_map'])}"
    )
    runs = ["/".join(_ms(v) for v in x["map_drawn_runs_ms"]) for x in (h, m)]
    print(f"  {'  runs ms':<25}{runs[0]:>20}{runs[1]:>20}")
    ready = f"{_ms(h['drawn_ms']):>20}{_ms(m['drawn_ms']):>20}"
    print(f"  {'page ready ms':<25}{ready}   (history: the timeline drawn too)")
    for name, x in (("history", h), ("map", m)):
        if x["page_errors"]:
            print(f"  page errors ({name}): {'; '.join(x['page_errors'])}")


def measure(size: str | int, pal: style.Palette, ds, browser, work: Path, *, stock: bool = True) -> dict:
    """Build the maps of one size (stock's, ours, the limit), open them offline, and return every number."""
    g, make_map = graph_of(size, pal, ds)
    build_repeats, open_repeats = BUILDS, OPENINGS
    stock_path, our_path, limit_path = (work / f"{name}-{size}.html" for name in ("stock", "immunoviz", "limit"))
    our_times, net = median_build(build_repeats, lambda: build_ours(make_map, our_path))
    ours = {"build_s": our_times, "bytes": our_path.stat().st_size, "parts": our_parts(net, our_path)}
    limit = {"build_s": build_limit(net, limit_path), "bytes": limit_path.stat().st_size}
    pages = {"immunoviz": our_path, "limit": limit_path}
    result = {"nodes": len(net.nodes), "edges": len(net.edges), "size": size}
    if stock:
        stock_times, _ = median_build(build_repeats, lambda: build_stock(g, stock_path))
        result["stock"] = {"build_s": stock_times, "bytes": stock_path.stat().st_size, "parts": stock_parts(stock_path)}
        pages = {"stock": stock_path, **pages}
    opened = open_all(browser, pages, open_repeats)
    ours.update(opened["immunoviz"])
    limit.update(opened["limit"])
    ours["rest_ms"] = ours["drawn_ms"]  # physics is off: the first drawing is already at rest
    limit["rest_ms"] = limit["drawn_ms"]
    result.update(
        build_repeats=build_repeats,
        open_repeats=open_repeats,
        immunoviz=ours,
        limit=limit,
        over_limit=over_limit(ours["drawn_ms"], limit["drawn_ms"]),
    )
    if stock:
        result["stock"].update(opened["stock"])
        result.update(
            size_ratio=round(ours["bytes"] / result["stock"]["bytes"], 3),
            drawn_speedup=speedup(result["stock"]["drawn_ms"], ours["drawn_ms"]),
            rest_speedup=speedup(result["stock"]["rest_ms"], ours["drawn_ms"]),
        )
    return result


# ---------------------------------------------------------------------------
# printing and the targets


def _ms(value: float | str | None) -> str:
    return "-" if value is None else value if isinstance(value, str) else f"{value:,.0f}"


def _times(s: dict | None) -> str:
    if not s or s["value"] is None:
        return "-"
    return (">=" if s["at_least"] else "") + f"{s['value']:g}x"


def _over(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _requests(side: dict) -> str:
    """Requests attempted, all of them blocked: by our router (network) or by the page's CSP."""
    n = len(side["blocked"]) + len(side["csp_blocked"])
    return f"{n} ({n} blocked)"


def _runs(side: dict) -> str:
    return "/".join(_ms(v) for v in side["drawn_runs_ms"])


NAMES = {"stock": "stock pyvis", "immunoviz": "immunoviz", "limit": "the limit"}


def print_size(r: dict) -> None:
    sides = [name for name in NAMES if name in r]
    x = {name: r[name] for name in sides}

    def row(label: str, cell, ratio: str = "") -> tuple:
        return (label, *(cell(name, x[name]) for name in sides), ratio)

    size_ratio = f"ours/stock {r['size_ratio']:.2f}" if "stock" in r else ""
    drawn = f"ours/limit {_over(r['over_limit'])}" + (
        f", stock/ours {_times(r['drawn_speedup'])}" if "stock" in r else ""
    )
    rows = [
        row("build s", lambda n, v: f"{v['build_s']['total']:.3f}"),
        row("file bytes", lambda n, v: f"{v['bytes']:,}", size_ratio),
        row("requests attempted", lambda n, v: _requests(v)),
        row("first stable drawing ms", lambda n, v: _ms(v["drawn_ms"]), drawn),
        row("  runs ms", lambda n, v: _runs(v)),
    ]
    if "stock" in r:
        rows.append(row("at rest ms", lambda n, v: _ms(v["rest_ms"]), f"stock/ours {_times(r['rest_speedup'])}"))
    print(
        f"\n{r['size']}: {r['nodes']} nodes, {r['edges']} edges (builds: median of {r['build_repeats']}, "
        f"openings: median of {r['open_repeats']}; timeout {TIMEOUT_S} s)"
    )
    print(f"  {'':<25}" + "".join(f"{NAMES[n]:>20}" for n in sides) + "   ratio")
    for label, *cells, ratio in rows:
        print(f"  {label:<25}" + "".join(f"{c:>20}" for c in cells) + f"   {ratio}")
    for name in sides:
        if x[name]["page_errors"]:
            print(f"  page errors ({name}): {'; '.join(x[name]['page_errors'])}")


def print_summary(results: dict) -> None:
    """One table of every size: the contenders side by side, medians."""
    head = (
        f"{'map':>10} {'nodes':>6} {'page':<11}{'bytes':>12}{'requests':>14}{'drawn ms':>11}{'rest ms':>10}"
        f"   {'ours/limit':>10}{'size ours/stock':>16}{'drawn stock/ours':>17}{'rest stock/ours':>16}"
    )
    print("\nsummary (medians; the machine was shared, see the runs above)\n" + head)
    for size, r in results.items():
        if size == HISTORY:
            continue
        for name in NAMES:
            if name not in r:
                continue
            x = r[name]
            ratios = ""
            if name == "immunoviz":
                ratios = f"   {_over(r['over_limit']):>10}"
                if "stock" in r:
                    ratios += f"{r['size_ratio']:>16.2f}{_times(r['drawn_speedup']):>17}{_times(r['rest_speedup']):>16}"
            print(
                f"{size!s:>10} {r['nodes']:>6} {name:<11}{x['bytes']:>12,}{_requests(x):>14}"
                f"{_ms(x['drawn_ms']):>11}{_ms(x['rest_ms']):>10}{ratios}"
            )


def check_targets(results: dict) -> list[dict]:
    """The targets of issues 5, 18 and 30, each with its numbers and whether it is met (None if its sizes were not
    run)."""
    hist = results.get(HISTORY)
    checks_history = [
        {
            "target": f"{HISTORY}: the map first drawn at most {HISTORY_TARGET:g}x as late as on its own page",
            "value": hist
            and f"{_ms(hist['history']['map_drawn_ms'])} / {_ms(hist['map']['map_drawn_ms'])} ms = "
            f"{_over(hist['over_map'])}",
            "met": None if not hist else hist["over_map"] is not None and hist["over_map"] <= HISTORY_TARGET,
        }
    ]
    at = results.get(TARGET_NODES)
    at = at if at and "stock" in at else None
    checks = [
        *checks_history,
        {
            "target": f"{TARGET_NODES} nodes: first stable drawing at least {TARGET_SPEEDUP}x sooner than stock pyvis",
            "value": at and {"first drawing": _times(at["drawn_speedup"]), "at rest": _times(at["rest_speedup"])},
            "met": None if not at else (at["drawn_speedup"]["value"] or 0) >= TARGET_SPEEDUP,
        },
        {
            "target": f"{TARGET_NODES} nodes: file at most {TARGET_SIZE_RATIO:.0%} of stock pyvis's size",
            "value": at and f"{at['immunoviz']['bytes']:,} / {at['stock']['bytes']:,} = {at['size_ratio']:.2f}",
            "met": None if not at else at["size_ratio"] <= TARGET_SIZE_RATIO,
        },
    ]
    big, ref = results.get(BIG_NODES), results.get(STOCK_REFERENCE_NODES)
    met = None
    if big and ref and "stock" in ref:
        ours, stock = big["immunoviz"]["drawn_ms"], ref["stock"]["drawn_ms"]
        # a stock timeout means stock took longer than TIMEOUT_S, so any finished drawing of ours is sooner
        met = ours != "timeout" and (stock == "timeout" or ours <= stock)
    checks.append(
        {
            "target": f"{BIG_NODES}-node immunoviz map drawn no later than stock pyvis draws {STOCK_REFERENCE_NODES}",
            "value": met is not None
            and f"{_ms(big['immunoviz']['drawn_ms'])} ms vs {_ms(ref['stock']['drawn_ms'])} ms",
            "met": met,
        }
    )
    for size, most in LIMIT_TARGETS.items():
        r = results.get(size)
        checks.append(
            {
                "target": f"{size}: first stable drawing at most {most:g}x the limit's",
                "value": r
                and f"{_ms(r['immunoviz']['drawn_ms'])} / {_ms(r['limit']['drawn_ms'])} ms = {_over(r['over_limit'])}",
                "met": None if not r else r["over_limit"] is not None and r["over_limit"] <= most,
            }
        )
    checks.append(
        {
            "target": f"{TARGET_NODES} nodes: file no larger than stock pyvis's",
            "value": at and f"{at['immunoviz']['bytes']:,} / {at['stock']['bytes']:,} = {at['size_ratio']:.2f}",
            "met": None if not at else at["size_ratio"] <= 1,
        }
    )
    return checks


def print_checks(checks: list[dict]) -> None:
    print()
    for c in checks:
        verdict = {True: "MET    ", False: "NOT MET", None: "not run"}[c["met"]]
        print(f"{verdict}  {c['target']}" + (f": {c['value']}" if c["value"] else ""))


def machine(browser) -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu or platform.processor(),
        "cpu_count": os.cpu_count(),
        "chromium": browser.version,
        "pyvis": pyvis.__version__,
        "vis_network": paths.vis_network_assets()[0].parent.name,
    }


def settings() -> dict:
    return {
        "graph": f"networkx.barabasi_albert_graph(n, {EDGES_PER_NODE}, seed={SEED}); {SHIPPED}: the shipped view",
        "stock": 'Network(cdn_resources="in_line"); net.from_nx(g); net.write_html(path)',
        "immunoviz": f"laid_out_map(g, pal=palette(ds), seed={SEED}) (view_map(ds, {SHIPPED!r})); write_map(net, path)",
        "limit": "our nodes (id, label, x, y) and edges in vis.DataSets, vis-network inlined, physics off",
        "builds": f"median of {BUILDS}, immunoviz's caches emptied before each",
        "openings": f"median of {OPENINGS}, stock, immunoviz and the limit in turn, after a discarded warm-up of each;"
        " a stock opening that timed out is not repeated",
        "timeout_s": TIMEOUT_S,
        "first_stable_drawing": {
            "stock": "first afterDrawing, which vis-network holds back until stabilizationIterationsDone",
            "immunoviz": "body[data-ready='1'], set a frame after the first afterDrawing (physics off)",
            "limit": "body[data-ready='1'], set a frame after the first afterDrawing (physics off)",
        },
        "at_rest": {"stock": "vis-network's 'stabilized' event after a drawing", "immunoviz": "as drawn"},
        "times": "performance.now() in the page, from navigation start",
    }


def _size(token: str) -> str | int:
    token = token.strip()
    return token if token in (SHIPPED, HISTORY) else int(token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help=f"comma-separated: {HISTORY} (the history page), {SHIPPED} (shipped) or node counts",
    )
    parser.add_argument("--no-stock", action="store_true", help="leave stock pyvis out: ours against the limit only")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    sizes = [_size(s) for s in args.sizes.split(",") if s.strip()]
    ds = data.load()
    pal = style.palette(ds)
    results: dict = {}
    with _browser.launch() as browser, tempfile.TemporaryDirectory(prefix="immunoviz-bench-") as work:
        info = machine(browser)
        print(
            f"immunoviz maps against stock pyvis {info['pyvis']} and the bare renderer ({info['vis_network']}); "
            f"Chromium {info['chromium']}, {info['cpu_count']} CPUs, Python {info['python']}"
        )
        warm_up(browser, pal, Path(work), stock=not args.no_stock)
        for size in sizes:
            if size == HISTORY:
                results[size] = measure_history(ds, browser, Path(work))
                print_history(results[size])
                continue
            results[size] = measure(size, pal, ds, browser, Path(work), stock=not args.no_stock)
            print_size(results[size])
    print_summary(results)
    checks = check_targets(results)
    print_checks(checks)
    report = {"machine": info, "settings": settings(), "sizes": list(results.values()), "targets": checks}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
