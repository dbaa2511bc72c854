"""Build it (issue 28) in the browser: the three levels on the checkpoints map at 1280 x 720, by mouse and by
keyboard alone; the score, the verdicts, hints, the work kept over a reload, the saved result file that
``immunoviz grade`` reads; axe-core in every level, before and after Check (axe-core comes from package.json:
without it the axe checks here are left out, and tests/test_accessibility.py says why, or fails under CI)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from checkers import axe_missing, failing, run_axe
from conftest import browser_required, immunoviz

from viz import exercise, export, maps

VIEW = "checkpoints"
SEED = 3


@pytest.fixture(scope="module")
def page_file(dataset, tmp_path_factory) -> Path:
    """The checkpoints map as one self-contained page, as `immunoviz map checkpoints` writes it."""
    return export.write_map(maps.view_map(dataset, VIEW), tmp_path_factory.mktemp("build") / "checkpoints.html")


@pytest.fixture(scope="module")
def pb(dataset) -> exercise.Problem:
    return exercise.view_problem(dataset, VIEW)


def open_build(offline_page, page_file: Path, level: str | None, seed: int = SEED):
    """The map at 1280 x 720, opened on a lecturer's link (#build=LEVEL&seed=N), or plain (level None)."""
    page = offline_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.emulate_media(reduced_motion="reduce")
    offline_page.open(page_file, fragment=f"#build={level}&seed={seed}" if level else "")
    if level:
        page.wait_for_function(f"() => immunoviz.build.state() && immunoviz.build.state().level === '{level}'")
    return page


def check(page) -> dict:
    """Press Check; what the panel says: right, total and percent, and the counts of each verdict."""
    page.click("[data-iv=build-check]")
    return read_score(page)


def read_score(page) -> dict:
    text = page.locator(".build-score").text_content()
    right, total, percent = map(int, re.match(r"(\d+) of (\d+) propositions right \((\d+)%\)", text).groups())
    counts = page.locator(".build-counts").text_content()
    found = {w: int(n) for n, w in re.findall(r"(\d+) (right|other verb|missing|extra)", counts)}
    return {"right": right, "total": total, "percent": percent, **found}


def said(page, text: str) -> None:
    """Wait until the live region says ``text`` (it is emptied, then filled 30 ms later, so that a repeated
    sentence is said again)."""
    page.wait_for_function(
        "t => document.querySelector('[data-iv=status]').textContent.includes(t)", arg=text, timeout=5_000
    )


def node_point(page, concept: str) -> dict:
    """Where a concept is drawn, in the canvas element's own pixels (for a drop or a drag)."""
    return page.evaluate(
        "id => { const n = immunoviz.network, p = n.canvasToDOM(n.getPosition(id)); return {x: p.x, y: p.y}; }", concept
    )


def axe_problems(page, when: str) -> list[str]:
    """axe-core's critical and serious violations on the page now (none where axe-core is not installed: the
    accessibility tests say so and fail under CI)."""
    why = axe_missing()
    if why:
        if browser_required():
            pytest.fail(why + " (required here: IMMUNOVIZ_REQUIRE_BROWSER=1 or CI=true)")
        return []
    return [f"{when}: {v['id']} [{v['impact']}] {v['help']}: {v['targets'][:3]}" for v in failing(run_axe(page))]


def saved_file(page, tmp_path: Path, name: str) -> Path:
    """Save my map: the file the browser downloads."""
    with page.expect_download() as download:
        page.fill("[data-build-key=name]", name)
        page.click("[data-build-key=save]")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return path


# ---------------------------------------------------------------------------
# fill in the concepts


