"""The history page (issue 19): the therapy map and the timeline on one page, each filtering the other.

Unit tests for what the page script is given (the events of each concept, a class counting the
events of everything below it), for escaping, the command and the site; browser tests for what a
lecturer does with it, from file:// with the network cut off.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from viz import data, history, queries, render

# ---------------------------------------------------------------------------
# oracles read straight from the tables


def is_a_children(ds) -> dict[str, set[str]]:
    rel = ds.relations
    out: dict[str, set[str]] = {}
    for a, kind, b in zip(rel["from"], rel["relation"].astype(str), rel["to"], strict=True):
        if kind == "is_a":
            out.setdefault(b, set()).add(a)
    return out


def events_naming(ds, ids: set[str]) -> set[str]:
    """Events that name one of ``ids`` among their concepts or as their modality."""
    ev = ds.events
    return {
        e
        for e, named, mod in zip(ev["id"], ev["concepts"], ev["modality"], strict=True)
        if ids & {*named, *([mod] if isinstance(mod, str) else [])}
    }


# ---------------------------------------------------------------------------
# the questions behind the page


def test_a_class_counts_the_events_of_its_products(dataset):
    children = is_a_children(dataset)
    antibodies = children["pd1_inhibitor"]
    assert {"pembrolizumab", "nivolumab"} <= antibodies
    assert queries.narrower(dataset)["pd1_inhibitor"] == antibodies | {
        d for c in antibodies for d in queries.narrower(dataset).get(c, ())
    }
    about = queries.events_about(dataset)
    assert set(about["pd1_inhibitor"]) == events_naming(dataset, {"pd1_inhibitor", *antibodies})
    direct = events_naming(dataset, {"pd1_inhibitor"})
    assert direct < set(about["pd1_inhibitor"]), "the class gains the events that name only a product"
    assert set(about["pembrolizumab"]) <= set(about["pd1_inhibitor"])


def test_narrower_goes_down_every_level(dataset):
    below = queries.narrower(dataset)
    children = is_a_children(dataset)
    # checkpoint inhibitors -> PD-1 inhibitors -> pembrolizumab: two levels down is still below
    assert "pd1_inhibitor" in children["checkpoint_inhibitor"] and "pembrolizumab" in children["pd1_inhibitor"]
    assert "pembrolizumab" not in children["checkpoint_inhibitor"]
    assert {"pd1_inhibitor", "pembrolizumab"} <= below["checkpoint_inhibitor"]
    for top, under in below.items():
        assert top not in under
        for c in under:
            assert below.get(c, set()) <= under, f"{c} is below {top}, so everything below {c} is too"
    about = queries.events_about(dataset)
    for c in children["checkpoint_inhibitor"]:
        assert set(about.get(c, [])) <= set(about["checkpoint_inhibitor"])


def test_events_of_a_concept_are_in_date_order(dataset):
    ev = dataset.events.set_index("id")
    for cid, ids in queries.events_about(dataset).items():
        starts = [ev.loc[i, "start"] for i in ids]
        assert starts == sorted(starts), cid
        assert len(ids) == len(set(ids)), f"{cid}: an event counted twice"


def test_payload_covers_the_map_and_every_event(dataset):
    page = history.history_page(dataset)
    payload, on_map = page.payload, {n["id"] for n in page.net.nodes}
    assert page.view == "landscape", "the first map with a year slider"
    assert set(payload["events"]) == set(dataset.events["id"])
    assert payload["order"] == list(dataset.events.sort_values(["start", "end", "id"])["id"])
    assert sorted(payload["order"]) == sorted(payload["events"])
    assert set(payload["about"]) <= on_map
    about = queries.events_about(dataset)
    assert payload["about"] == {c: about[c] for c in on_map if c in about}
    for e in payload["events"].values():
        assert all(c in payload["labels"] for c in e["concepts"])
        assert all(s in payload["sources"] for s in e["sources"])
    assert payload["years"] == [int(dataset.events["year"].min()), int(dataset.events["year"].max())]
    assert payload["narrower"]["pd1_inhibitor"] == sorted(
        (c for c in queries.narrower(dataset)["pd1_inhibitor"] if c in about),
        key=lambda c: (queries.label(dataset, c).lower(), c),
    )
    # one year cursor instead of the landscape's story
    assert page.net.page.steps == () and page.net.page.replay is True


def test_text_version_lists_the_events_of_each_concept(dataset):
    page = history.history_page(dataset)
    html = page.render()
    about = queries.events_about(dataset)
    listed = 0
    for n in page.net.nodes:
        ids = about.get(n["id"], [])
        if not ids:
            assert f'id="tc-{n["id"]}"' not in html
            continue
        block = html.split(f'<h3 id="tc-{n["id"]}">', 1)[1].split("</ul>", 1)[0]
        assert re.findall(r'href="#e-([^"]+)"', block) == ids, n["id"]
        assert f"{len(ids)} event" in block.split("</h3>", 1)[0]
        listed += 1
    assert listed >= 20
    assert len(re.findall(r'<li id="e-', html)) == len(dataset.events), "every event, with its sources"


def test_start_state_is_checked(dataset):
    with pytest.raises(KeyError, match="no concept 'pd1'"):  # PD-1 itself is not on the therapy map
        history.history_page(dataset, concept="pd1")
    with pytest.raises(KeyError, match="no view"):
        history.history_page(dataset, view="nowhere")
    page = history.history_page(dataset, concept="pd1_inhibitor", year=2014)
    assert page.payload["start"] == {"concept": "pd1_inhibitor", "year": 2014, "event": None}


def test_other_tables_get_a_history_page_too(tiny_dataset):
    page = history.history_page(tiny_dataset)
    assert page.view == "everything", "the tiny tables' only map with a year slider"
    assert set(page.payload["about"]["checkpoint_inhibitor"]) == events_naming(
        tiny_dataset, {"checkpoint_inhibitor", *queries.narrower(tiny_dataset)["checkpoint_inhibitor"]}
    )


# ---------------------------------------------------------------------------
# the page


def _json(html: str, element_id: str):
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


EVIL = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "q"'


def test_table_text_is_escaped_in_the_page_and_its_json(tiny_copy, edit_table):
    edit_table(tiny_copy, "events", find="PD-1 discovered", replace=EVIL.replace('"', "'"))
    edit_table(tiny_copy, "concepts", find="CTLA-4 inhibitors", replace="<b>CTLA-4</b> inhibitors")
    ds = data.load(tiny_copy)
    html = history.history_page(ds).render()
    evil = EVIL.replace('"', "'")
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>CTLA-4</b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html, "the text version shows it literally"
    payload = _json(html, "immunoviz-history")
    assert payload["events"]["pd1-discovered"]["title"] == evil, "the JSON round-trips the exact text"
    assert "<b>CTLA-4</b> inhibitors" in payload["labels"].values()
    figure = _json(html, "immunoviz-figure")
    hover = " ".join(t for tr in figure["data"] for t in (tr.get("hovertext") or []))
    assert "&lt;/script&gt;" in hover and "</script>" not in hover, "plotly is given escaped hover text"


def test_page_is_self_contained_under_a_strict_policy(tiny_dataset):
    html = history.history_page(tiny_dataset).render()
    assert "<script src=" not in html and "<link " not in html
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    script_src = policy.split("script-src ", 1)[1].split(";", 1)[0]
    assert "connect-src 'none'" in policy and "file:" not in script_src and "'self'" not in script_src
    for script in re.findall(r"<script>(.*?)</script>", html, re.S):
        assert render.script_hash(script) in policy
    held = re.findall(r'<script type="text/plain" data-immunoviz-deferred="plotly">(.*?)</script>', html, re.S)
    assert len(held) == 1 and render.script_hash(held[0]) in policy, "plotly.js, run later, is allowed by its hash"
    assert "not medical advice" in html
    assert history.history_page(tiny_dataset).render() == html, "same tables, same bytes"


def test_shared_assets_in_the_site(tiny_dataset):
    html = history.history_page(tiny_dataset).render(assets=render.Assets("assets/"), home="index.html")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == [
        "assets/vis-network.min.js",
        "assets/immunoviz-dom.js",
        "assets/immunoviz-map.js",
        "assets/immunoviz-history.js",
    ]
    # plotly.js is held back until the map is drawn (history.js loads it by this address)
    assert re.findall(r'<script type="text/plain" data-immunoviz-deferred="plotly" data-src="([^"]+)">', html) == [
        "assets/plotly.min.js"
    ]
    assert '<a href="index.html">' in html


def test_notebook_shows_the_page_in_a_sandboxed_iframe(tiny_dataset):
    frame = history.history_page(tiny_dataset)._repr_html_()
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts' in frame and "allow-same-origin" not in frame
    assert "immunoviz-history" in frame


def immunoviz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viz.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # runs immunoviz in a new process
def test_history_command_writes_one_file(tiny_copy, tmp_path):
    out = tmp_path / "h.html"
    result = immunoviz("history", "--data", str(tiny_copy), "--out", str(out), "--presenter", "--year", "2010")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and "vis.Network" in html and '<script src="' not in html
    assert "presenter" in html.split("<body", 1)[1].split(">", 1)[0]
    assert _json(html, "immunoviz-history")["start"]["year"] == 2010


@pytest.mark.slow  # runs immunoviz in a new process
def test_history_command_names_a_wrong_concept(tiny_copy, tmp_path):
    result = immunoviz("history", "--data", str(tiny_copy), "--out", str(tmp_path / "h.html"), "--concept", "nope")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no concept 'nope' on the map 'everything'" in result.stderr
    assert not (tmp_path / "h.html").exists()


def test_site_plans_the_page_under_history(tiny_dataset):
    from viz import site

    pages = site.plan(tiny_dataset)
    page = next(p for p in pages if p.kind == "history")
    assert (page.href, page.topic, page.stem) == ("history.html", "History", "history")
    charts = [p for p in pages if p.kind == "chart"]
    assert pages.index(page) < pages.index(charts[0]), "first of the History cards"
    with tiny_dataset.tracking() as used:
        page.make()
    assert {"events", "concepts", "relations", "sources", "views"} <= used
    assert "side_effects" not in used and "combinations" not in used


# ---------------------------------------------------------------------------
# in the browser


LIT_JS = """() => {
  const gd = document.getElementById('timeline'), out = {};
  gd.data.forEach(t => { if (!t.customdata) return;
    t.customdata.forEach((id, j) => { out[id] = {opacity: t.marker.opacity[j], size: t.marker.size[j]}; }); });
  return out;
}"""

#: concepts drawn in their own colours (not dimmed) on the map
UNDIMMED_JS = "immunoviz.nodes.get().filter(n => !n.hidden && !immunoviz.isDimmed(n.id)).map(n => n.id)"


def lit(page) -> set[str]:
    """Events drawn as chosen: in full, or (after the year cursor) faded to 0.3; the others are at 0.12 or less."""
    return {e for e, look in page.evaluate(LIT_JS).items() if look["opacity"] >= 0.25}


@pytest.mark.browser
def test_selecting_a_concept_lights_its_events_on_the_timeline(site, offline_page, dataset):
    page = offline_page.open(site / "history.html")
    assert lit(page) == set(dataset.events["id"]), "at first every event is drawn in full"
    page.fill("#search", "PD-1 inhibitors")
    page.keyboard.press("Enter")
    assert page.evaluate("immunoviz.state.selected") == "pd1_inhibitor"
    expected = events_naming(dataset, {"pd1_inhibitor", *is_a_children(dataset)["pd1_inhibitor"]})
    assert lit(page) == expected
    assert page.locator("#timeline-status").inner_text() == f"{len(expected)} events about PD-1 inhibitors"
    assert f"{len(expected)} events about PD-1 inhibitors" in page.locator("#panel").inner_text()
    # the map lights up the class and the products whose events it counts, and nothing else
    undimmed = set(page.evaluate(UNDIMMED_JS))
    on_map = set(page.evaluate("immunoviz.nodes.getIds()"))
    counted = {c for c in is_a_children(dataset)["pd1_inhibitor"] if events_naming(dataset, {c})}
    assert undimmed == {"pd1_inhibitor", *counted} & on_map and len(undimmed) >= 2
    # a product alone lights fewer events
    page.keyboard.press("Escape")
    assert lit(page) == set(dataset.events["id"])
    page.evaluate("immunoviz.select('pembrolizumab', false)")
    assert lit(page) == events_naming(dataset, {"pembrolizumab"}) < expected
    offline_page.assert_clean()


def _click_event(page, event_id: str) -> None:
    """Click an event's marker on the timeline with the mouse."""
    box = page.evaluate(
        """id => { const gd = document.getElementById('timeline'), layers = gd.querySelectorAll('.scatterlayer .trace');
          for (let i = 0; i < gd.data.length; i++) {
            const j = (gd.data[i].customdata || []).indexOf(id);
            if (j >= 0) { const r = layers[i].querySelectorAll('path.point')[j].getBoundingClientRect();
                          return [r.x + r.width / 2, r.y + r.height / 2]; } } }""",
        event_id,
    )
    page.mouse.click(*box)


