"""Hostile and broken input (issue 9): nothing runs, nothing is lost, every error is clear.

* XSS payloads in every free-text cell of every table: the built site, opened and used
  in Chromium, runs none of them, creates no element from them and shows them literally;
  the notebook HTML (map iframes, explorers) escapes them too.
* Only http(s), doi: and pmid: links pass validation.
* Random and mutated tables given to ``immunoviz build``: a complete site or data errors,
  never a traceback or a half-written folder.
* Disk full, permission denied and Ctrl-C during a build leave the previous site intact.
* A 5,000-concept dataset builds and draws.
* Pages store nothing and send nothing.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import html
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ALL_PAYLOADS, CELL, TINY, OfflinePage, immunoviz, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viz import charts, data, exercise, export, render
from viz.site import SITE_MARKER

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "viz" / "static"


def test_payloads_are_distinct_and_fit_every_cell():
    assert len(ALL_PAYLOADS) >= 40
    assert len(set(ALL_PAYLOADS)) == len(ALL_PAYLOADS)
    for p in ALL_PAYLOADS:
        assert len(p) <= 40 and ";" not in p and p == p.strip(), repr(p)
        assert re.search(r"alert\(\d+\)|__xss=\d+", p), f"{p!r} sets no marker"


# ---------------------------------------------------------------------------
# free-text cells, found from the schema


def free_text_fields(folder: Path) -> dict[str, list[str]]:
    """{table: [columns]} of string fields with no pattern or enum that are not keys."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for res in descriptor["resources"]:
        schema = res["schema"]
        keys = set(schema.get("primaryKey", [])) | {f for fk in schema.get("foreignKeys", []) for f in fk["fields"]}
        found[res["name"]] = [
            f["name"]
            for f in schema["fields"]
            if f.get("type", "string") == "string"
            and not {"pattern", "enum"} & set(f.get("constraints", {}))
            and f["name"] not in keys
        ]
    return found


