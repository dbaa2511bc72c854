"""Accessibility: axe-core on every page, the Nu Html Checker on our own pages, the map by keyboard
alone, and the contrasts of the map's colours.

axe-core and the Nu checker come from package.json (``make test`` runs ``npm ci``); without them these
tests skip here with the reason, and fail under CI=true or IMMUNOVIZ_REQUIRE_BROWSER=1 (``.ci/run``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from checkers import axe_missing, failing, run_axe, run_vnu, vnu_missing
from conftest import browser_required

from viz import render, style


def require(why: str | None) -> None:
    """Skip with the reason, or fail where the checkers are required (CI)."""
    if why:
        if browser_required():
            pytest.fail(why + " (required here: IMMUNOVIZ_REQUIRE_BROWSER=1 or CI=true)")
        pytest.skip(why)


# ---------------------------------------------------------------------------
# contrast of the map's own colours (vis-network draws them on a canvas, where axe cannot see)


def test_map_lines_shapes_and_labels_keep_their_contrast_when_dimmed():
    """WCAG 1.4.11 and 1.4.3 on the map: lines and outlines 3:1 against the page, labels 4.5:1 on
    whatever is behind them, in the normal and the dimmed state of the neighbourhood highlight."""
    s, bg = style.MAP_STATES, style.BACKGROUND
    dim_fill = s["dim"]["background"]
    lines = {"edge": s["edge"], "edgeOn": s["edgeOn"], "edgeOff (dimmed link)": s["edgeOff"]}
    lines["dimmed node outline"] = s["dim"]["border"]
    for name, colour in lines.items():
        assert style.contrast_ratio(colour, bg) >= 3, f"{name} {colour}: {style.contrast_ratio(colour, bg):.2f}:1"
    # a dimmed label sits on the dimmed fill (box, ellipse…) or on the page (dot, star…)
    for behind in (dim_fill, bg):
        ratio = style.contrast_ratio(s["dimFont"], behind)
        assert ratio >= 4.5, f"dimmed label {s['dimFont']} on {behind}: {ratio:.2f}:1"
    # the focus ring: against the page, a dimmed node and its own halo
    for behind in (bg, dim_fill, s["focusHalo"]):
        assert style.contrast_ratio(s["focus"], behind) >= 3, f"focus ring on {behind}"
    assert s["focus"] == style.FOCUS


def test_pages_draw_focus_rings_in_the_map_focus_colour():
    """The pages' focus outline is the map's focus ring colour (one colour, kept in viz.style)."""
    css = render.SITE_ASSETS["immunoviz.css"]()
    assert re.search(r"--focus:\s*([#0-9a-fA-F]+)", css).group(1).lower() == style.FOCUS
    assert "outline: 3px solid var(--focus)" in css


def test_contrast_check_can_fail():
    assert style.contrast_ratio("#dfe1e5", style.BACKGROUND) < 3  # the dimmed link colour before issue 17


# ---------------------------------------------------------------------------
# axe-core


@pytest.mark.browser
def test_axe_finds_nothing_serious_on_any_page(site, every_page):
    """No critical or serious violation, and no content outside landmarks (``region``), on every
    page of the site: index, maps, charts and notebook pages, with the maps in their iframes."""
    require(axe_missing())
    kinds = {name.split("/")[0] for name in every_page}
    assert {"index.html", "maps", "charts", "notebooks"} <= kinds
    problems = []
    for name, visit in every_page.items():
        for v in failing(visit.axe):
            where = name + (f" (frame {v['frame']})" if v["frame"] else "")
            problems.append(f"{where}: {v['id']} [{v['impact']}] {v['help']}: {v['targets'][:3]}")
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
def test_axe_check_catches_a_bad_page(chromium, tmp_path):
    """The check above can fail: a page with an unlabelled field, faint text and a loose paragraph."""
    require(axe_missing())
    from viz import _browser

    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body>'
        '<p style="color:#c5c8ce">faint text outside any landmark</p>'
        '<main><input type="text"><div role="img" aria-label="chart"><button>zoom</button></div></main>'
        "</body></html>",
        encoding="utf-8",
    )
    context = _browser.offline_context(chromium)
    try:
        page = context.new_page()
        page.goto(bad.as_uri())
        found = {v["id"] for v in failing(run_axe(page))}
    finally:
        context.close()
    assert {"color-contrast", "label", "region", "nested-interactive"} <= found


# ---------------------------------------------------------------------------
# the Nu Html Checker


@pytest.mark.slow
def test_nu_checker_finds_no_errors_on_our_pages(site):
    """Valid HTML on the pages our templates make: the index, every map and every chart."""
    require(vnu_missing())
    pages = [site / "index.html", *sorted((site / "maps").glob("*.html")), *sorted((site / "charts").glob("*.html"))]
    errors = run_vnu(pages)
    assert errors == [], "\n".join(f"{Path(e['url']).name}:{e['line']}: {e['message']}" for e in errors[:20])


@pytest.mark.slow
def test_nu_checker_can_fail(tmp_path):
    require(vnu_missing())
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body>'
        '<input type="search" role="combobox" aria-expanded="false">'
        '<label for="year">Year <output id="out" for="year"></output></label><input id="year" type="range">'
        "</body></html>",
        encoding="utf-8",
    )
    messages = " ".join(e["message"] for e in run_vnu([bad]))
    assert "“output”" in messages and ("“combobox”" in messages or "“search”" in messages), messages


# ---------------------------------------------------------------------------
# the map by keyboard alone

_R, _G, _B = (int(style.FOCUS[i : i + 2], 16) for i in (1, 3, 5))
#: How many pixels of the map's canvas have the focus ring's colour.
RING_PIXELS = f"""() => {{
  const c = document.querySelector('#map canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (Math.abs(d[i] - {_R}) + Math.abs(d[i + 1] - {_G}) + Math.abs(d[i + 2] - {_B}) < 30) n++;
  return n; }}"""


def _tab_into_map(page, limit: int = 80) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "map":
            return presses
    raise AssertionError(f"Tab did not reach the map in {limit} presses")


def _say(page, key: str) -> str:
    """Press a key and return what the live region then says (it is emptied first, as the page does)."""
    page.evaluate("document.getElementById('map-status').textContent = ''")
    page.keyboard.press(key)
    page.wait_for_function("() => document.getElementById('map-status').textContent !== ''", timeout=5_000)
    return page.locator("#map-status").text_content()


def _tab_and_say(page) -> str:
    page.evaluate("document.getElementById('map-status').textContent = ''")
    _tab_into_map(page)
    page.wait_for_function("() => document.getElementById('map-status').textContent !== ''", timeout=5_000)
    return page.locator("#map-status").text_content()


@pytest.mark.browser
def test_map_travel_by_keyboard_alone(site, offline_page, dataset):
    """Tab reaches the map; the arrows travel along links, each one said in the live region as
    "from — relation — to (k of n links)" and shown by a focus ring; Enter opens the panel and Esc
    comes back; Esc leaves the map; the story keys work off the map and not on it."""
    page = offline_page.open(site / "maps" / "checkpoints.html")
    labels = dataset.concepts["label"]
    rel_labels = dict(zip(dataset.relation_types["id"], dataset.relation_types["label"], strict=True))
    rel = dataset.relations
    triples = {
        (labels[f], rel_labels[r], labels[t]) for f, r, t in zip(rel["from"], rel["relation"], rel["to"], strict=True)
    }
    steps = page.evaluate("immunoviz.state.step")
    assert page.locator("#map").get_attribute("role") == "application"
    assert "Concept map" in page.locator("#map").get_attribute("aria-label")
    assert page.locator("#map-status").get_attribute("aria-live") == "polite"
    assert page.evaluate(RING_PIXELS) == 0, "no ring before the keyboard reaches the map"

    said = _tab_and_say(page)
    start = page.evaluate("immunoviz.state.selected")
    assert start and said.startswith(f"At {labels[start]} (") and "links." in said
    page.wait_for_timeout(100)
    assert page.evaluate(RING_PIXELS) > 100, "the current concept has a focus ring"

    seen, centre = {start}, start
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown", "ArrowRight", "ArrowLeft"]:
        said = _say(page, key)
        if key == "ArrowDown":  # go on from the linked concept: it becomes the centre
            centre = page.evaluate("immunoviz.state.selected")
            assert said.startswith(f"At {labels[centre]} ("), said
            continue
        now = page.evaluate("immunoviz.state.selected")
        m = re.fullmatch(r"(.+) — (.+) — (.+) \((\d+) of (\d+) links?\)", said)
        assert m, said
        assert (m.group(1), m.group(2), m.group(3)) in triples, f"{said!r} is not a relation of the tables"
        assert {labels[centre], labels[now]} == {m.group(1), m.group(3)}
        assert page.locator("#panel h2").inner_text() == labels[now], "the panel shows the current concept"
        assert page.evaluate("immunoviz.network.getSelectedNodes()") == [now]
        seen.add(now)
    assert len(seen) >= 3, seen

    assert page.evaluate("immunoviz.state.step") == steps, "arrows on the map do not turn the story"
    said = _say(page, "Home")  # on the map: the first link, not the first step
    assert page.evaluate("immunoviz.state.step") == steps
    assert re.search(r"\(1 of \d+ links?\)$", said), said
    now = page.evaluate("immunoviz.state.selected")

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "panel"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "map"
    assert page.evaluate("immunoviz.state.selected") == now, "back on the map where we were"
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('map').contains(document.activeElement)") is False
    page.wait_for_timeout(100)
    assert page.evaluate(RING_PIXELS) == 0, "the ring goes with the focus"

    page.focus("#map")
    page.keyboard.press("Tab")  # one Tab stop: the next Tab leaves the map (vis-network's own frame is not one)
    assert page.evaluate("document.getElementById('map').contains(document.activeElement)") is False

    page.evaluate("document.activeElement.blur()")  # off the map, the story keys still work
    page.keyboard.press("Home")
    assert page.evaluate("immunoviz.state.step") == 1
    page.keyboard.press("ArrowRight")
    assert page.evaluate("immunoviz.state.step") == 2
    offline_page.assert_clean()


@pytest.mark.browser
def test_map_travel_keeps_the_self_test_secret(site, offline_page, dataset):
    page = offline_page.open(site / "maps" / "checkpoints.html")
    page.click("#quiz")
    _tab_and_say(page)
    said = _say(page, "ArrowRight")
    assert "hidden concept" in said
    assert not [label for label in dataset.concepts["label"] if label in said], said
    assert page.evaluate("document.activeElement.id") == "map", "the answer field does not take the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "quiz-answer"
    offline_page.assert_clean()


# ---------------------------------------------------------------------------
# charts: a text alternative reachable by keyboard


@pytest.mark.browser
def test_chart_data_table_is_reachable_by_keyboard(site, offline_page, dataset):
    page = offline_page.open(site / "charts" / "timeline.html")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Data table":
            break
    else:
        raise AssertionError("no Data table link among the first ten Tab stops")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#chart-data"
    assert page.locator("#chart-data tbody tr").count() == len(dataset.events), "one row per event"
    assert page.locator(".chart svg.main-svg:not([aria-hidden='true'])").count() == 0
    assert page.locator(".modebar button").count() > 0, "plotly's tools stay reachable"
    offline_page.assert_clean()