def _loneliest_event(ds, on_map: set[str]) -> str:
    """An event with concepts on the map and no other marker near it in its lane: the mouse hits it alone."""
    families = queries.modality_families(ds)
    ev = ds.events
    lane = {e: families.get(m, m) if isinstance(m, str) else "" for e, m in zip(ev["id"], ev["modality"], strict=True)}
    when = dict(zip(ev["id"], ev["start"], strict=True))
    named = queries.event_concepts(ds)

    def gap(e):
        others = [abs((when[e] - when[o]).days) for o in when if o != e and lane[o] == lane[e]]
        return min(others, default=10**6)

    candidates = [e for e in ev["id"] if len(set(named[e]) & on_map) >= 1]
    return max(candidates, key=lambda e: (gap(e), e))


@pytest.mark.browser
def test_clicking_an_event_lights_its_concepts_on_the_map(site, offline_page, dataset):
    page = offline_page.open(site / "history.html")
    on_map = set(page.evaluate("immunoviz.nodes.getIds()"))
    target = _loneliest_event(dataset, on_map)
    row = dataset.events.set_index("id").loc[target]
    _click_event(page, target)
    page.wait_for_function("id => document.body.dataset.event === id", arg=target, timeout=5_000)
    concepts = set(queries.event_concepts(dataset)[target]) & on_map
    assert set(page.evaluate(UNDIMMED_JS)) == concepts
    panel = page.locator("#panel")
    assert panel.locator("h2").inner_text() == row["title"]
    assert len(row["sources"]) == panel.locator("ol.sources a").count()
    # the map as it stood that year: nothing that came later is on it
    assert page.locator("#year-out").inner_text() == str(row["year"])
    years = dict(page.evaluate("immunoviz.nodes.get().map(n => [n.id, n.hidden ? 'hidden' : n.year])"))
    first = queries.first_years(dataset)
    assert all(years[c] == "hidden" for c in on_map if first.get(c, 0) > row["year"])
    assert any(v == "hidden" for v in years.values())
    # the event is picked out on the timeline
    looks = page.evaluate(LIT_JS)
    assert looks[target]["size"] > max(v["size"] for e, v in looks.items() if e != target)
    offline_page.assert_clean()