@pytest.mark.browser
def test_fill_every_concept_in_its_blank_scores_100_and_two_wrong_placements_two_fewer(
    offline_page, page_file, pb, tmp_path
):
    """Every blank filled by drag and drop (and one by picking a chip, then clicking its blank): 100%. Two
    concepts swapped: exactly two fewer concepts in their place, and exactly the propositions of those two
    blanks fewer right, each wrong one drawn as extra."""
    page = open_build(offline_page, page_file, "fill")
    ex = exercise.exercise(pb, "fill", SEED)
    problems = axe_problems(page, "fill, before Check")
    assert page.locator(".build-lot .build-chip").count() == len(ex.blanks) == 8
    labels = page.evaluate("() => immunoviz.nodes.get().map(n => n.label)")
    assert not set(ex.blanks) & {c for c in pb.concepts if pb.label(c) in labels}, "no blank shows its name"
    box = page.locator("[data-iv=canvas]").bounding_box()
    for blank in ex.blanks[1:]:
        at = node_point(page, blank)
        page.drag_and_drop(f"[data-build-key='chip-{blank}']", "[data-iv=canvas]", target_position=at)
        said(page, f"{pb.label(blank)} placed in blank {ex.blanks.index(blank) + 1}")
    first = ex.blanks[0]
    page.click(f"[data-build-key='chip-{first}']")
    point = node_point(page, first)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.locator(".build-lot .build-chip").count() == 0
    score = check(page)
    assert score == {
        "right": len(ex.scope),
        "total": len(ex.scope),
        "percent": 100,
        "other verb": 0,
        "missing": 0,
        "extra": 0,
    }
    assert page.locator(".build-placed").text_content() == "8 of 8 concepts in their place."
    said(page, "Checked: 27 of 27 propositions right (100%).")
    # two wrong placements: the first two blanks swapped (the second emptied first: a concept is in one blank)
    a, b = ex.blanks[:2]
    page.select_option("#build-blank-2", "")
    page.select_option("#build-blank-1", b)
    page.select_option("#build-blank-2", a)
    score = check(page)
    touched = [p for p in ex.scope if {p[0], p[2]} & {a, b}]
    assert page.locator(".build-placed").text_content() == "6 of 8 concepts in their place."
    assert score["right"] == len(ex.scope) - len(touched)
    assert score["extra"] == len(touched) and score["percent"] < 100
    looks = page.evaluate("() => immunoviz.edges.get().filter(e => e.label === '✗').length")
    assert looks == len(touched), "each wrong proposition is drawn as extra, with its sign"
    assert problems + axe_problems(page, "fill, after Check") == []
    path = saved_file(page, tmp_path, "Ada")
    result = exercise.read_result(path)
    assert (result.level, result.seed, result.student, result.placements[a]) == ("fill", SEED, "Ada", b)
    offline_page.assert_clean()


@pytest.mark.browser
def test_fill_by_keyboard_alone_reaches_100(offline_page, page_file, pb):
    """Tab to Build it, Enter; Tab to each blank's list and choose its concept with the arrow keys; Check with
    Enter. The live region says each placement."""
    page = open_build(offline_page, page_file, None)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.iv") == "build":
            break
    page.keyboard.press("Enter")
    page.wait_for_function("() => immunoviz.build.state() && immunoviz.build.state().level === 'fill'")
    ex = exercise.exercise(pb, "fill", 1)  # Build it without a seed in the address: exercise 1
    options = sorted(ex.blanks, key=lambda c: (pb.label(c).lower(), c))
    _tab_to(page, "blank-1")
    for n, blank in enumerate(ex.blanks, start=1):
        assert page.evaluate("document.activeElement.dataset.buildKey") == f"blank-{n}"
        page.keyboard.press("Home")
        # the concepts in earlier blanks are taken (disabled): the arrows pass over them
        free = [c for c in options if c not in ex.blanks[: n - 1]]
        for _ in range(free.index(blank) + 1):
            page.keyboard.press("ArrowDown")
        said(page, f"{pb.label(blank)} placed in blank {n}")
        page.keyboard.press("Tab")
    _tab_to(page, "do-Check", back=True)
    page.keyboard.press("Enter")
    assert read_score(page)["percent"] == 100
    offline_page.assert_clean()


