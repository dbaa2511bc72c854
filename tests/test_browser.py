"""What users see, in headless Chromium, from file:// with the network cut off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from viz import style

pytestmark = pytest.mark.browser

VIEWS = [
    "cycle",
    "three_es",
    "checkpoints",
    "landscape",
    "checkpoint_drugs",
    "cell_therapies",
    "antibodies_engagers",
    "vaccines_viruses",
    "resistance",
    "combinations",
    "side_effects",
    "biomarkers",
    "everything",
]


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_view_is_in_the_site(site, dataset):
    assert sorted(p.stem for p in (site / "maps").glob("*.html")) == sorted(dataset.views["id"])
    assert set(VIEWS) <= set(dataset.views["id"])


def test_every_page_opens_offline_without_errors(every_page):
    """Every page draws from the file alone: no request leaves the machine, nothing is logged as an
    error, and the footer says once that it is educational material, not medical advice."""
    assert len(every_page) >= 15
    for name, visit in every_page.items():
        assert visit.disclaimers == 1, name
        assert visit.blocked == [], f"{name} tried to reach the network: {visit.blocked}"
        assert visit.errors == [], f"{name}: console errors {visit.errors}"


def test_every_chart_is_drawn_by_the_vendored_plotly(every_page):
    """Chart pages, the history page and the lessons with charts load our partial bundle of plotly.js
    (src/viz/vendor/plotly), and it draws their figures; maps load no plotly.js."""
    from viz.render import PLOTLY_DIR

    version = json.loads((PLOTLY_DIR / "pinned.json").read_text(encoding="utf-8"))["version"]
    charts = {n for n in every_page if n.startswith("charts/") or n == "history.html"}
    lessons = {n for n, visit in every_page.items() if n.startswith("notebooks/") and visit.counts["figures"]}
    assert len(charts) >= 8 and lessons
    for name in charts | lessons:
        assert every_page[name].plotly == version, name
        assert every_page[name].counts["figures drawn"] >= 1, f"{name}: no figure drawn"
    assert all(every_page[n].plotly is None for n in every_page if n.startswith("maps/"))


def _click_node(page, node_id: str) -> None:
    box = page.locator("#map").bounding_box()
    xy = page.evaluate(
        "id => { const n = immunoviz.network; const p = n.canvasToDOM(n.getPosition(id)); return [p.x, p.y]; }", node_id
    )
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


@pytest.mark.parametrize("view", VIEWS)
def test_map_legend_search_and_neighbourhood(site, offline_page, dataset, view):
    page = offline_page.open(site / "maps" / f"{view}.html")
    # the legend shows every category in use, visibly
    legend = page.locator(".legend")
    assert legend.is_visible()
    shown = {c for c in page.evaluate("immunoviz.nodes.get().map(n => n.group)")}
    for cat in shown:
        assert page.locator(f'.legend input[data-category="{cat}"]').is_visible()
    # searching a label (not an id) selects that node
    members = (
        dataset.view_concepts.query("view == @view")["concept"] if view != "everything" else dataset.concepts["id"]
    )
    target = sorted(members)[len(members) // 2]
    label = dataset.concepts.loc[target, "label"]
    page.emulate_media(reduced_motion="reduce")  # the search moves the view at once, with no glide to wait for
    page.fill("#search", label)
    page.keyboard.press("Enter")
    assert page.evaluate("immunoviz.state.selected") == target
    assert page.locator("#panel h2").inner_text() == label
    # clicking a node highlights its neighbourhood and lists its sources as links
    page.keyboard.press("Escape")
    _click_node(page, target)
    assert page.evaluate("immunoviz.state.selected") == target
    neighbours = set(page.evaluate("id => immunoviz.network.getConnectedNodes(id)", target))
    dimmed = set(
        page.evaluate(
            "dim => immunoviz.nodes.get().filter(n => n.color && n.color.background === dim).map(n => n.id)",
            style.MAP_STATES["dim"]["background"],
        )
    )
    assert dimmed and target not in dimmed and not (neighbours & dimmed)
    links = page.locator("#panel ol.sources a")
    assert links.count() == len(dataset.concepts.loc[target, "sources"])
    assert all(h.startswith(("https://", "http://")) for h in links.evaluate_all("els => els.map(a => a.href)"))
    offline_page.assert_clean()


#: A hall projector, and an older 4:3 one, with the smallest label of a whole map each must show: the
#: layouts are made for a wide screen (layout.CANVAS), so the narrow one loses about a fifth.
PROJECTORS = {(1280, 720): 12.0, (1024, 768): 10.0}
#: On the wide projector with Presenter ticked: the concepts a story step brings in at least STEP_PX,
#: and the map of everything at least EVERYTHING_LABELS labels of 14 px.
STEP_PX, EVERYTHING_LABELS = 18.0, 25

MEASURE = """() => {
  const api = immunoviz, shown = () => api.nodes.get().filter(n => !n.hidden).map(n => n.id);
  const net = api.network, c = document.getElementById("map");
  const within = id => {  // on the map and above the step's caption, which lies over the map's foot
    const b = net.getBoundingBox(id), tl = net.canvasToDOM({x: b.left, y: b.top});
    const br = net.canvasToDOM({x: b.right, y: b.bottom}), story = document.getElementById("story");
    const foot = story.getBoundingClientRect().top - c.getBoundingClientRect().top;
    return tl.x >= -1 && tl.y >= -1 && br.x <= c.clientWidth + 1 && br.y <= Math.min(c.clientHeight, foot) + 1;
  };
  // every story step, and every part of a step shown in parts: the size of the labels it brings in, and
  // those of them drawn outside the map (a map opens on the whole map, one place after its last step)
  const steps = [], last = api.state.step - 1;
  for (let k = 1; k <= last; k++) {
    const parts = api.parts(k) || [null];
    parts.forEach((part, p) => {
      api.setStep(k, true, p + 1);
      const fresh = api.nodes.get().filter(n => !n.hidden && n.step === k && (!part || part.includes(n.id)))
        .map(n => n.id);
      steps.push({at: parts.length > 1 ? `${k}.${p + 1}` : `${k}`, out: fresh.filter(id => !within(id)),
                  px: fresh.length ? Math.min(...fresh.map(id => api.labelPx(id))) : null});
    });
  }
  api.setStep(last + 1, true);
  const ids = shown(), px = ids.map(id => api.labelPx(id));
  const boxes = ids.map(id => [id, api.labelBox(id)]).filter(([, b]) => b);
  const clash = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [p, a] = boxes[i], [q, b] = boxes[j];
    const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (dx > 1 && dy > 1) clash.push(p + " / " + q);
  }
  const all = ids.map(id => net.getBoundingBox(id));
  const tl = net.canvasToDOM({x: Math.min(...all.map(b => b.left)), y: Math.min(...all.map(b => b.top))});
  const br = net.canvasToDOM({x: Math.max(...all.map(b => b.right)), y: Math.max(...all.map(b => b.bottom))});
  return {steps, whole: Math.min(...px), big: px.filter(v => v >= 14).length, clash,
          inside: tl.x >= -1 && tl.y >= -1 && br.x <= c.clientWidth + 1 && br.y <= c.clientHeight + 1};
}"""


def _presenting(offline_page, path: Path, size: tuple[int, int]):
    offline_page.page.set_viewport_size({"width": size[0], "height": size[1]})
    page = offline_page.open(path)
    page.check("#presenter")
    return page


@pytest.mark.parametrize("size", list(PROJECTORS), ids=lambda s: f"{s[0]}x{s[1]}")
def test_maps_read_from_the_back_row(site, offline_page, dataset, size):
    """Projected with Presenter ticked, each map is a slide: every label of the whole map at least
    PROJECTORS[size] high; on the wide projector the concepts each story step brings in (or each part of a step
    shown in parts, the last step too) at least STEP_PX and inside the map; no label over another, nothing cut
    off; the map of
    everything shows EVERYTHING_LABELS labels at 14 px or more (its best-linked concepts and its regions) before
    anyone zooms."""
    problems = []
    for view in dataset.views.index:
        m = _presenting(offline_page, site / "maps" / f"{view}.html", size).evaluate(MEASURE)
        if view == "everything":
            if size == (1280, 720) and m["big"] < EVERYTHING_LABELS:
                problems.append(f"everything: {m['big']} labels of 14 px or more")
            continue
        if m["whole"] < PROJECTORS[size]:
            problems.append(f"{view}: labels {m['whole']:.1f} px")
        if size == (1280, 720):
            small = [(s["at"], round(s["px"], 1)) for s in m["steps"] if s["px"] is not None and s["px"] < STEP_PX]
            if small:
                problems.append(f"{view}: steps (step, px) {small}")
            if outside := [(s["at"], s["out"]) for s in m["steps"] if s["out"]]:
                problems.append(f"{view}: steps bring in concepts outside the map {outside}")
        if m["clash"]:
            problems.append(f"{view}: labels over labels {m['clash'][:3]}")
        if not m["inside"]:
            problems.append(f"{view}: the fitted map is cut off")
    assert not problems, "\n".join(problems)
    offline_page.assert_clean()


def test_timeline_labels_sit_by_their_markers_and_the_years_are_in_view(site, offline_page):
    """On a 1920x1080 screen the timeline's year axis is in view without scrolling, and no milestone
    label covers another."""
    offline_page.page.set_viewport_size({"width": 1920, "height": 1080})
    page = offline_page.open(site / "charts" / "timeline.html")
    m = page.evaluate("""() => {
      const r = e => e.getBoundingClientRect();
      const labels = [...document.querySelectorAll('.annotation')].map(a => r(a.querySelector('rect.bg') || a));
      const years = [...document.querySelectorAll('.xtick text')].map(r).filter(b => b.width > 0);
      let clash = 0;
      for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i], b = labels[j];
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) clash++;
      }
      return {n: labels.length, clash, yearsTop: Math.min(...years.map(b => b.top)), nYears: years.length,
              height: innerHeight};
    }""")
    assert m["n"] > 5 and m["nYears"] > 3, m
    assert m["clash"] == 0, f"{m['clash']} pairs of milestone labels overlap"
    assert 0 <= m["yearsTop"] < m["height"], "the year axis is off screen"
    offline_page.assert_clean()


#: The texts of a plotly chart that must not cover each other: its title against every other text (axis
#: and tick labels, the legend, notes), and a flow chart's node labels against each other. (Tilted tick
#: labels are left out of the pairs among themselves: their boxes overlap where their letters do not.)
CHART_CLASH_JS = """() => {
  const box = t => t.getBoundingClientRect();
  const texts = [...document.querySelectorAll('.main-svg text')].filter(t => t.textContent.trim() && box(t).width);
  const title = texts.filter(t => t.closest('.g-gtitle'));
  const nodes = texts.filter(t => t.classList.contains('node-label'));
  const over = (a, b) => {
    const p = box(a), q = box(b);
    return Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 &&
      Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1;
  };
  const clash = [], pair = (a, b) => { if (a !== b && over(a, b)) clash.push(a.textContent + " / " + b.textContent); };
  title.forEach(t => texts.forEach(u => pair(t, u)));
  nodes.forEach((a, i) => nodes.slice(i + 1).forEach(b => pair(a, b)));
  // on a chart page, how far the drawing runs out of its box, over the text that follows it
  const holder = document.querySelector('.chart'), svg = holder && holder.querySelector('.main-svg');
  const overflow = svg ? Math.max(0, Math.round(box(svg).bottom - box(holder).bottom)) : 0;
  return {titles: title.length, nodes: nodes.length, clash, overflow};
}"""


@pytest.mark.parametrize("size", list(PROJECTORS), ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_chart_label_covers_another(site, offline_page, size):
    """On either projector, no chart's title covers its legend or its axis labels (on a 1024 px screen the
    timeline's title sat under its legend, and the combinations' over its tilted column names), and no
    label of a flow chart's nodes covers another: side by side, the thin nodes of one column (each strategy
    aimed at a resistance mechanism), or the middle column's long names beside the last column's (a lesson
    page at 1024 px drew the chart 910 px wide, and "Lineage switch after CD19 therapy" ran into "Bispecific
    T-cell engagers"). Chart pages, and the lesson pages that draw a flow chart. On a chart page the drawing
    also stays in its box: a figure taller than the window's share (the timeline's 1,790 px, the resistance
    flows' 816) ran over the "In words" list below it."""
    offline_page.page.set_viewport_size({"width": size[0], "height": size[1]})
    titles = nodes = 0
    problems = []
    lessons = [p for p in sorted((site / "notebooks").glob("*.html")) if '"type":"sankey"' in p.read_text("utf-8")]
    assert lessons, "no lesson page draws a flow chart"
    for path in [*sorted((site / "charts").glob("*.html")), *lessons]:
        m = offline_page.open(path).evaluate(CHART_CLASH_JS)
        titles, nodes = titles + m["titles"], nodes + m["nodes"]
        if m["clash"]:
            problems.append(f"{path.name}: {len(m['clash'])} labels over labels {m['clash'][:3]}")
        if m["overflow"]:
            problems.append(f"{path.name}: the chart runs {m['overflow']} px over the text below it")
    assert titles >= 7 and nodes > 40, "the charts' titles and flow labels were not found"
    assert not problems, "\n".join(problems)
    offline_page.assert_clean()


def test_map_screenshot_shows_the_graph(site, offline_page, tmp_path):
    page = offline_page.open(site / "maps" / "cycle.html")
    shot = page.locator("#map").screenshot(path=str(tmp_path / "cycle.png"))
    assert len(shot) > 20_000, "a blank canvas compresses to almost nothing"
    colours = page.evaluate("""() => {
        const c = document.querySelector('#map canvas'); const d = c.getContext('2d')
            .getImageData(0, 0, c.width, c.height).data;
        const seen = new Set(); for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
        return seen.size; }""")
    assert colours > 20, "the canvas holds a drawing, not a blank rectangle"


LABEL_PX = "immunoviz.network.body.nodes['pd1'].options.font.size * immunoviz.network.getScale()"


def test_presenter_setting_enlarges_labels(site, offline_page):
    """Ticking Presenter gives the map the whole window: labels are drawn larger on screen,
    the legend stays in view, and the panel appears over the map only for a selection."""
    page = offline_page.open(site / "maps" / "checkpoints.html")
    before = page.evaluate(LABEL_PX)
    page.check("#presenter")
    after = page.evaluate(LABEL_PX)
    assert after >= 1.15 * before, (before, after)  # this map is bound by height; wide ones gain 1.4-1.6x
    assert "presenter" in page.evaluate("document.body.className")
    assert page.locator(".legend").is_visible()
    assert not page.locator("#panel").is_visible()
    page.evaluate("immunoviz.select('pd1', false)")
    assert page.locator("#panel").is_visible() and page.locator("#panel h2").inner_text() == "PD-1"
    page.uncheck("#presenter")
    assert page.evaluate(LABEL_PX) == pytest.approx(before, rel=0.05)
    offline_page.assert_clean()


def test_category_filter_hides_nodes(site, offline_page):
    page = offline_page.open(site / "maps" / "checkpoints.html")
    page.uncheck('.legend input[data-category="molecule"]')
    hidden = page.evaluate("immunoviz.nodes.get().filter(n => n.hidden).map(n => n.group)")
    assert hidden and set(hidden) == {"molecule"}


def test_text_version_is_reachable_by_keyboard(site, offline_page):
    page = offline_page.open(site / "maps" / "checkpoints.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    items = page.locator("#text-version li strong")
    assert items.count() == page.evaluate("immunoviz.nodes.length")
    assert page.locator("#map").get_attribute("role") == "application"  # one Tab stop (test_accessibility)


#: Runs before the page's scripts: counts what is done to vis-network's data sets, and its drawings,
#: until the page says it is drawn (body[data-ready="1"]). vis-network's bundle assigns DataSet and
#: Network to the `vis` object one by one, so setters catch them as they arrive.
STARTUP_PROBE_JS = """
(() => {
  const seen = window.__startup = { calls: [], drawings: 0, drawingsAtReady: null };
  let vis, DataSet, Network;
  Object.defineProperty(window, "vis", { configurable: true, get() { return vis; }, set(v) {
    vis = v;
    Object.defineProperty(v, "DataSet", { configurable: true, enumerable: true, get() { return DataSet; }, set(D) {
      let building = 0;  // a data set's constructor adds its items: that is building it, not work after it
      DataSet = function () {
        building += 1;
        try { return new D(...arguments); } finally { building -= 1; }
      };
      DataSet.prototype = D.prototype;
      ["add", "update", "updateOnly", "remove", "clear"].forEach((name) => {
        const f = D.prototype[name];
        D.prototype[name] = function () {
          if (!seen.drawings && !building) {
            seen.calls.push(name + " " + (Array.isArray(arguments[0]) ? arguments[0].length : 1));
          }
          return f.apply(this, arguments);
        };
      });
    } });
    Object.defineProperty(v, "Network", { configurable: true, enumerable: true, get() { return Network; }, set(N) {
      Network = function () {
        const net = new N(...arguments);
        net.on("afterDrawing", () => { seen.drawings += 1; });
        return net;
      };
      Network.prototype = N.prototype;
    } });
  } });
  new MutationObserver(() => {
    if (seen.drawingsAtReady === null && document.body && document.body.dataset.ready === "1") {
      seen.drawingsAtReady = seen.drawings;
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
})();
"""


@pytest.mark.parametrize(
    ("view", "presenter", "fragment"),
    [("cycle", False, ""), ("cycle", True, ""), ("cycle", False, "#step=3"), ("everything", False, "")],
)
def test_map_does_no_per_node_work_before_its_first_drawing(dataset, offline_page, tmp_path, view, presenter, fragment):
    """Issue 18: the first drawing waits for nothing but the data sets, and it is the final one.

    The page builds vis-network's data sets once, with each concept's visibility (story step,
    replay year) already decided, and frames the map before vis-network first draws it: no
    update of every node after they are built, and no second drawing to move the view.
    """
    from viz import export, maps

    path = export.write_map(maps.view_map(dataset, view, presenter=presenter), tmp_path / f"{view}.html")
    offline_page.page.add_init_script(STARTUP_PROBE_JS)
    page = offline_page.open(path, fragment=fragment)
    seen = page.evaluate("() => window.__startup")
    assert seen["calls"] == [], f"data set work before the first drawing: {seen['calls']}"
    assert seen["drawingsAtReady"] == 1, "the map is drawn once, framed, before the page says it is ready"
    # and the data sets say what the reader sees: the story's later steps hidden, with their links
    step = int(fragment.split("=")[1]) if fragment else None
    hidden = page.evaluate("() => immunoviz.nodes.get().filter(n => n.hidden).map(n => n.id).sort()")
    later = page.evaluate(
        "k => immunoviz.nodes.get().filter(n => k !== null && n.step > k).map(n => n.id).sort()", step
    )
    assert hidden == later
    n_nodes = page.evaluate("() => immunoviz.nodes.length")
    assert page.evaluate("() => document.body.dataset.visible") == str(n_nodes - len(hidden))
    dangling = page.evaluate(
        """() => { const shown = new Set(immunoviz.nodes.get().filter(n => !n.hidden).map(n => n.id));
           return immunoviz.edges.get().filter(e => !e.hidden && !(shown.has(e.from) && shown.has(e.to))).length; }"""
    )
    assert dangling == 0, "a link is drawn only between concepts that are drawn"
    # the frame set before the first drawing is the one "Zoom to fit" chooses once everything is drawn
    if step is None:
        view_now = "() => [immunoviz.network.getViewPosition(), immunoviz.network.getScale()]"
        (x0, s0) = page.evaluate(view_now)
        page.emulate_media(reduced_motion="reduce")  # "Zoom to fit" without its glide
        page.locator("#fit").click()
        (x1, s1) = page.evaluate(view_now)
        assert s1 == pytest.approx(s0, rel=1e-3)
        assert (x1["x"], x1["y"]) == pytest.approx((x0["x"], x0["y"]), abs=1)
    # the text version's "Show on map" buttons arrive once the map is drawn, and still show the concept
    first = page.locator("#text-version .show-on-map").first
    first.click()
    assert page.evaluate("() => immunoviz.state.selected") == first.get_attribute("data-node")
    offline_page.assert_clean()


def test_index_links_all_resolve(site):
    import re

    for page in site_pages(site):
        # the markup's links, not the text of inline scripts (reveal.js builds links from template strings)
        html = re.sub(r"(<script[^>]*>).*?</script>", r"\1", page.read_text(encoding="utf-8"), flags=re.S)
        for ref in re.findall(r'(?:href|src)="([^"#:]+)(?:#[^"]*)?"', html):
            assert (page.parent / ref).resolve().exists(), f"{page.relative_to(site)} links to missing {ref}"


def test_ci_fails_instead_of_skipping_without_chromium(tmp_path):
    """Under CI=true a missing browser is an error, not a silent skip."""
    env = {**os.environ, "CI": "true", "IMMUNOVIZ_CHROMIUM": str(tmp_path / "no-chromium")}
    env.pop("IMMUNOVIZ_REQUIRE_BROWSER", None)

    def run_one_browser_test(env):  # one that needs the browser and nothing else (no site to build first)
        test = f"{Path(__file__).with_name('test_accessibility.py')}::test_axe_check_catches_a_bad_page"
        from conftest import QUIET_PYTEST

        args = [sys.executable, "-m", "pytest", "-q", "-rs", "-o", "addopts=", *QUIET_PYTEST, test]
        return subprocess.run(args, capture_output=True, text=True, env=env, cwd=Path(__file__).parents[1], timeout=300)

    result = run_one_browser_test(env)
    assert result.returncode != 0
    assert "Chromium not found" in result.stdout and "apt-get install" in result.stdout
    result = run_one_browser_test({**env, "CI": "false"})
    assert result.returncode == 0 and "skipped" in result.stdout


def test_png_and_svg_for_every_map_and_chart(site, chromium, dataset):
    from viz import charts

    ids = [f"map-{v}" for v in dataset.views["id"]] + [f"chart-{c.id}" for c in charts.site_charts(dataset)]
    for i in ids:
        png, svg = site / "images" / f"{i}.png", site / "images" / f"{i}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", i
        assert int.from_bytes(png.read_bytes()[16:20], "big") >= 1000, "wide enough for a slide"
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg"), i
    for chart in charts.site_charts(dataset):  # drawn at the figure's height, not squeezed into a slide
        png = (site / "images" / f"chart-{chart.id}.png").read_bytes()
        assert int.from_bytes(png[20:24], "big") == (chart.figure.layout.height or 1000), chart.id
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count('src="images/') == len(ids) + 1, "every card has its thumbnail (and the history page)"


def test_two_builds_with_images_are_byte_identical(site, chromium, tmp_path):
    """A build is a function of its inputs: a clean build under another hash seed, with one notebook
    at a time instead of several and an empty cache, gives the same bytes as the session's site."""
    import hashlib

    from conftest import build_site

    env = {"PYTHONHASHSEED": "2", "IMMUNOVIZ_JOBS": "1", "IMMUNOVIZ_CACHE": str(tmp_path / "cache")}
    again = build_site(tmp_path / "again", images=True, notebooks=True, downloads=True, env=env)

    def hashes(root):
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
        }

    first, second = hashes(site), hashes(again)
    assert sorted(first) == sorted(second)
    assert [name for name in sorted(first) if first[name] != second[name]] == []
    assert any(name.startswith("notebooks/") for name in first) and any(name.endswith(".png") for name in first)