@pytest.mark.browser
def test_deep_link_restores_concept_and_year(site, offline_page, dataset):
    page = offline_page.open(site / "history.html", fragment="#concept=pd1_inhibitor&year=2014")
    assert page.evaluate("immunoviz.state.selected") == "pd1_inhibitor"
    assert page.input_value("#year") == "2014" and page.locator("#year-out").inner_text() == "2014"
    expected = events_naming(dataset, {"pd1_inhibitor", *is_a_children(dataset)["pd1_inhibitor"]})
    assert lit(page) == expected
    looks = page.evaluate(LIT_JS)
    year = dict(zip(dataset.events["id"], dataset.events["year"], strict=True))
    assert {e for e in expected if looks[e]["opacity"] == 1} == {e for e in expected if year[e] <= 2014}, (
        "what came after the cursor's year is faded"
    )
    big = {e for e, v in looks.items() if v["size"] > min(x["size"] for x in looks.values())}
    assert big == {e for e in year if year[e] == 2014}, "that year's events are emphasised"
    hidden = set(page.evaluate("immunoviz.nodes.get().filter(n => n.hidden).map(n => n.id)"))
    first = queries.first_years(dataset)
    assert hidden == {c for c in page.evaluate("immunoviz.nodes.getIds()") if first.get(c, 0) > 2014}
    # an event in the address opens its panel; a changed address is followed
    page.evaluate("location.hash = '#event=fda-pembrolizumab-2014'")
    page.wait_for_function("() => document.body.dataset.event === 'fda-pembrolizumab-2014'", timeout=5_000)
    assert "Pembrolizumab" in page.locator("#panel h2").inner_text()
    offline_page.assert_clean()