def _tab_to(page, key: str, *, back: bool = False, limit: int = 200) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement.dataset.buildKey") == key:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab did not reach {key} in {limit} presses")


# ---------------------------------------------------------------------------
# fill in the links


@pytest.mark.browser
def test_links_every_verb_right_scores_100_and_two_wrong_verbs_two_fewer(offline_page, page_file, pb):
    """The hidden links are drawn alike (no line style or arrow head gives a verb away); a click on one goes
    to its list; every verb right: 100%; two other verbs: exactly two fewer right, two partly right."""
    page = open_build(offline_page, page_file, "links")
    ex = exercise.exercise(pb, "links", SEED)
    problems = axe_problems(page, "links, before Check")
    looks = page.evaluate(
        "() => immunoviz.edges.get().filter(e => /^\\d+: \\?$/.test(e.label || ''))"
        ".map(e => JSON.stringify([e.dashes, e.arrows]))"
    )
    assert len(looks) == len(ex.hidden) == 15 and len(set(looks)) == 1
    for n, p in enumerate(ex.hidden, start=1):
        page.select_option(f"#build-link-{n}", p[1])
    score = check(page)
    assert (score["right"], score["total"], score["percent"]) == (15, 15, 100)
    wrong = {n: next(r for r in pb.relations if r != p[1]) for n, p in list(enumerate(ex.hidden, start=1))[:2]}
    for n, r in wrong.items():
        page.select_option(f"#build-link-{n}", r)
    score = check(page)
    assert (score["right"], score["other verb"], score["missing"], score["extra"]) == (13, 2, 0, 0)
    verdicts = page.locator(".build-verdicts > li.verdict-partial")
    assert verdicts.count() == 2
    assert pb.sentence(ex.hidden[0]) in verdicts.nth(0).text_content(), "the panel names the expert's proposition"
    page.click("[data-build-key=do-Hint]")
    assert problems + axe_problems(page, "links, after Check and a hint") == []
    offline_page.assert_clean()


@pytest.mark.browser
def test_links_by_keyboard_alone_reaches_100_and_a_hint_shows_one_missing_at_a_time(offline_page, page_file, pb):
    page = open_build(offline_page, page_file, "links")
    ex = exercise.exercise(pb, "links", SEED)
    page.click("[data-build-key=do-Hint]")
    said(page, f"Hint 1: {pb.sentence(ex.hidden[0])}.")
    page.click("[data-build-key=do-Hint]")
    said(page, f"Hint 2: {pb.sentence(ex.hidden[1])}.")
    assert page.locator(".build-hints > li").count() == 2
    page.focus("#build-link-1")
    for n, p in enumerate(ex.hidden, start=1):
        assert page.evaluate("document.activeElement.id") == f"build-link-{n}"
        page.keyboard.press("Home")
        for _ in range(pb.relations.index(p[1]) + 1):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
    _tab_to(page, "do-Check", back=True)
    page.keyboard.press("Enter")
    assert read_score(page)["percent"] == 100
    offline_page.assert_clean()


# ---------------------------------------------------------------------------
# build from a skeleton


def _add_link(page, p) -> None:
    page.select_option("#build-add-from", p[0])
    page.select_option("#build-add-verb", p[1])
    page.select_option("#build-add-to", p[2])
    page.click("[data-build-key=add-link]")


