"""Teaching mode in the browser: story steps, deep links, history replay, self-test, print, site search."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def visible_ids(page) -> set[str]:
    return set(page.evaluate("immunoviz.nodes.get().filter(n => !n.hidden).map(n => n.id)"))


def test_arrow_keys_step_through_the_story(site, offline_page, dataset):
    page = offline_page.open(site / "maps" / "cycle.html")
    steps = dataset.steps.query("view == 'cycle'").sort_values("step")
    members = dataset.view_concepts.query("view == 'cycle'")
    page.keyboard.press("Home")
    assert page.locator("#step-counter").inner_text() == f"Step 1 of {len(steps)}:"
    assert page.locator("#caption").inner_text() == steps.iloc[0]["caption"]
    assert visible_ids(page) == set(members[members["step"] == 1]["concept"])
    page.keyboard.press("ArrowRight")
    assert visible_ids(page) == set(members[members["step"] <= 2]["concept"])
    assert page.locator("#caption").inner_text() == steps.iloc[1]["caption"]
    page.keyboard.press("Space")
    assert page.evaluate("document.body.dataset.step") == "3"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.body.dataset.step") == "2"
    page.keyboard.press("End")  # after the last step, the whole map
    assert visible_ids(page) == set(members["concept"])
    assert page.locator("#step-counter").inner_text() == "The whole map:"
    assert page.url.endswith("#step=all")
    # the mouse works too: back to the last step, framed on what it brings in; the cycle's last step brings in
    # concepts on both sides of the circle, so it comes in two parts (viz.layout.step_parts): back from the whole
    # map is its last part, everything of the step shown and the last part framed
    last = len(steps)
    parts = page.evaluate(f"immunoviz.parts({last})")
    assert len(parts) == 2 and set().union(*parts) == set(members[members["step"] == last]["concept"])
    page.click("#prev")
    assert page.evaluate("document.body.dataset.step") == str(last)
    assert page.locator("#step-counter").inner_text() == f"Step {last} of {last} · 2/2:"
    assert page.url.endswith(f"#step={last}.2")
    assert visible_ids(page) == set(members["concept"])
    page.keyboard.press("ArrowLeft")  # the first part: the second part's concepts are not shown yet
    assert page.locator("#step-counter").inner_text() == f"Step {last} of {last} · 1/2:"
    assert visible_ids(page) == set(members[members["step"] < last]["concept"]) | set(parts[0])
    assert page.url.endswith(f"#step={last}")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#step-counter").inner_text() == "The whole map:"
    offline_page.assert_clean()


def test_deep_link_opens_at_a_step(site, offline_page, dataset):
    page = offline_page.open(site / "maps" / "three_es.html", fragment="#step=3")
    members = dataset.view_concepts.query("view == 'three_es'")
    assert page.locator("#step-counter").inner_text().startswith("Step 3 of")
    assert visible_ids(page) == set(members[members["step"] <= 3]["concept"])
    # a step in parts opens at the part its link names (the address a lecturer copies from the page)
    page = offline_page.open(site / "maps" / "three_es.html", fragment="#step=6.2")
    assert page.locator("#step-counter").inner_text() == "Step 6 of 6 · 2/2:"
    assert visible_ids(page) == set(members["concept"])
    offline_page.assert_clean()


def test_history_replay_hides_what_came_later(site, offline_page, dataset):
    from viz import queries

    years = queries.first_years(dataset)
    page = offline_page.open(site / "maps" / "landscape.html")
    page.fill("#year", "2010")
    page.dispatch_event("#year", "input")
    assert page.locator("#year-out").inner_text() == "2010"
    shown = visible_ids(page)
    members = set(dataset.view_concepts.query("view == 'landscape'")["concept"])
    later = {c for c in members if years.get(c) is not None and years[c] > 2010}
    earlier = {c for c in members if years.get(c) is None or years[c] <= 2010}
    assert later and not (later & shown), "concepts first dated after 2010 are hidden"
    assert earlier <= shown
    assert "pembrolizumab" in later and "ipilimumab" in earlier
    offline_page.assert_clean()


def test_self_test_hides_labels_and_reveals_on_answer(site, offline_page, dataset):
    page = offline_page.open(site / "maps" / "checkpoints.html")
    page.click("#quiz")
    labels = set(page.evaluate("immunoviz.nodes.get().map(n => n.label)"))
    assert labels == {"?"}, "every label is hidden"
    page.evaluate("immunoviz.select('pd1', false)")
    assert page.locator("#panel h2").inner_text() == "Which concept is this?"
    page.fill("#quiz-answer", "CD279")  # an alias counts
    page.click(".quiz-form button[type=submit]")
    assert page.locator("#quiz-result").inner_text() == "Right: PD-1"
    assert page.evaluate("immunoviz.nodes.get('pd1').label") == "PD-1"
    assert page.evaluate("document.body.dataset.score") == "1/1"
    page.evaluate("immunoviz.select('ctla4', false)")
    page.fill("#quiz-answer", "PD-L1")
    page.click(".quiz-form button[type=submit]")
    assert "Not quite" in page.locator(".quiz-result").inner_text()
    page.click(".quiz-form button[type=button]")  # reveal
    assert page.locator("#quiz-result").inner_text() == "The answer: CTLA-4"
    assert page.evaluate("document.body.dataset.score") == "1/2"
    assert "1 of 2 right" in page.locator("#quiz").inner_text()
    offline_page.assert_clean()


def test_print_gives_a_handout(site, offline_page):
    page = offline_page.open(site / "maps" / "cycle.html")
    page.emulate_media(media="print")
    assert page.locator("img.map-image").is_visible()
    assert not page.locator("#map").is_visible()
    assert not page.locator(".toolbar").is_visible()
    assert page.locator(".legend").is_visible() and page.locator("#text-version").is_visible()
    pdf = page.pdf()
    assert pdf[:4] == b"%PDF" and len(pdf) > 20_000


def test_index_search_jumps_to_the_map_that_holds_a_concept(site, offline_page):
    page = offline_page.open(site / "index.html")
    page.fill("#site-search", "tisagenlec")
    link = page.locator("#site-search-results a").first
    assert link.inner_text() == "Tisagenlecleucel"
    link.click()
    page.wait_for_selector("body[data-ready='1']", state="attached")
    assert page.evaluate("immunoviz.state.selected") == "tisagenlecleucel"
    offline_page.assert_clean()