@pytest.mark.browser
def test_year_cursor_by_keyboard_and_play(site, offline_page, dataset):
    page = offline_page.open(site / "history.html")
    first, last = int(dataset.events["year"].min()), int(dataset.events["year"].max())
    page.locator("#panel").focus()
    page.keyboard.press("Home")
    assert page.locator("#year-out").inner_text() == str(first)
    shown_then = page.evaluate("immunoviz.nodes.get().filter(n => !n.hidden).length")
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowRight")
    assert page.locator("#year-out").inner_text() == str(first + 11)
    assert "year=" + str(first + 11) in page.evaluate("location.hash"), "the address follows"
    page.keyboard.press("End")
    assert page.locator("#year-out").inner_text() == "today"
    assert page.locator("label[for=year]").inner_text() == "The field as it stands today"
    assert page.evaluate("immunoviz.nodes.get().filter(n => !n.hidden).length") > shown_then
    page.keyboard.press("ArrowLeft")
    assert page.locator("#year-out").inner_text() == str(last)
    assert page.locator("label[for=year]").inner_text() == f"The field as it stood in {last}"
    # Play history replays from the first year
    page.click("#play")
    page.wait_for_function(f"() => +document.getElementById('year-out').textContent > {first}", timeout=5_000)
    page.click("#play")  # pause
    offline_page.assert_clean()