@pytest.mark.browser
def test_skeleton_built_whole_scores_100_and_a_wrong_verb_is_partial(offline_page, page_file, pb, tmp_path):
    """Only the skeleton and its own links are drawn; the other concepts come from the parking lot (two by drag
    and drop, the rest by pressing them), the links by the form and one drawn with the mouse (vis-network's
    manipulation API); every proposition: 100%; two links with another verb: two fewer right, two partly."""
    page = open_build(offline_page, page_file, "skeleton")
    ex = exercise.exercise(pb, "skeleton", SEED)
    problems = axe_problems(page, "skeleton, before Check")
    shown = page.evaluate("() => immunoviz.nodes.get().filter(n => !n.hidden).map(n => n.id).sort()")
    assert shown == sorted(ex.skeleton)
    drawn = page.evaluate("() => immunoviz.edges.get().filter(e => !e.hidden).length")
    assert drawn == len(pb.propositions) - len(ex.scope), "only the skeleton's own links"
    rest = sorted(set(pb.concepts) - set(ex.skeleton))
    for c, at in zip(rest[:2], ({"x": 110, "y": 90}, {"x": 260, "y": 200}), strict=True):  # each where it is dropped
        page.drag_and_drop(f"[data-build-key='chip-{c}']", "[data-iv=canvas]", target_position=at)
        said(page, f"{pb.label(c)} added to the map")
    for c in rest[2:]:
        page.click(f"[data-build-key='chip-{c}']")
    assert page.locator(".build-lot .build-chip").count() == 0
    hidden = page.evaluate("() => immunoviz.edges.get().filter(e => /^e\\d/.test(e.id) && !e.hidden).length")
    assert hidden == len(pb.propositions) - len(ex.scope), "the expert's links stay hidden as concepts come"
    first, *others = ex.scope
    page.click("[data-build-key=do-Hint]")  # a hint: the first missing proposition, drawn and said
    said(page, f"Hint 1: {pb.sentence(first)}.")
    hint = "hint|" + "|".join(first)
    assert page.evaluate("id => immunoviz.edges.get(id).label", hint) == f"hint: {pb.verb(first[1])}"
    # the first link drawn with the mouse: Draw a link, drag from one concept to the other, choose its verb
    page.click("[data-build-key=draw]")
    box = page.locator("[data-iv=canvas]").bounding_box()
    start, end = node_point(page, first[0]), node_point(page, first[2])
    page.mouse.move(box["x"] + start["x"], box["y"] + start["y"])
    page.mouse.down()
    page.mouse.move(box["x"] + end["x"], box["y"] + end["y"], steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'build-add-verb'")
    assert page.input_value("#build-add-from") == first[0] and page.input_value("#build-add-to") == first[2]
    page.select_option("#build-add-verb", first[1])
    page.click("[data-build-key=add-link]")
    assert page.evaluate("id => immunoviz.edges.get(id)", hint) is None, "the hint goes once the link is drawn"
    page.click("[data-build-key=draw]")  # drawing off again
    for p in others:
        _add_link(page, p)
    score = check(page)
    assert (score["right"], score["total"], score["percent"]) == (len(ex.scope), len(ex.scope), 100)
    # two links with another verb: removed and drawn again
    for p in others[:2]:
        i = page.evaluate("k => immunoviz.build.state().work.links.findIndex(q => q.join('|') === k)", "|".join(p))
        page.click(f"[data-build-key='remove-link-{i}']")
        _add_link(page, (p[0], next(r for r in pb.relations if r != p[1]), p[2]))
    score = check(page)
    assert (score["right"], score["other verb"], score["missing"], score["extra"]) == (len(ex.scope) - 2, 2, 0, 0)
    assert problems + axe_problems(page, "skeleton, after Check") == []
    path = saved_file(page, tmp_path, "Skeleton student")
    s = exercise.score(pb, ex, exercise.read_result(path).propositions)
    assert (s.right, s.partial) == (len(ex.scope) - 2, 2), "the file scores as the page did"
    offline_page.assert_clean()


@pytest.mark.browser
def test_skeleton_by_keyboard_alone_reaches_100(offline_page, page_file, pb):
    """Every chip added with Enter (the focus goes on to the next one), every link with the form's lists chosen
    from the keyboard (the first link's with the arrow keys, the others' by typing the start of the option's
    text, as a select box finds it) and Enter on Add link."""
    page = open_build(offline_page, page_file, "skeleton")
    ex = exercise.exercise(pb, "skeleton", SEED)
    rest = sorted(set(pb.concepts) - set(ex.skeleton), key=lambda c: (pb.label(c).lower(), c))
    page.focus(f"[data-build-key='chip-{rest[0]}']")
    for _ in rest:
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.buildKey") == "add-from"
    for k, p in enumerate(ex.scope):
        for key, value in (("add-from", p[0]), ("add-verb", p[1]), ("add-to", p[2])):
            assert page.evaluate("document.activeElement.dataset.buildKey") == key
            texts = page.evaluate("() => [...document.activeElement.options].map(o => [o.value, o.text])")
            page.keyboard.press("Home")
            if k == 0:
                for _ in range([v for v, _ in texts].index(value)):
                    page.keyboard.press("ArrowDown")
            elif value != texts[0][0]:  # Home already chose the first option
                page.keyboard.type(_typeahead(texts, value))
            assert page.evaluate("document.activeElement.value") == value, (key, value)
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # on Add link
    _tab_to(page, "do-Check", back=True)
    page.keyboard.press("Enter")
    assert read_score(page)["percent"] == 100
    offline_page.assert_clean()


def _typeahead(options: list[list[str]], value: str) -> str:
    """The shortest start of ``value``'s option text that a select box's type-ahead finds it by, typed with the
    first option chosen (Home): the first option after it whose text starts with it (case aside), with no
    letter typed twice in a row (which steps through the options that start with that letter instead)."""
    text = next(t for v, t in options if v == value)
    for n in range(1, len(text) + 1):
        typed = text[:n].lower()
        first = next(v for v, t in [*options[1:], options[0]] if t.lower().startswith(typed))
        if first == value and not any(a == b for a, b in itertools.pairwise(typed)):
            return text[:n]
    return text


# ---------------------------------------------------------------------------
# the work is kept


#: The student's work as the page holds it.
WORK_JS = (
    "() => { const w = immunoviz.build.state().work; return JSON.stringify([w.placed, w.verbs, w.added, w.links]); }"
)


@pytest.mark.browser
@pytest.mark.parametrize("level", ["fill", "links", "skeleton"])
def test_a_reload_keeps_the_work_and_start_again_clears_it(offline_page, page_file, pb, level):
    page = open_build(offline_page, page_file, level)
    ex = exercise.exercise(pb, level, SEED)
    if level == "fill":
        page.select_option("#build-blank-1", ex.blanks[0])
        page.select_option("#build-blank-2", ex.blanks[2])
    elif level == "links":
        page.select_option("#build-link-1", ex.hidden[0][1])
        page.select_option("#build-link-2", "binds" if ex.hidden[1][1] != "binds" else "blocks")
    else:
        for p in ex.scope[:3]:
            for c in (p[0], p[2]):
                if page.locator(f"[data-build-key='chip-{c}']").count():
                    page.click(f"[data-build-key='chip-{c}']")
            _add_link(page, p)
    before = check(page)
    work = page.evaluate(WORK_JS)
    page.reload()
    page.wait_for_function(f"() => immunoviz.build.state() && immunoviz.build.state().level === '{level}'")
    assert read_score(page) == before, "the checked score is there again"
    assert page.evaluate(WORK_JS) == work
    stored = page.evaluate("() => Object.keys(localStorage)")
    assert stored == [f"immunoviz-build:{VIEW}"], "one entry for the map, nothing else"
    page.click("[data-build-key='do-Start again']")
    page.reload()
    page.wait_for_function(f"() => immunoviz.build.state() && immunoviz.build.state().level === '{level}'")
    assert page.locator(".build-score").count() == 0
    assert (
        page.evaluate(
            "() => immunoviz.build.state().work.links.length + "
            "Object.keys(immunoviz.build.state().work.placed).length + "
            "Object.keys(immunoviz.build.state().work.verbs).length"
        )
        == 0
    )
    page.evaluate("() => localStorage.clear()")
    offline_page.assert_clean()


@pytest.mark.browser
def test_leaving_build_it_gives_the_whole_map_back(offline_page, page_file, pb):
    page = open_build(offline_page, page_file, "skeleton")
    page.click(f"[data-build-key='chip-{sorted(set(pb.concepts) - set(pb.skeleton))[0]}']")
    assert page.locator("#text-version").is_hidden() and page.locator("[data-iv=quiz]").is_hidden()
    page.click("[data-build-key=leave]")
    whole = page.evaluate(
        "() => [immunoviz.nodes.get().filter(n => !n.hidden).length, "
        "immunoviz.edges.get().filter(e => !e.hidden).length, immunoviz.edges.length]"
    )
    assert whole == [len(pb.concepts), len(pb.propositions), len(pb.propositions)]
    labels = page.evaluate("() => immunoviz.nodes.get().map(n => n.label.replace(/\\n/g, ' '))")
    assert sorted(labels) == sorted(pb.label(c) for c in pb.concepts)
    assert page.locator("#text-version").is_visible() and page.locator("[data-iv=quiz]").is_visible()
    assert page.evaluate("location.hash") == ""
    page.evaluate("() => localStorage.clear()")
    offline_page.assert_clean()


# ---------------------------------------------------------------------------
# the class: files saved by the page, graded


@pytest.mark.browser
def test_grade_reads_the_files_the_page_saves(capsys, offline_page, page_file, pb, dataset, tmp_path):
    """Files saved by Save my map (right and wrong), with files written in the same format, one malformed and
    one for another map: 30 files; grade counts each proposition as the page scored it, names the two bad
    files, exits 1, and writes the class page, which opens offline without a request."""
    page = open_build(offline_page, page_file, "links")
    ex = exercise.exercise(pb, "links", SEED)
    files = []
    for i in range(4):  # students 0 and 1 give every verb; 2 and 3 give the first two another
        for n, p in enumerate(ex.hidden, start=1):
            wrong = i >= 2 and n <= 2
            page.select_option(f"#build-link-{n}", next(r for r in pb.relations if r != p[1]) if wrong else p[1])
        files.append(saved_file(page, tmp_path, f"Browser {i}"))
    page.evaluate("() => localStorage.clear()")
    for i in range(24):  # the rest of the class leaves link (i % 15) + 1 out
        props = [p for j, p in enumerate(ex.hidden) if j != i % 15]
        files.append(tmp_path / f"written-{i:02d}.json")
        files[-1].write_text(exercise.result_json(pb, ex, props, student=f"Written {i}"), encoding="utf-8")
    files.append(tmp_path / "malformed.json")
    files[-1].write_text('{"format": "immunoviz-build", "version": 1, "propositions": [', encoding="utf-8")
    cycle = exercise.view_problem(dataset, "cycle")
    files.append(tmp_path / "another-map.json")
    files[-1].write_text(exercise.result_json(cycle, exercise.exercise(cycle, "links", 1), []), encoding="utf-8")
    assert len(files) == 30
    out = tmp_path / "grades"
    code, stdout, stderr = immunoviz(capsys, "grade", *map(str, files), "--out", str(out))
    assert code == 1 and "Traceback" not in stderr
    assert stderr.strip().endswith(f"2 of 30 files refused: {files[28]}, {files[29]}")
    for j, p in enumerate(ex.hidden):
        partial = 2 if j < 2 else 0
        missing = sum(1 for i in range(24) if i % 15 == j)
        said = pb.sentence(p)
        said = said if len(said) <= 60 else said[:59] + "…"
        row = re.search(rf"^{re.escape(said)}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", stdout, re.M)
        assert row and tuple(map(int, row.groups())) == (28, 28 - partial - missing, partial, missing), said
    page.goto("about:blank")
    offline_page.open(out / "class.html", ready=False)
    page.wait_for_load_state("load")
    assert page.locator("svg[role=img]").count() == 1
    assert page.locator("#students tbody tr").count() == 28
    assert page.locator("#refused li").count() == 2
    offline_page.assert_clean()