def read_table(folder: Path, table: str) -> list[list[str]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_table(folder: Path, table: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")


@dataclass(frozen=True)
class Cell:
    table: str
    row: int  # 0-based, below the header
    column: str
    key: str  # the row's first cell (its id, or its first key column)
    max_length: int


def free_cells(folder: Path) -> list[Cell]:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    limits = {
        (res["name"], f["name"]): f.get("constraints", {}).get("maxLength", 5000)
        for res in descriptor["resources"]
        for f in res["schema"]["fields"]
    }
    cells = []
    for table, columns in free_text_fields(folder).items():
        rows = read_table(folder, table)
        for i, row in enumerate(rows[1:]):
            for col in columns:
                if col in rows[0]:  # an optional column that the table leaves out (events.note) has no cells
                    cells.append(Cell(table, i, col, row[0], limits[table, col]))
    return cells


def used_ids(folder: Path) -> dict[str, set[str]]:
    """Categories and relation types that some concept or relation uses (the legend shows only these)."""
    concepts = read_table(folder, "concepts")
    relations = read_table(folder, "relations")
    return {
        "categories": {r[concepts[0].index("category")] for r in concepts[1:]},
        "relation_types": {r[relations[0].index("relation")] for r in relations[1:]},
    }


def context_of(cell: Cell, used: dict[str, set[str]]) -> str:
    """Where the cell's text ends up: every payload is tried in each of these classes."""
    if cell.table in used and cell.key not in used[cell.table]:
        return "unused"  # still hostile, but on no page
    if (cell.table, cell.column) in {
        ("categories", "description"),
        ("relation_types", "description"),
        ("views", "title"),
    }:
        return "attribute"  # title="", aria-label="", alt=""
    if (cell.table, cell.column) in {("concepts", "label"), ("concepts", "summary"), ("categories", "label")}:
        return "tooltip"  # vis-network's hover text (and the text version and JSON)
    return "text"  # HTML text, the map's JSON, plotly text


def per_cell(cell: Cell) -> int:
    """How many payloads fit in the cell, joined by spaces (1 to 3)."""
    return max(1, min(3, (cell.max_length + 1) // 41))


def make_hostile(dest: Path, round_: int) -> dict[Cell, list[str]]:
    """A copy of the tiny dataset with payloads in every free-text cell; returns what went where.

    Within each context class payloads are dealt out in turn, starting where the
    previous round stopped, so each round puts every payload in every class whose
    cells can hold them all.
    """
    shutil.copytree(TINY, dest)
    used = used_ids(dest)
    cells = free_cells(dest)
    by_context: dict[str, list[Cell]] = {}
    for c in cells:
        by_context.setdefault(context_of(c, used), []).append(c)
    placed: dict[Cell, list[str]] = {}
    n = len(ALL_PAYLOADS)
    for members in by_context.values():
        capacity = sum(per_cell(c) for c in members)
        k = round_ * capacity
        for c in members:
            placed[c] = [ALL_PAYLOADS[(k + i) % n] for i in range(per_cell(c))]
            k += per_cell(c)
    for table in {c.table for c in cells}:
        rows = read_table(dest, table)
        header = rows[0]
        for c, payloads in placed.items():
            if c.table == table:
                rows[c.row + 1][header.index(c.column)] = " ".join(payloads)
        write_table(dest, table, rows)
    return placed


def make_filled(dest: Path) -> None:
    """A copy of the tiny dataset with plain words in every free-text cell that :func:`make_hostile` fills:
    the clean twin of a hostile dataset, whose pages must have the same elements (a field shown only when
    it has text adds its line to both)."""
    shutil.copytree(TINY, dest)
    cells = free_cells(dest)
    for table in {c.table for c in cells}:
        rows = read_table(dest, table)
        header = rows[0]
        for c in cells:
            if c.table == table:
                rows[c.row + 1][header.index(c.column)] = "Plain words"
        write_table(dest, table, rows)


def coverage(placed: dict[Cell, list[str]], folder: Path) -> dict[str, set[str]]:
    used = used_ids(folder)
    out: dict[str, set[str]] = {}
    for c, payloads in placed.items():
        out.setdefault(context_of(c, used), set()).update(payloads)
    return out


# ---------------------------------------------------------------------------
# building and looking at a site in Chromium


def build_cli(data_dir: Path, out: Path) -> subprocess.CompletedProcess:
    """``immunoviz build --no-images`` in a subprocess, as a user runs it."""
    args = [sys.executable, "-m", "viz.cli", "build", "--data", str(data_dir), "--out", str(out), "--no-images"]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)


#: Elements a payload might smuggle in: each page must have exactly as many as a clean build's.
WATCHED_TAGS = [
    "script",
    "a",
    "img",
    "svg",
    "iframe",
    "object",
    "embed",
    "details",
    "video",
    "audio",
    "source",
    "marquee",
    "select",
    "input",
    "textarea",
    "button",
    "form",
    "base",
    "meta",
    "link",
    "style",
    "math",
    "animate",
    "body",
    "title",
    "frame",
    "frameset",
]

INSPECT_JS = """async tags => {
  const counts = {};
  for (const t of tags) counts[t] = document.getElementsByTagName(t).length;
  const onAttrs = [], badUrls = [], attrs = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) onAttrs.push(el.tagName + ' ' + a.name);
      if (/^(href|src|action|formaction|data|srcdoc|xlink:href)$/i.test(a.name)
          && /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data:text)/i.test(a.value))
        badUrls.push(el.tagName + ' ' + a.value);
      if (/^(title|aria-label|alt|placeholder)$/i.test(a.name)) attrs.push(a.value);
    }
  }
  const texts = [];
  const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const p = n.parentElement && n.parentElement.closest('script, style');
    if (!p) texts.push(n.data);
  }
  let databases = [];
  try { databases = (await indexedDB.databases()).map(d => d.name); } catch (e) { databases = []; }
  let stored;
  try { stored = {local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, databases}; }
  catch (e) { stored = {local: 0, session: 0, cookie: '', databases, note: String(e)}; }
  return {counts, onAttrs, badUrls, attrs, stored, text: texts.join('\\n'),
          xss: typeof window.__xss === 'undefined' ? null : String(window.__xss)};
}"""

MAP_TOUR_JS = """() => {
  const out = {panels: [], captions: [], quiz: []};
  const api = window.immunoviz, ids = api.nodes.getIds();
  for (const id of ids) { api.select(id, false); out.panels.push(document.getElementById('panel').textContent); }
  const steps = api.state.step;
  for (let k = 1; k <= steps; k++) {
    api.setStep(k);
    out.captions.push(document.getElementById('caption').textContent);
  }
  if (steps) api.setStep(steps);
  document.getElementById('quiz').click();               // self-test: names hidden ...
  api.select(ids[0], false);
  const reveal = [...document.querySelectorAll('#panel button')].find(b => b.textContent === 'Reveal');
  reveal.click();                                       // ... then revealed
  out.quiz.push(document.getElementById('panel').textContent);
  document.getElementById('quiz').click();
  api.select(ids[ids.length - 1], false);
  return out;
}"""

TOOLTIP_JS = """id => {
  const t = document.querySelector('div.vis-tooltip'), bare = s => s.replace(/\\s+/g, '');
  // the map wraps long labels (a line break where a space or hyphen was); the tooltip has them whole
  return t && t.style.visibility !== 'hidden' && bare(t.textContent).startsWith(bare(immunoviz.nodes.get(id).label));
}"""

HOVER_NODE_JS = (
    """id => { const n = immunoviz.network; const p = n.canvasToDOM(n.getPosition(id)); return [p.x, p.y]; }"""
)

#: Screen points a reader would hover on a chart that plotly cannot hover by point number:
#: the nodes and links of a Sankey diagram, and a grid over a heatmap.
CHART_POINTS_JS = """() => {
  const div = document.querySelector('.chart'), r = div.getBoundingClientRect(), pts = [];
  const add = (x, y) => { if (isFinite(x) && isFinite(y)) pts.push([x, y]); };
  (div.calcdata || []).forEach((cd, i) => {
    const t = div._fullData[i];
    if (t.hoverinfo === 'skip') return;
    if (t.type === 'sankey') {
      for (const el of div.querySelectorAll('.sankey-node rect, .sankey-link')) {
        const b = el.getBoundingClientRect(); add(b.left + b.width / 2, b.top + b.height / 2);
      }
      return;
    }
    if (!t.xaxis) return;
    const xa = div._fullLayout[t.xaxis.replace('x', 'xaxis')], ya = div._fullLayout[t.yaxis.replace('y', 'yaxis')];
    if (t.type === 'heatmap') {
      for (let gx = 0.5; gx < 6; gx++) for (let gy = 0.5; gy < 6; gy++)
        add(r.left + xa._offset + xa._length * gx / 6, r.top + ya._offset + ya._length * gy / 6);
      return;
    }
  });
  return pts;
}"""


HOVER_TEXT_JS = "() => (document.querySelector('.hoverlayer') || {}).textContent || ''"


#: Plotly's own hover on every point of every trace it can address (points that sit close
#: together on screen would steal each other's hover from a mouse). Plotly throttles hovers
#: to one per 50 ms, so each waits a little.
FX_HOVER_JS = """async () => {
  const gd = document.querySelector('.js-plotly-plot'), out = [];
  const pause = () => new Promise(r => setTimeout(r, 60));
  for (let i = 0; i < gd._fullData.length; i++) {
    const t = gd._fullData[i];
    if (t.hoverinfo === 'skip' || t.type === 'sankey' || t.type === 'heatmap' || !t.visible) continue;
    for (let j = 0; j < (gd.calcdata[i] || []).length; j++) {
      Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}], t.xaxis + t.yaxis);
      await pause();
      const h = document.querySelector('.hoverlayer');
      if (h && h.textContent) out.push(h.textContent);
    }
  }
  Plotly.Fx.unhover(gd);
  return out;
}"""


NEEDS_MOUSE_JS = "() => document.querySelector('.js-plotly-plot')._fullData.some(t => /sankey|heatmap/.test(t.type))"


def hover_chart(page, limit: int = 60) -> list[str]:
    """The hover labels plotly draws for a reader: every addressable point through plotly's
    own hover, and for Sankey diagrams and heatmaps the mouse over their links, nodes and cells."""
    seen: list[str] = list(dict.fromkeys(page.evaluate(FX_HOVER_JS)))
    if page.evaluate(NEEDS_MOUSE_JS):
        for x, y in page.evaluate(CHART_POINTS_JS)[:limit]:
            page.mouse.move(x, y)
            try:
                page.wait_for_function(HOVER_TEXT_JS, timeout=400)
            except Exception:
                continue
            text = page.evaluate(HOVER_TEXT_JS)
            if text and text not in seen:
                seen.append(text)
        page.mouse.move(1, 1)
    return seen


@dataclass
class PageLook:
    """What a reader could see on a page after using it, and what the page holds."""

    name: str
    counts: dict
    on_attrs: list
    bad_urls: list
    attrs: list
    text: str
    xss: str | None
    extra: list  # panels, captions, tooltips, hover labels
    stored: dict  # localStorage, sessionStorage, cookies, IndexedDB

    @property
    def visible(self) -> str:
        return "\n".join([self.text, *self.attrs, *self.extra])


def tour(offline, site: Path, *, hover_all: bool = False) -> dict[str, PageLook]:
    """Open every page of a site, use it as a reader would, and record what it shows."""
    looks: dict[str, PageLook] = {}
    page = offline.page
    page.emulate_media(reduced_motion="reduce")  # a story step frames its concepts at once, not in a glide
    for path in sorted(site.rglob("*.html")):
        name = str(path.relative_to(site))
        offline.open(path)
        extra: list[str] = []
        if name.startswith("maps/"):
            extra_js = page.evaluate(MAP_TOUR_JS)
            extra += extra_js["panels"] + extra_js["captions"] + extra_js["quiz"]
            ids = page.evaluate("() => immunoviz.nodes.getIds()")
            box = page.locator("#map").bounding_box()
            # the tooltips at once: what they show is checked here, not how long the page waits to show them
            page.evaluate("() => immunoviz.network.setOptions({interaction: {tooltipDelay: 0}})")
            for nid in ids if hover_all else ids[:2]:
                x, y = page.evaluate(HOVER_NODE_JS, nid)
                page.mouse.move(box["x"] + x, box["y"] + y, steps=2)
                page.wait_for_function(TOOLTIP_JS, arg=nid, timeout=5_000)
                extra.append(page.locator("div.vis-tooltip").text_content())
                page.mouse.move(1, 1)
            # the text version, by its keyboard-reachable link (the keyboard, not the mouse: a click that lands
            # on the map while the page settles would keep the map's keys, where Escape does not deselect)
            page.focus("a[href='#text-version']")
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.body.classList.contains('has-selection')")
        elif name.startswith("charts/"):
            extra += hover_chart(page)
        elif name == "index.html":
            labels = page.evaluate("() => JSON.parse(document.getElementById('immunoviz-search').textContent)")
            for entry in labels[:: max(1, len(labels) // 8)]:
                page.fill("#site-search", entry["label"])
                extra.append(page.locator("#site-search-results").text_content())
        look = page.evaluate(INSPECT_JS, WATCHED_TAGS)
        looks[name] = PageLook(
            name,
            look["counts"],
            look["onAttrs"],
            look["badUrls"],
            look["attrs"],
            look["text"],
            look["xss"],
            extra,
            look["stored"],
        )
    return looks


def assert_nothing_stored(look: PageLook) -> None:
    s = look.stored
    assert (s["local"], s["session"], s["cookie"], s["databases"]) == (0, 0, "", []), f"{look.name} stored {s}"


@pytest.fixture(scope="module")
def clean_looks(chromium, tmp_path_factory):
    """Every page of the clean tiny site, toured: the element counts a hostile build must match."""
    from viz import _browser

    out = tmp_path_factory.mktemp("clean") / "site"
    result = build_cli(TINY, out)
    assert result.returncode == 0, result.stderr
    blocked: list[str] = []
    context = _browser.offline_context(chromium, blocked=blocked)
    try:
        looks = tour(OfflinePage(context.new_page(), blocked), out)
    finally:
        context.close()
    assert blocked == []
    return looks


#: Where each table's free text is read: on the maps (text version, legend, side panel,
#: tooltips, captions), on the index (topics), or on the chart pages (labels and hover text).
SHOWN_ON = {
    "concepts": "maps/",
    "relations": "maps/",
    "sources": "maps/",
    "categories": "maps/",
    "relation_types": "maps/",
    "steps": "maps/",
    "views": "",
    "events": "charts/",
    "resistance": "charts/",  # but its genes and note are shown nowhere (see NOT_SHOWN)
    "combinations": "charts/",
    "side_effects": "charts/",
    "biomarkers": "charts/",
    "topics": "",  # the index's section headings
    "charts": "",  # the index's cards and the chart pages
}
#: Columns no page shows (yet): their payloads must stay inert, but need not be visible.
NOT_SHOWN = {("resistance", "genes"), ("resistance", "note")}
ROUNDS = 2
CHECKED: dict[int, int] = {}  # round -> page x payload pairs seen literally (for the report)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_payloads_never_run_and_show_literally(round_, tmp_path, offline_page, clean_looks):
    folder = tmp_path / "data"
    placed = make_hostile(folder, round_)
    assert {c for c in free_cells(folder)} == set(placed), "every free-text cell holds a payload"
    covered = coverage(placed, folder)
    for context in ("attribute", "tooltip", "text"):
        assert covered[context] == set(ALL_PAYLOADS), f"some payloads never reach the {context} context"
    result = build_cli(folder, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    looks = tour(offline_page, tmp_path / "site", hover_all=True)
    offline_page.assert_clean()  # no dialog, console error or network request
    assert looks.keys() == clean_looks.keys()
    for name, look in looks.items():
        assert look.xss is None, f"{name}: payload {look.xss} ran"
        assert look.on_attrs == [], f"{name}: event handler attributes {look.on_attrs}"
        assert look.bad_urls == [], f"{name}: script URLs {look.bad_urls}"
        assert look.counts == clean_looks[name].counts, f"{name}: elements made from table text"
        assert_nothing_stored(look)

    # the reader sees every payload as the text it is, where its cell belongs
    for cell, payloads in placed.items():
        if context_of(cell, used_ids(folder)) == "unused" or (cell.table, cell.column) in NOT_SHOWN:
            continue
        where = SHOWN_ON[cell.table]
        seen = "\n".join(look.visible for name, look in looks.items() if name.startswith(where))
        for p in payloads:
            assert p in seen, f"{cell.table}.{cell.column} ({cell.key}): {p!r} is not shown literally on {where}*"
    everything = looks["maps/everything.html"]
    tooltips = "\n".join(everything.extra)
    attributes = "\n".join(a for name, look in looks.items() if name.startswith("maps/") for a in look.attrs)
    for cell, payloads in placed.items():
        context = context_of(cell, used_ids(folder))
        if context == "tooltip":
            assert all(p in tooltips for p in payloads), (cell, payloads)
        if context == "attribute":
            assert all(p in attributes for p in payloads), (cell, payloads)
    CHECKED[round_] = sum(p in look.visible for look in looks.values() for p in ALL_PAYLOADS)
    print(f"round {round_}: {len(looks)} pages x {len(ALL_PAYLOADS)} payloads, {CHECKED[round_]} seen literally")


# ---------------------------------------------------------------------------
# notebook output: the inline map iframe and the explorers' static HTML


class Tags(html.parser.HTMLParser):
    """Start tags, their attributes and the text of an HTML document (script text kept apart)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in_script = tag in ("script", "style")

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)

    def dangerous(self) -> list:
        return [
            a
            for a in self.attrs
            if a[1].startswith("on")
            or (
                a[1] in ("href", "src", "action", "formaction", "data")
                and re.match(r"\s*(javascript|data:text)", a[2], re.I)
            )
        ]


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "data"
    placed = make_hostile(folder, 0)
    return data.load(folder), placed


@pytest.fixture(scope="module")
def filled_dataset(tmp_path_factory):
    """The hostile dataset's clean twin (:func:`make_filled`)."""
    folder = tmp_path_factory.mktemp("filled") / "data"
    make_filled(folder)
    return data.load(folder)


def test_notebook_map_iframe_escapes_every_payload(hostile_dataset, filled_dataset):
    from viz import graph, maps

    ds, _placed = hostile_dataset
    checked = 0
    for view in graph.view_ids(ds):
        clean_outer = Tags(render.map_iframe(maps.view_map(filled_dataset, view)))
        outer = Tags(render.map_iframe(maps.view_map(ds, view)))
        assert outer.tags == clean_outer.tags == Counter({"iframe": 1}), outer.tags
        assert [a[1] for a in outer.attrs] == [a[1] for a in clean_outer.attrs], "no attribute added to the iframe"
        attrs = {k: v for _, k, v in outer.attrs}
        assert attrs["title"] == ds.views.loc[view, "title"], "the title attribute holds the payload literally"
        inner, clean_inner = Tags(attrs["srcdoc"]), Tags({k: v for _, k, v in clean_outer.attrs}["srcdoc"])
        assert inner.tags == clean_inner.tags, "the page inside the iframe has no element made from table text"
        assert inner.dangerous() == []
        text = "".join(inner.text)
        net = maps.view_map(ds, view)
        for n in net.nodes:
            assert n["label"] in text, f"label {n['label']!r} not shown literally in the text version"
            checked += 1
    assert checked >= 15


def test_history_page_escapes_every_payload(hostile_dataset, tiny_dataset):
    """The linked map and timeline: every payload of the events, concepts and sources it shows stays text."""
    from viz import history

    ds, placed = hostile_dataset
    page, clean = history.history_page(ds).render(), history.history_page(tiny_dataset).render()
    tags, clean_tags = Tags(page), Tags(clean)
    assert tags.tags == clean_tags.tags, "no element made from table text"
    assert tags.dangerous() == []
    text = "".join(tags.text)
    shown = [c for c in placed if c.table == "events" and c.column in ("title", "summary", "venue")]
    assert shown
    for cell in shown:
        for p in placed[cell]:
            assert p in text, f"events.{cell.column} ({cell.key}): {p!r} is not shown literally"


def test_lecture_deck_escapes_every_payload(hostile_dataset, tiny_dataset):
    """The slides and their speaker notes show every payload of the steps, concepts, relations and sources as text."""
    from viz import slides

    ds, placed = hostile_dataset
    page, clean = slides.render_deck(slides.plan_deck(ds)), slides.render_deck(slides.plan_deck(tiny_dataset))
    tags, clean_tags = Tags(page), Tags(clean)
    # a picture's label lines (a longer label wraps into more) and its shapes (a picture draws only what its frame
    # shows, and longer labels take more room): how many depends on the labels' lengths
    drawing = Counter(dict.fromkeys(("tspan", "text", "g", "path", "rect", "ellipse", "polygon", "circle"), 1_000_000))
    assert tags.tags - drawing == clean_tags.tags - drawing, "no element made from table text"
    assert tags.dangerous() == []
    notes = "".join(Tags("".join(re.findall(r'<aside class="notes">([\s\S]*?)</aside>', page))).text)
    slide_text = "".join(Tags(re.sub(r'<aside class="notes">[\s\S]*?</aside>', "", page)).text)
    on_slides = [c for c in placed if (c.table, c.column) in {("steps", "caption"), ("concepts", "label")}]
    in_notes = [c for c in placed if (c.table, c.column) in {("steps", "caption"), ("relations", "note")}]
    assert on_slides and in_notes
    unwrapped = re.sub(r"\s+", "", slide_text)  # a label in a picture is wrapped into lines
    for cell in on_slides:
        for p in placed[cell]:
            where = f"{cell.table}.{cell.column} ({cell.key})"
            assert re.sub(r"\s+", "", p) in unwrapped, f"{where}: {p!r} is not on its slide literally"
    for cell in in_notes:
        for p in placed[cell]:
            assert p in notes, f"{cell.table}.{cell.column} ({cell.key}): {p!r} is not in the notes literally"


EXPLORERS = [
    ("timeline_explorer", ()),
    ("resistance_explorer", ()),
    ("side_effects_explorer", ()),
    ("combinations_explorer", ()),
    ("map_explorer", ()),
    ("story_explorer", ("checkpoints",)),
    ("biomarker_explorer", ()),
]


@pytest.mark.parametrize(("name", "args"), EXPLORERS, ids=[e[0] for e in EXPLORERS])
def test_explorer_static_html_escapes_every_payload(hostile_dataset, filled_dataset, name, args):
    from viz import widgets

    ds, _ = hostile_dataset
    make = getattr(widgets, name)
    make(filled_dataset, *args).static_html()  # the first figure of a kernel carries plotly.js; compare the next two
    clean = Tags(make(filled_dataset, *args).static_html())
    hostile = Tags(make(ds, *args).static_html())
    assert hostile.tags == clean.tags, f"{name}: elements made from table text"
    assert hostile.dangerous() == []
    # a map explorer holds its page in an iframe's srcdoc: look inside too
    for (_, k, v), (_, _, clean_v) in zip(hostile.attrs, clean.attrs, strict=True):
        if k == "srcdoc":
            inner, clean_inner = Tags(v), Tags(clean_v)
            assert inner.tags == clean_inner.tags and inner.dangerous() == []


# ---------------------------------------------------------------------------
# links: http(s), doi and pmid only (test_data.py covers javascript:, data:text/html, ftp:, bare www. and http://)


@pytest.mark.parametrize(
    "link",
    [
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        'https://x"onmouseover=alert(1)',
        "https://x'onmouseover=alert(1)",
        "https://x/<script>",
        "https://x/a b",
        "file:///etc/passwd",
        "mailto:someone@example.org",
        "doi:javascript:alert(1)",
        "pmid:1 onmouseover=alert(1)",
        "pmid:0",
        "https:evil.example",
    ],
)
def test_links_outside_the_allow_list_are_refused(tiny_copy, link):
    rows = read_table(tiny_copy, "sources")
    col = rows[0].index("link")
    rows[1][col] = link
    write_table(tiny_copy, "sources", rows)
    found = [str(p) for p in data.validate(tiny_copy)]
    assert any("sources.csv:2:link: " in p and "link" in p for p in found), found


@pytest.mark.slow  # runs immunoviz in a new process
def test_validate_command_names_file_row_and_column_of_a_bad_link(tiny_copy):
    rows = read_table(tiny_copy, "sources")
    rows[3][rows[0].index("link")] = "JaVaScRiPt:alert(1)"
    write_table(tiny_copy, "sources", rows)
    result = subprocess.run(
        [sys.executable, "-m", "viz.cli", "validate", "--data", str(tiny_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(
        r"sources\.csv:4:link: 'JaVaScRiPt:alert\(1\)' is not an allowed link \(hint: only http", result.stderr
    )


# ---------------------------------------------------------------------------
# random and mutated tables given to `immunoviz build`

PROBLEM_LINE = re.compile(r"^\S.*?(\.csv|datapackage\.json)(:\d+(:[^:]+)?)?: \S.*$|^\S.*: \S.*$")
SUMMARY_LINE = re.compile(r"^\d+ problems? in .+; nothing was written\.$")


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_main(argv: list[str]) -> tuple[int, str]:
    code, _, err = run_cli(*argv)
    return code, err


def assert_complete_site(out: Path, data_dir: Path) -> None:
    ds = data.load(data_dir)
    assert (out / "index.html").is_file() and (out / SITE_MARKER).is_file()
    assert sorted(p.stem for p in (out / "maps").glob("*.html")) == sorted(ds.views["id"])
    # every chart the tables can draw (a chart whose tables are empty has no page)
    assert sorted(p.stem for p in (out / "charts").glob("*.html")) == sorted(c.id for c in charts.site_charts(ds))


def assert_no_leftovers(parent: Path) -> None:
    left = [p.name for p in parent.iterdir() if ".building-" in p.name or ".old-" in p.name]
    assert left == [], f"temporary folders left behind: {left}"


def mutate(folder: Path, kind: str, table: str, draw) -> None:
    path = folder / f"{table}.csv"
    try:
        rows = read_table(folder, table)
    except (UnicodeDecodeError, csv.Error, FileNotFoundError):  # no CSV (yet): bytes, or an optional table
        rows = []
    if kind == "raw":
        path.write_bytes(draw(st.binary(max_size=200)))
    elif kind == "random":
        keep = bool(rows) and draw(st.booleans())  # an earlier mutation may have emptied the file
        header = rows[0] if keep else draw(st.lists(st.text(max_size=12), max_size=8))
        write_table(folder, table, [header, *draw(st.lists(st.lists(CELL, max_size=10), max_size=6))])
    elif kind == "cell" and len(rows) > 1:
        r = draw(st.integers(1, len(rows) - 1))
        if rows[r]:  # an earlier "random" mutation may have written ragged or empty rows
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(CELL)
            write_table(folder, table, rows)
    elif kind == "free-text" and len(rows) > 1 and free_text_fields(folder).get(table):
        r = draw(st.integers(1, len(rows) - 1))
        col = draw(st.sampled_from(free_text_fields(folder)[table]))
        c = rows[0].index(col) if col in rows[0] else len(rows[r])
        if c < len(rows[r]):
            rows[r][c] = draw(st.text(min_size=1, max_size=40)) + draw(st.sampled_from(ALL_PAYLOADS))
            write_table(folder, table, rows)
    elif kind == "drop-row" and len(rows) > 1:
        del rows[draw(st.integers(1, len(rows) - 1))]
        write_table(folder, table, rows)


_TINY_SITE: list[Path] = []


def _tiny_site(tmp_path_factory) -> Path:
    """The tiny dataset built once (without images), for examples to copy."""
    if not _TINY_SITE:
        out = tmp_path_factory.mktemp("tiny-site") / "site"
        assert run_main(["build", "--data", str(TINY), "--out", str(out), "--no-images"])[0] == 0
        _TINY_SITE.append(out)
    return _TINY_SITE[0]


# Random tables are thrown at validation 60 times in test_data.py; here fewer whole builds check what
# happens after it (a complete site from whatever validates, the previous site kept otherwise).
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(["raw", "random", "cell", "free-text", "drop-row"]), st.sampled_from(data.TABLES)),
        min_size=1,
        max_size=3,
    ),
    draw=st.data(),
)
def test_build_of_random_tables_gives_a_site_or_data_errors(tmp_path_factory, mutations, draw):
    work = tmp_path_factory.mktemp("random")
    folder, out = work / "data", work / "site"
    shutil.copytree(TINY, folder)
    shutil.copytree(_tiny_site(tmp_path_factory), out)  # the previous site a failed build must leave alone
    before = tree_hashes(out)
    for kind, table in mutations:
        mutate(folder, kind, table, draw.draw)
    code, err = run_main(["build", "--data", str(folder), "--out", str(out), "--no-images"])
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err
    if code == 0:
        assert_complete_site(out, folder)
    else:
        lines = err.strip().split("\n")  # not splitlines(): a cell may hold U+0085 or U+2028
        assert lines and SUMMARY_LINE.match(lines[-1]), err
        for line in lines[:-1]:
            assert re.match(r"^\S.*?\.(csv|json)(:\d+)?(:[^:]+)?: \S", line), line
        assert tree_hashes(out) == before, "a failed build changed the previous site"
    assert_no_leftovers(work)
    shutil.rmtree(work)


@pytest.mark.slow  # runs immunoviz in a new process
@pytest.mark.parametrize(
    ("table", "raw"),
    [("concepts", b"\x00\xff\xfe garbage,\n\x00"), ("relations", b"from,relation\npd1"), ("views", b"id\n")],
)
def test_build_subprocess_reports_data_errors_without_traceback(tiny_copy, tmp_path, table, raw):
    (tiny_copy / f"{table}.csv").write_bytes(raw)
    result = build_cli(tiny_copy, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert SUMMARY_LINE.match(lines[-1])
    assert any(re.match(rf"^\S*{table}\.csv(:\d+)?(:[^:]+)?: \S", line) for line in lines[:-1]), lines
    assert not (tmp_path / "site").exists()
    assert_no_leftovers(tmp_path)


# ---------------------------------------------------------------------------
# faults while writing: disk full, permission denied, Ctrl-C


@pytest.fixture(scope="module")
def older_site(tmp_path_factory) -> tuple[Path, int]:
    """A site built from an older version of the tables (every page of a rebuild from TINY is rewritten;
    files whose bytes do not change are linked from the previous site, not written), and how many times
    such a rebuild calls ``os.replace``: once per file, then the two renames of the swap. Built once per
    module; each test gets a copy (:func:`previous_site`)."""
    root = tmp_path_factory.mktemp("older")
    shutil.copytree(TINY, root / "data")
    package = root / "data" / "datapackage.json"
    package.write_text(package.read_text(encoding="utf-8").replace('"version": "0.1.0"', '"version": "0.0.9"'))
    out = root / "site"
    assert run_main(["build", "--data", str(root / "data"), "--out", str(out), "--no-images"])[0] == 0
    count = root / "count" / "site"
    shutil.copytree(out, count)
    calls = []
    real = os.replace
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(export.os, "replace", lambda a, b: (calls.append(1), real(a, b))[1])
        assert run_main(["build", "--data", str(TINY), "--out", str(count), "--no-images"])[0] == 0
    return out, len(calls)


@pytest.fixture
def previous_site(older_site, tmp_path) -> Path:
    """A copy of :func:`older_site`'s site, for this test to build over."""
    out = tmp_path / "out" / "site"
    shutil.copytree(older_site[0], out)
    return out


REASONS = {
    errno.ENOSPC: "the disk is full; free some space and build again",
    errno.EACCES: "permission denied; choose a folder you can write to with --out",
}


@pytest.mark.slow  # builds the tiny site, then builds over it
@pytest.mark.parametrize(
    ("err", "at"),
    [
        (errno.ENOSPC, "first-file"),
        (errno.EACCES, "middle"),
        (errno.ENOSPC, "move-old-away"),
        (errno.EACCES, "final-swap"),
    ],
)
def test_fault_while_writing_leaves_the_previous_site(older_site, previous_site, monkeypatch, err, at):
    total = older_site[1]  # file renames, then the two renames of the swap
    fail_at = {"first-file": 1, "middle": total // 2, "move-old-away": total - 1, "final-swap": total}[at]
    before = tree_hashes(previous_site)
    real, calls = os.replace, []

    def replace(a, b):
        calls.append((a, b))
        if len(calls) == fail_at:
            raise OSError(err, os.strerror(err), str(b))
        return real(a, b)

    monkeypatch.setattr(export.os, "replace", replace)
    code, message = run_main(["build", "--data", str(TINY), "--out", str(previous_site), "--no-images"])
    monkeypatch.setattr(export.os, "replace", real)
    assert len(calls) >= fail_at
    assert code == 1
    assert "Traceback" not in message
    assert message.startswith("immunoviz: error: could not write ")
    assert REASONS[err] in message, message
    assert f"the previous {previous_site} is untouched" in message, message
    assert ".building-" not in message, "the message names the temporary folder"
    assert tree_hashes(previous_site) == before, "the previous site changed"
    assert_no_leftovers(previous_site.parent)
    assert not [p for p in previous_site.rglob(".*") if p.name != SITE_MARKER], "temporary files left"


@pytest.mark.slow  # builds the tiny site, then builds over it
def test_disk_full_while_writing_a_file(previous_site, monkeypatch):
    before = tree_hashes(previous_site)
    real_fdopen, opened = os.fdopen, []

    class Full(io.TextIOWrapper):
        pass

    def fdopen(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        opened.append(fh)
        if len(opened) == 3:

            def write(_text):
                raise OSError(errno.ENOSPC, "No space left on device")

            fh.write = write
        return fh

    monkeypatch.setattr(export.os, "fdopen", fdopen)
    code, message = run_main(["build", "--data", str(TINY), "--out", str(previous_site), "--no-images"])
    assert code == 1 and "the disk is full; free some space and build again" in message, message
    assert "is untouched" in message and ".building-" not in message, message
    assert tree_hashes(previous_site) == before
    assert_no_leftovers(previous_site.parent)


@pytest.mark.slow  # builds the tiny site, then builds over it
def test_ctrl_c_in_the_middle_of_a_build(previous_site, monkeypatch):
    before = tree_hashes(previous_site)
    real, calls = render.render_chart, []

    def render_chart(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_chart", render_chart)
    code, message = run_main(["build", "--data", str(TINY), "--out", str(previous_site), "--no-images"])
    assert code == 130
    assert "interrupted; the previous output is untouched" in message
    assert tree_hashes(previous_site) == before
    assert_no_leftovers(previous_site.parent)


# ---------------------------------------------------------------------------
# very large input (the 1 MB cell is test_data.py::test_one_megabyte_cell_is_refused_quickly)

BIG = 5_000


def make_big(dest: Path, n: int = BIG) -> None:
    """The tiny dataset plus n generated concepts in a tree of is_a relations, all in one view."""
    shutil.copytree(TINY, dest)
    concepts = read_table(dest, "concepts")
    relations = read_table(dest, "relations")
    members = read_table(dest, "view_concepts")
    cats = ["cell", "molecule", "process", "drug"]
    for i in range(n):
        cid = f"gen{i:05d}"
        concepts.append(
            [cid, f"Generated concept {i}", cats[i % 4], f"Summary of generated concept {i}.", "", "", "pmid-23890059"]
        )
        parent = f"gen{(i - 1) // 2:05d}" if i else "cd8_t_cell"
        relations.append([cid, "is_a", parent, f"Generated link {i}.", "pmid-23890059"])
        members.append(["big", cid, "1", ""])
    members.append(["big", "cd8_t_cell", "1", ""])
    write_table(dest, "concepts", concepts)
    write_table(dest, "relations", relations)
    write_table(dest, "view_concepts", members)
    views = read_table(dest, "views")
    h = views[0]
    row = dict.fromkeys(h, "")
    row.update(
        id="big",
        title="Five thousand concepts",
        intro="A generated stress test.",
        topic="overview",
        layout="force",
        selection="listed",
        connected="true",
        replay="false",
        order="50",
    )
    views.append([row[c] for c in h])
    write_table(dest, "views", views)
    steps = read_table(dest, "steps")
    steps.append(["big", "1", "Everything at once."])
    write_table(dest, "steps", steps)


@pytest.mark.browser
@pytest.mark.slow
def test_five_thousand_concepts_build_and_draw(tmp_path, offline_page):
    import time

    folder, out = tmp_path / "data", tmp_path / "site"
    make_big(folder)
    started = time.perf_counter()
    result = build_cli(folder, out)
    assert result.returncode == 0, result.stderr
    build_seconds = time.perf_counter() - started
    page = offline_page.page
    page.set_default_timeout(60_000)
    offline_page.open(out / "maps" / "everything.html")
    assert page.evaluate("() => immunoviz.nodes.length") == BIG + 15
    inked = page.evaluate(
        """() => { const c = document.querySelector('#map canvas'), g = c.getContext('2d');
                   const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
                   for (let i = 0; i < d.length; i += 4)
                     if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
                   return n; }"""
    )
    assert inked > 1000, "the map of everything draws nothing"
    offline_page.assert_clean()
    # a lecture of the big map stays a file a laptop opens (each slide draws only what it frames)
    decks = {p.name: p.stat().st_size for p in (out / "slides").glob("*.html")}
    assert decks and max(decks.values()) < 50_000_000, decks
    print(f"5,000 concepts: built in {build_seconds:.1f} s, {inked} inked pixels")


# ---------------------------------------------------------------------------
# privacy: nothing stored, nothing sent


def test_clean_pages_store_nothing_and_send_nothing(clean_looks):
    assert {n.split("/")[0] for n in clean_looks} >= {"index.html", "maps", "charts"}
    for look in clean_looks.values():
        assert_nothing_stored(look)


SENDING_OR_STORING = re.compile(
    r"\b(fetch|XMLHttpRequest|sendBeacon|WebSocket|EventSource|localStorage|sessionStorage|indexedDB|"
    r"document\.cookie|serviceWorker|importScripts|RTCPeerConnection|navigator\.(?:send|connection))\b"
)


#: The one thing a page keeps: Build it's work, in this browser's localStorage, one entry per map (issue 28).
KEEPS = {"build.js": {"localStorage"}}


def test_page_scripts_neither_send_nor_store():
    scripts = sorted(STATIC.glob("*.js"))
    assert len(scripts) >= 3
    for path in scripts:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found = set(SENDING_OR_STORING.findall(line)) - KEEPS.get(path.name, set())
            assert not found, f"{path.name}:{number}: {line.strip()}"
    assert (STATIC / "build.js").read_text(encoding="utf-8").count("window.localStorage") == 1, "one place: store()"


# ---------------------------------------------------------------------------
# Build it (issue 28): table text in the build panel, and result files with payloads in every field


BUILD_TOUR_JS = """() => {
  const b = window.immunoviz.build, out = [];
  for (const level of ['fill', 'links', 'skeleton']) {
    b.begin(level, 1);
    out.push(document.querySelector('[data-iv=panel]').innerText);
    b.check();
    b.hint();
    out.push(document.querySelector('[data-iv=panel]').innerText);
  }
  b.stop();
  localStorage.clear();
  return out;
}"""


@pytest.mark.browser
def test_build_it_shows_table_text_literally(hostile_dataset, filled_dataset, offline_page, tmp_path):
    """Every level of Build it, checked and hinted, on a map whose every text is a payload: nothing runs, no
    element comes from table text (the same elements as on the clean twin), and every label on the map is in
    the panel's chips and lists as the text it is."""
    from viz import maps

    ds, _placed = hostile_dataset
    looks = {}
    for name, dataset in (("hostile", ds), ("clean", filled_dataset)):
        path = export.write_map(maps.view_map(dataset, "checkpoints"), tmp_path / f"{name}.html")
        page = offline_page.open(path)
        panels = page.evaluate(BUILD_TOUR_JS)
        # the text version's "Show on map" buttons come a moment after the first drawing (on a one-file page,
        # sometimes before the text version is parsed, then never): they are not Build it's to count
        page.evaluate("() => document.querySelectorAll('.show-on-map').forEach(b => b.remove())")
        looks[name] = (page.evaluate(INSPECT_JS, WATCHED_TAGS), "\n".join(panels))
    offline_page.assert_clean()
    hostile, clean = looks["hostile"][0], looks["clean"][0]
    assert hostile["xss"] is None and hostile["onAttrs"] == [] and hostile["badUrls"] == []
    assert hostile["counts"] == clean["counts"], "no element made from table text"
    panel_text = looks["hostile"][1]
    labels = list(ds.view_concepts[ds.view_concepts["view"] == "checkpoints"]["concept"].map(ds.concepts["label"]))
    assert labels and all(label in panel_text for label in labels), "every label shown as the text it is"


def hostile_results(folder: Path, pb, *, clean: bool = False) -> list[Path]:
    """Result files with a payload (or, for the clean twin, plain words) in every field a student's file holds,
    and in a file name."""
    ex = exercise.exercise(pb, "links", 2)
    files = []
    for i, p in enumerate(ALL_PAYLOADS):
        text = "Plain words" if clean else p
        body = json.loads(exercise.result_json(pb, ex, ex.scope[: i % 5], student=text, seconds=i))
        body["saved"] = text[:64]
        field = ("map", "dataVersion", "level", "from", "relation", "to", "placements", "concepts", "student")[i % 9]
        if field in ("from", "relation", "to"):
            body["propositions"].append({"from": "pd1", "relation": "binds", "to": "pdl1", field: text})
        elif field == "placements":
            body["placements"] = {text: "pd1"}
        elif field == "concepts":
            body["concepts"] = [text]
        elif field != "student":
            body[field] = text
        stem = "plain" if clean else re.sub("[/\x00]", "_", p)[:40]
        name = f"{i:02d}-{stem}.json"
        files.append(folder / name)
        files[-1].write_text(json.dumps(body), encoding="utf-8")
    return files


@pytest.mark.browser
def test_result_files_with_payloads_in_every_field(capsys, dataset, offline_page, tmp_path):
    """grade and compare on files with a payload in every field and in their names: the bad ones are refused
    by name, the rest graded; the terminal shows control characters as escapes; the class page and the
    comparison run nothing, make no element from the files' text and show the names as the text they are."""
    from viz import grading

    pb = exercise.view_problem(dataset, "checkpoints")
    (tmp_path / "hostile").mkdir()
    (tmp_path / "clean").mkdir()
    files = hostile_results(tmp_path / "hostile", pb)
    clean = hostile_results(tmp_path / "clean", pb, clean=True)
    code, out, err = immunoviz(capsys, "grade", *map(str, files), "--out", str(tmp_path / "g"), "--map", "checkpoints")
    assert code == 1 and "Traceback" not in err
    control = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202e\u2028]")
    assert not control.search(out + err), "no control character reaches the terminal"
    results = grading.grade(dataset, files, view="checkpoints")
    names = [g.result.name for g in results.graded]
    assert names and set(names) <= set(ALL_PAYLOADS)
    assert len(results.graded) + len(results.refused) == len(files)
    for path, why in results.refused:
        assert why.startswith(path) and grading.plain(path) in err
    clean_results = grading.grade(dataset, clean, view="checkpoints")
    assert len(clean_results.refused) == len(results.refused), "the same files refused, payload or plain words"
    pages = {"hostile": tmp_path / "g" / "class.html", "clean": tmp_path / "clean.html"}
    pages["clean"].write_text(clean_results.page(dataset), encoding="utf-8")
    looks = {}
    for name, path in pages.items():
        page = offline_page.open(path, ready=False)
        looks[name] = page.evaluate(INSPECT_JS, WATCHED_TAGS)
    assert looks["hostile"]["xss"] is None and looks["hostile"]["onAttrs"] == [] and looks["hostile"]["badUrls"] == []
    assert looks["hostile"]["counts"] == looks["clean"]["counts"], "no element made from the files' text"
    for name in names:
        assert name in looks["hostile"]["text"], f"{name!r} is not shown literally on the class page"
    graded = results.graded[0].result
    code, _, err = immunoviz(capsys, "compare", graded.path, "--out", str(tmp_path / "c.html"))
    assert code == 0, err
    page = offline_page.open(tmp_path / "c.html", ready=False)
    look = page.evaluate(INSPECT_JS, WATCHED_TAGS)
    assert look["xss"] is None and look["onAttrs"] == [] and graded.name in look["text"]
    offline_page.assert_clean()