@pytest.mark.browser
def test_presenter_at_1280_by_720_shows_both_halves(site, offline_page, tmp_path):
    page = offline_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    offline_page.open(site / "history.html", fragment="#concept=pd1_inhibitor")
    page.check("#presenter")
    page.wait_for_timeout(1200)  # vis-network notices the new size
    boxes = page.evaluate(
        """() => Object.fromEntries(['map', 'timeline', 'panel', 'year'].map(id => {
             const r = document.getElementById(id).getBoundingClientRect();
             return [id, [r.left, r.top, r.right, r.bottom]]; }))"""
    )
    for name, (left, top, right, bottom) in boxes.items():
        assert left >= 0 and top >= 0 and right <= 1280 and bottom <= 720, f"{name} is cut off: {boxes[name]}"
    assert boxes["timeline"][0] >= boxes["map"][2], "side by side"
    font = page.evaluate("immunoviz.network.body.nodes['pd1_inhibitor'].options.font.size")
    assert font * page.evaluate("immunoviz.network.getScale()") >= 12, "the chosen class is readable"
    page.screenshot(path=str(tmp_path / "history-presenter.png"))
    offline_page.assert_clean()


@pytest.mark.browser
def test_the_index_links_the_page_with_a_thumbnail(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    history_section = index.split(">History</h2>", 1)[1].split("</section>", 1)[0]
    assert '<a href="history.html">' in history_section.split("</li>", 1)[0], "the first History card"
    png = (site / "images" / "history.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") >= 1000
    assert Path(site / "history.html").is_file()


@pytest.mark.browser
def test_panel_lists_events_in_date_order(site, offline_page, dataset):
    page = offline_page.open(site / "history.html")
    ev = dataset.events.sort_values(["start", "end", "id"])
    titles = page.locator("#panel .event-list .event-link").evaluate_all(
        "bs => bs.map(b => b.childNodes[1].textContent.trim())"
    )
    assert titles == list(ev.loc[ev["milestone"], "title"]), "the milestones, oldest first"
    page.locator("#panel .event-link").first.click()  # keyboard-reachable buttons: the event opens
    assert page.locator("#panel h2").inner_text() == titles[0]
    page.click("#panel .event-nav button:has-text('Later')")
    following = list(ev["title"])
    assert page.locator("#panel h2").inner_text() == following[following.index(titles[0]) + 1]
    offline_page.assert_clean()


@pytest.mark.browser
def test_the_map_is_drawn_before_plotly_is_even_evaluated(tiny_dataset, offline_page, tmp_path):
    """The history page draws its map first (issue 30): plotly.js, held back in the page, runs only after the
    map's first frame, and the timeline follows."""
    page_file = tmp_path / "history.html"
    page_file.write_text(history.history_page(tiny_dataset).render(), encoding="utf-8")
    page = offline_page.page
    page.add_init_script(
        """(() => { let value; Object.defineProperty(window, 'Plotly', { configurable: true,
             get() { return value; },
             set(v) { value = v; window.__plotlyAt = window.__plotlyAt || performance.now(); } }); })()"""
    )
    offline_page.open(page_file)
    page.wait_for_selector("#timeline .main-svg", timeout=30_000)
    frame = page.evaluate("() => performance.getEntriesByName('immunoviz:frame')[0].startTime")
    plotly_at = page.evaluate("() => window.__plotlyAt")
    assert plotly_at is not None and frame < plotly_at, (frame, plotly_at)
    offline_page.assert_clean()
