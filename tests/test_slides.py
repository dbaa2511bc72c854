"""Lectures from the tables: the vendored reveal.js, decks.csv, and the deck `immunoviz slides` writes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from viz import data
from viz.paths import SCAFFOLD_DIR

ROOT = Path(__file__).resolve().parents[1]
REVEAL = ROOT / "src" / "viz" / "vendor" / "reveal"
PINNED = json.loads((REVEAL / "pinned.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# the vendored reveal.js


def test_vendored_reveal_is_the_pinned_release():
    """Every vendored file has the hash recorded for the pinned npm release, and the release pinned here is the one
    package.json and package-lock.json pin (npm checks the tarball's integrity when `make test` installs it)."""
    assert sorted(p.name for p in REVEAL.iterdir()) == sorted([*PINNED["files"], "pinned.json", "README.md"])
    for name, pin in PINNED["files"].items():
        assert hashlib.sha256((REVEAL / name).read_bytes()).hexdigest() == pin["sha256"], f"{name} was changed"
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]["node_modules/reveal.js"]
    assert package["devDependencies"]["reveal.js"] == lock["version"] == PINNED["version"]
    assert lock["integrity"] == PINNED["integrity"]
    readme = (REVEAL / "README.md").read_text(encoding="utf-8")
    assert f"reveal.js {PINNED['version']}" in readme
    assert all(pin["sha256"] in readme for pin in PINNED["files"].values()), "the README lists every file's hash"
    assert "MIT" in (REVEAL / "LICENSE").read_text(encoding="utf-8")


def test_vendored_reveal_matches_the_installed_release():
    """The files are byte for byte those of the release npm installed (and verified) into node_modules/."""
    installed = ROOT / "node_modules" / "reveal.js"
    if not installed.is_dir():
        pytest.skip("node_modules/reveal.js is not installed (make test installs it with npm ci)")
    assert json.loads((installed / "package.json").read_text(encoding="utf-8"))["version"] == PINNED["version"]
    for name, pin in PINNED["files"].items():
        assert (REVEAL / name).read_bytes() == (installed / pin["from"]).read_bytes(), name


# ---------------------------------------------------------------------------
# decks.csv


def test_decks_table_is_optional(tiny_copy):
    """A dataset without decks.csv (and whose datapackage.json does not describe it) loads, with no decks."""
    assert not (tiny_copy / "decks.csv").exists()
    descriptor = json.loads((tiny_copy / "datapackage.json").read_text(encoding="utf-8"))
    assert "decks" not in {r["name"] for r in descriptor["resources"]}
    ds = data.load(tiny_copy)
    assert ds.decks.empty and list(ds.decks.columns) == ["deck", "order", "kind", "ref", "step"]


def test_the_new_dataset_has_an_example_deck():
    ds = data.load(SCAFFOLD_DIR)
    assert list(ds.decks["kind"]) == ["view", "chart", "history"]
    assert set(ds.decks["deck"]) == {"lecture"}


def bad_decks(folder: Path) -> Path:
    shutil.copytree(SCAFFOLD_DIR, folder)
    (folder / "decks.csv").write_text(
        "deck,order,kind,ref,step\n"
        "lecture,1,view,water_cycl,\n"  # a misspelt view
        "lecture,2,view,water_cycle,9\n"  # a step the view does not have
        "lecture,3,chart,timelin,\n"  # a misspelt chart
        "lecture,4,chart,timeline,2\n"  # a chart has no steps
        "lecture,5,slideshow,water_cycle,\n",  # not a kind
        encoding="utf-8",
    )
    return folder


def test_a_wrong_deck_is_refused_with_file_row_column(tmp_path):
    found = [str(p) for p in data.validate(bad_decks(tmp_path / "data"))]
    where = str(tmp_path / "data" / "decks.csv")
    assert found == [
        f"{where}:2:ref: 'water_cycl' is not an id in views.csv (hint: did you mean 'water_cycle'?)",
        f"{where}:3:step: view 'water_cycle' has no step 9 (hint: its steps are 1 to 3)",
        f"{where}:4:ref: 'timelin' is not an id in charts.csv (hint: did you mean 'timeline'?)",
        f"{where}:5:step: a chart part has no steps (hint: leave step empty)",
        f"{where}:6:kind: 'slideshow' is not one of: view, chart, history (hint: "
        + data._own_resource("decks")["schema"]["fields"][2]["description"]
        + ")",
    ]


# ---------------------------------------------------------------------------
# the deck: what it holds


@pytest.fixture(scope="module")
def default_deck():
    from viz import slides

    ds = data.load()
    return ds, slides.plan_deck(ds)


def test_a_chart_too_dense_for_a_slide_is_shown_a_part_a_slide(default_deck):
    """The resistance pathways (every mechanism, strategy and therapy) cannot be read on one slide: the deck
    shows a class of resistance a slide, each named in its counter, every mechanism on at least one of them;
    a chart that fits keeps its one slide."""
    ds, deck = default_deck
    by_id = {s.id: s for s in deck.sections if s.kind == "chart"}
    parts = by_id["resistance"].slides
    classes = ("primary", "adaptive", "acquired")
    assert [s.chart for s in parts] == [f"resistance-{c}" for c in classes]
    assert [s.counter for s in parts] == [
        f"Class of resistance: {c.capitalize()} · {i} of 3" for i, c in enumerate(classes, 1)
    ]
    drawn = set()
    for slide, cls in zip(parts, classes, strict=True):
        fig = deck.figures[slide.chart]
        mechanisms = {r[0] for r in fig.layout.meta["table"]["rows"]}
        wanted = {
            ds.concepts.loc[c, "label"]
            for c, k in zip(ds.resistance["concept"], ds.resistance["classes"], strict=True)
            if cls in k
        }
        assert mechanisms == wanted, cls
        drawn |= mechanisms
    assert len(drawn) == len(ds.resistance)
    assert all(len(s.slides) == 1 and s.slides[0].chart == s.id for i, s in by_id.items() if i != "resistance")


def test_the_default_deck_follows_the_topics_and_views_in_order(default_deck):
    ds, deck = default_deck
    sections = [(s.kind, s.id) for s in deck.sections]
    assert sections[0] == ("title", "title") and sections[-1] == ("sources", "sources")
    views = [i for kind, i in sections if kind == "view"]
    topic_order = {t: k for k, t in enumerate(ds.topics["id"])}
    expected = sorted(ds.views["id"], key=lambda v: (topic_order[ds.views.loc[v, "topic"]], ds.views.loc[v, "order"]))
    assert views == expected
    charts_shown = [i for kind, i in sections if kind == "chart"]
    assert charts_shown and set(charts_shown) <= set(ds.charts["id"])
    assert ("history", "history-landscape") in sections
    title = deck.slides[0]
    assert title.title == ds.site["title"] and title.text == ds.site["subtitle"]
    assert deck.notice == ds.site["disclaimer"]


def test_every_story_step_is_a_slide_with_notes(default_deck):
    ds, deck = default_deck
    steps = [(s.view, s.step) for s in deck.slides if s.kind == "map" and s.step]
    assert sorted(set(steps)) == sorted(zip(ds.steps["view"], ds.steps["step"], strict=True))
    for slide in deck.slides:
        assert slide.notes, f"{slide.title} {slide.counter} has no speaker notes"
        if slide.kind == "map" and slide.step:
            caption = ds.steps[(ds.steps["view"] == slide.view) & (ds.steps["step"] == slide.step)]["caption"].iloc[0]
            assert slide.text == caption and caption in slide.notes
            assert set(slide.new) and set(slide.new) <= set(slide.shown)
            assert not set(slide.dimmed) & set(slide.new)
    pd1 = next(s for s in deck.slides if s.view == "checkpoints" and "pd1" in s.new)
    assert "CD8 cytotoxic T cell expresses PD-1. PD-1 appears on T cells once they are activated." in pd1.relations
    assert pd1.sources and all(s in deck.sources for s in pd1.sources)


def test_a_step_too_wide_to_read_is_shown_in_parts_of_nearby_concepts(default_deck):
    """A step whose new concepts cannot all be framed legibly is consecutive slides, each revealing a group of
    them (the earlier parts' dimmed), with the step's text; together they reveal the step's concepts once each."""
    import itertools

    from viz import maps, slides

    ds, deck = default_deck
    by_step: dict = {}
    for k, slide in enumerate(deck.slides):
        if slide.kind == "map" and slide.step:
            by_step.setdefault((slide.view, slide.step), []).append((k, slide))
    split = {key: parts for key, parts in by_step.items() if len(parts) > 1}
    assert split and ("three_es", 6) in split  # its new concepts lie on both sides of the map
    for (view, step), parts in split.items():
        assert [k for k, _ in parts] == list(range(parts[0][0], parts[0][0] + len(parts))), "consecutive slides"
        assert [s.part for _, s in parts] == list(range(1, len(parts) + 1))
        assert all(s.parts == len(parts) and s.counter.endswith(f" · {s.part}/{s.parts}") for _, s in parts)
        net = maps.view_map(ds, view, presenter=True)
        revealed = [i for _, s in parts for i in s.new]
        assert sorted(revealed) == sorted(n["id"] for n in net.nodes if int(n.get("step", 1)) == step)
        for (_, before), (_, after) in itertools.pairwise(parts):
            assert set(before.shown) | set(after.new) == set(after.shown) and set(before.shown) <= set(after.dimmed)
        assert len({s.text for _, s in parts}) == 1 and all(f"part {s.part}." in " ".join(s.notes) for _, s in parts)
    for parts in by_step.values():  # each part is framed legibly: its new concepts fit the stage at LABEL_PX
        for _, s in parts:
            assert slides._legible(deck.maps[s.view], s.new, slides._stage(s.text)), (s.view, s.step, s.part)
    again = slides.plan_deck(ds)
    assert [(s.new, s.frame) for s in again.slides] == [(s.new, s.frame) for s in deck.slides]


def test_a_picture_draws_only_what_its_frame_shows(dataset):
    """A slide's picture of part of a map leaves out the concepts and links outside it (a big map's lecture
    stays small): the concept farthest from the frame is in the whole map's picture, not in the framed one."""
    import math

    from viz import maps, svg

    net = maps.view_map(dataset, "checkpoints")
    at = {n["id"]: (n["x"], n["y"]) for n in net.nodes}
    far = max(at, key=lambda i: (math.dist(at[i], at["pd1"]), i))
    label = next(n["label"] for n in net.nodes if n["id"] == far)
    whole, framed = svg.render_map_svg(net), svg.render_map_svg(net, frame=["pd1"], least=(200, 120))
    assert label in whole and label not in framed
    assert "PD-1" in framed and framed.count("<path") < whole.count("<path")


def test_the_closing_slides_list_every_source_the_deck_cites(default_deck):
    _, deck = default_deck
    cited = {deck.sources[s]["citation"] for slide in deck.slides for s in slide.sources}
    listed = [c for slide in deck.slides if slide.kind == "sources" for c, _ in slide.items]
    assert len(listed) == len(set(listed)) and set(listed) == cited


def test_a_deck_from_decks_csv_keeps_its_order_and_steps(tmp_path):
    from viz import slides

    folder = tmp_path / "data"
    shutil.copytree(SCAFFOLD_DIR, folder)
    (folder / "decks.csv").write_text(
        "deck,order,kind,ref,step\nshort,2,view,water_cycle,3\nshort,1,chart,timeline,\nshort,3,view,water_cycle,1\n",
        encoding="utf-8",
    )
    deck = slides.plan_deck(data.load(folder), deck="short")
    kinds = [(s.kind, s.step) for s in deck.slides]
    assert kinds == [("title", 0), ("chart", 0), ("map", 3), ("map", 1), ("sources", 0)]


def test_slides_cli_refuses_a_bad_deck_and_writes_nothing(tmp_path):
    folder = bad_decks(tmp_path / "data")
    out = tmp_path / "out"
    code, _, err = run_cli("slides", "--data", str(folder), "--deck", "lecture", "--out", str(out / "l.html"))
    assert code == 1
    assert f"{folder / 'decks.csv'}:2:ref: 'water_cycl' is not an id in views.csv" in err
    assert err.strip().endswith("nothing was written.")
    assert not out.exists()
    code, _, err = run_cli("slides", "nope", "--data", str(SCAFFOLD_DIR), "--out", str(out / "l.html"))
    assert (code, err.strip()) == (1, "immunoviz: error: no view 'nope'; the views are: water_cycle, everything")
    code, _, err = run_cli("slides", "--deck", "nope", "--data", str(SCAFFOLD_DIR), "--out", str(out / "l.html"))
    assert (code, err.strip()) == (1, "immunoviz: error: no deck 'nope' in decks.csv; the decks are: lecture")
    assert not out.exists()


def test_the_deck_is_one_offline_file_whose_scripts_the_policy_allows_by_hash(tmp_path):
    import html
    import re

    from viz import render, slides

    code, out, _ = run_cli("slides", "--data", str(SCAFFOLD_DIR), "--out", str(tmp_path / "lecture.html"))
    assert code == 0 and "8 slides, 3 of them story steps" in out
    page = (tmp_path / "lecture.html").read_text(encoding="utf-8")
    markup = re.sub(r"<script>[\s\S]*?</script>", "", page)
    assert not re.search(r"""(\ssrc=|<link[^>]*\shref=)["']?(https?:)?//""", markup), "nothing loads from the network"
    assert "fonts.googleapis" not in page and "@import" not in page
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1])
    scripts = re.findall(r"<script>([\s\S]*?)</script>", page)
    assert len(scripts) == 5  # reveal.js, its notes plugin, plotly.js and the flow labels' fit (a chart slide), ours
    for text in [*scripts, slides.speaker_view_script()]:
        assert render.script_hash(text) in policy
    assert "connect-src 'none'" in policy and "default-src 'none'" in policy
    assert page.count("not medical advice") >= 8


# ---------------------------------------------------------------------------
# the deck in a browser


@pytest.fixture(scope="module")
def lecture(tmp_path_factory) -> Path:
    """The new dataset's example deck (a map's three steps, a chart, the history) as `immunoviz slides` writes it."""
    out = tmp_path_factory.mktemp("lecture") / "lecture.html"
    assert run_cli("slides", "--data", str(SCAFFOLD_DIR), "--deck", "lecture", "--out", str(out))[0] == 0
    return out


INDICES_JS = "() => { const i = immunovizDeck.getIndices(); return [i.h, i.v, i.f === undefined ? -1 : i.f]; }"


def test_the_deck_opens_offline_and_every_key_moves_through_every_slide(offline_page, lecture):
    page = offline_page.open(lecture)
    total = page.evaluate("() => immunovizDeck.getTotalSlides()")
    assert total == 7  # title, three steps, a chart, one era of the history, the sources
    for key in ("ArrowRight", " "):
        page.evaluate("() => immunovizDeck.slide(0, 0)")
        seen = {tuple(page.evaluate(INDICES_JS)[:2])}
        for _ in range(60):
            page.keyboard.press(key)
            seen.add(tuple(page.evaluate(INDICES_JS)[:2]))
            if page.evaluate("() => immunovizDeck.isLastSlide() && !immunovizDeck.availableFragments().next"):
                break
        assert len(seen) == total, f"{key!r} reached {sorted(seen)}"
    # Next enters a map's steps at its first step, wherever the lecturer left them: reveal.js remembers the
    # step a stack was left at and forgets it only on a timer after the title slide is shown
    page.evaluate("() => { immunovizDeck.slide(1, 2); immunovizDeck.slide(2, 0); }")
    assert (
        page.evaluate("() => { immunovizDeck.slide(0, 0); immunovizDeck.next(); return immunovizDeck.getIndices().v; }")
        == 0
    )
    offline_page.assert_clean()


def test_an_address_opens_that_slide(offline_page, lecture):
    page = offline_page.open(lecture, fragment="#/1/2")
    assert page.evaluate(INDICES_JS)[:2] == [1, 2]
    assert (
        page.locator("section.iv-slide.present .iv-text").inner_text()
        == data.load(SCAFFOLD_DIR).steps["caption"].iloc[2]
    )
    offline_page.assert_clean()


def test_s_opens_the_speaker_view_with_the_notes(offline_page, lecture):
    page = offline_page.open(lecture, fragment="#/1/1")
    with page.context.expect_page() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    notes = speaker.locator(".speaker-controls-notes .value")
    # the speaker view loads the deck twice (its previews of this slide and the next): slow on a busy machine
    speaker.wait_for_function(
        "() => (document.querySelector('.speaker-controls-notes .value') || {}).innerText", timeout=90_000
    )
    text = notes.inner_text()
    assert "Sunlight evaporates it into the air." in text and "Evaporation" in text and "Sources:" in text
    assert speaker.locator("#current-slide iframe").count() == 1  # its preview of the deck, from the same file
    offline_page.assert_clean()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_resistance_slides_labels_do_not_cover_each_other(offline_page, default_deck, tmp_path, size):
    """Projected at 1280 x 720 or 1024 x 768, no two labels of a resistance slide's flows overlap by more than
    2 px (their boxes hold a line's leading; drawn whole on one slide, 40 pairs did, by up to a whole line; on
    the narrower screen the middle column's long names ran into the last column's), and they are drawn at
    14 px or more: the text is made only as much smaller as the slide needs."""
    from viz import slides

    _, deck = default_deck
    h = next(i for i, s in enumerate(deck.sections) if (s.kind, s.id) == ("chart", "resistance"))
    path = tmp_path / "deck.html"
    path.write_text(slides.render_deck(deck), encoding="utf-8")
    offline_page.page.set_viewport_size({"width": size[0], "height": size[1]})
    page = offline_page.open(path)
    for v in range(len(deck.sections[h].slides)):
        page.evaluate(f"() => immunovizDeck.slide({h}, {v})")
        page.wait_for_function("() => document.querySelector('section.iv-slide.present .sankey .node-label')")
        over = page.evaluate("""() => {
          const L = [...document.querySelectorAll('section.iv-slide.present .sankey .node-label')]
            .map(t => [t.textContent, t.getBoundingClientRect()]);
          const out = [];
          L.forEach(([p, a], i) => L.slice(i + 1).forEach(([q, b]) => {
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && h > 2) out.push([p, q, Math.round(h)]);
          }));
          return out;
        }""")
        assert not over, (v, over[:5])
        px = page.evaluate(
            "() => Math.min(...[...document.querySelectorAll('section.iv-slide.present .sankey .node-label')]"
            ".map(t => parseFloat(getComputedStyle(t).fontSize)))"
        )
        assert px >= 14, (v, px)
    offline_page.assert_clean()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_slide_text_is_legible_from_the_back_row(offline_page, lecture, size):
    """On every map slide the step's text and the heading are drawn at 28 px or more."""
    page = offline_page.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    offline_page.open(lecture, fragment="#/1/0")
    for v in range(3):
        page.evaluate(f"() => immunovizDeck.slide(1, {v})")
        sizes = page.evaluate(
            "() => ['.iv-text', '.iv-head h2'].map(s => "
            "parseFloat(getComputedStyle(document.querySelector('section.iv-slide.present ' + s)).fontSize))"
        )
        assert min(sizes) >= 28, (v, sizes)
        box = page.evaluate(
            "() => document.querySelector('section.iv-slide.present .iv-text').getBoundingClientRect().bottom"
        )
        assert box <= size[1], "the step's text is on the slide"
    offline_page.assert_clean()


LEGIBLE_JS = """() => {
  const slide = document.querySelector('section.iv-slide.present');
  const stage = slide.querySelector('.iv-stage').getBoundingClientRect();
  // the labels drawn at full opacity: the slide's new concepts (the earlier ones are in faded groups)
  const texts = [...slide.querySelectorAll('.iv-stage svg text')].filter(t => !t.closest('[opacity]'));
  return {
    where: slide.dataset.ivView + ' ' + (slide.querySelector('.iv-counter') || {}).textContent,
    step: Number(slide.dataset.ivStep),
    new: slide.dataset.ivNew.split(' ').length,
    labels: texts.map(t => {
      const r = t.getBoundingClientRect();
      const inside = r.left >= Math.max(0, stage.left) - 1 && r.right <= Math.min(innerWidth, stage.right) + 1
        && r.top >= Math.max(0, stage.top) - 1 && r.bottom <= Math.min(innerHeight, stage.bottom) + 1;
      return [t.textContent, parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a, inside];
    }),
  };
}"""


def test_every_step_of_the_default_deck_frames_its_new_concepts_legibly(offline_page, default_deck, tmp_path):
    """Stepping through the whole default deck at 1280x720: on every story step's slide, each label drawn at full
    opacity (the concepts the slide reveals) is 24 px or more on screen and inside the slide's stage. A view
    without story steps is one overview slide of its whole map (the map page is where it is read)."""
    from viz import slides

    ds, deck = default_deck
    out = tmp_path / "lecture.html"
    out.write_text(slides.render_deck(deck), encoding="utf-8")
    page = offline_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    offline_page.open(out)
    total = page.evaluate("() => immunovizDeck.getTotalSlides()")
    assert total == len(deck.slides)
    stepless = {v for v in ds.views["id"] if v not in set(ds.steps["view"])}
    seen, overviews, small = 0, set(), []
    for _ in range(total):
        if page.evaluate("() => document.querySelector('section.iv-slide.present').classList.contains('iv-map')"):
            found = page.evaluate(LEGIBLE_JS)
            if found["step"] == 0:
                overviews.add(found["where"].split(" ")[0])
            else:
                seen += 1
                assert len(found["labels"]) == found["new"], found["where"]
                small += [(found["where"], text, round(px, 1), inside) for text, px, inside in found["labels"]]
        page.keyboard.press("ArrowRight")
    assert seen == sum(1 for s in deck.slides if s.kind == "map" and s.step)
    assert overviews == stepless
    assert [s for s in small if s[2] < slides.LABEL_PX or not s[3]] == []
    offline_page.assert_clean()


# ---------------------------------------------------------------------------
# the PDF, the handout and the PowerPoint file


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """The example deck with its PDF, handout and PowerPoint file, as `immunoviz slides` writes them (in a process
    of its own: it drives Chromium itself)."""
    import subprocess
    import sys

    from conftest import browser_required

    from viz import _browser

    if _browser.chromium_path() is None and not browser_required():
        pytest.skip(f"Chromium not found; {_browser.INSTALL_HINT}")
    out = tmp_path_factory.mktemp("printed")
    files = {k: out / f"lecture.{k}" for k in ("html", "pdf", "pptx")} | {"handout": out / "handout.pdf"}
    args = [sys.executable, "-m", "viz.cli", "slides", "--data", str(SCAFFOLD_DIR), "--deck", "lecture"]
    args += ["--out", str(files["html"]), "--pdf", str(files["pdf"]), "--pptx", str(files["pptx"])]
    run = subprocess.run([*args, "--handout", str(files["handout"])], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return files


def test_the_pdf_has_a_page_per_slide_each_with_the_notice(printed):
    from pypdf import PdfReader

    pdf = PdfReader(printed["pdf"])
    assert len(pdf.pages) == 7  # as many as the deck has slides
    assert (float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)) == (960, 540)  # 1280 x 720 px
    texts = [p.extract_text() for p in pdf.pages]
    assert all("not medical advice" in t for t in texts)
    assert "Sunlight evaporates it into the air." in texts[2] and "Evaporation" in texts[2]  # the step's picture


def test_the_handout_has_a_page_per_view(printed):
    from pypdf import PdfReader

    pages = PdfReader(printed["handout"]).pages
    assert len(pages) == 1  # the deck shows one view
    text = pages[0].extract_text()
    assert "The water cycle" in text and "Sunlight evaporates it into the air." in text and "Sources" in text


def test_the_pptx_has_a_slide_per_map_slide_with_its_picture_and_notes(printed):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from viz import slides

    prs = Presentation(printed["pptx"])
    deck = slides.plan_deck(data.load(SCAFFOLD_DIR), deck="lecture")
    captions = [s.text for s in deck.slides if s.kind == "map"]  # a slide per picture of a step (or of its part)
    assert len(prs.slides) == len(captions) == 3  # the deck's three story steps
    assert captions == list(data.load(SCAFFOLD_DIR).steps["caption"])
    for slide, caption in zip(prs.slides, captions, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].width == prs.slide_width
        assert pictures[0].image.size[0] == 2560, "the picture at twice a 1280-pixel slide"
        assert any(caption == s.text_frame.text for s in slide.shapes if s.has_text_frame)
        notes = slide.notes_slide.notes_text_frame.text
        assert caption in notes and "Sources:" in notes


def test_libreoffice_opens_the_pptx_with_every_slide(printed, tmp_path):
    """LibreOffice Impress (Debian's libreoffice-impress, which .ci/run installs) converts it page for slide."""
    import subprocess

    from pypdf import PdfReader

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-impress)")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(printed["pptx"])],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert len(PdfReader(tmp_path / "lecture.pdf").pages) == 3


# ---------------------------------------------------------------------------
# the site's lectures


def test_the_site_has_a_lecture_per_topic_linked_from_the_index(site, offline_page):
    import re

    ds = data.load()
    topics = [t for t in ds.topics["id"] if t in {*ds.views["topic"], *ds.charts["topic"]}]
    assert sorted(p.stem for p in (site / "slides").glob("*.html")) == sorted(topics)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(f'href="slides/{t}.html"' in index for t in topics)
    deck = (site / "slides" / f"{topics[0]}.html").read_text(encoding="utf-8")
    assert '<script src="../assets/plotly.min.js">' in deck or "Plotly" not in deck  # shared, not inlined again
    page = offline_page.open(site / "slides" / f"{topics[0]}.html")
    views = set(ds.views.loc[ds.views["topic"] == topics[0], "id"])
    shown = set(page.evaluate("() => [...document.querySelectorAll('[data-iv-view]')].map(s => s.dataset.ivView)"))
    assert shown == views
    assert re.search(r"not medical advice", page.locator("section.iv-slide.present").inner_text())
    offline_page.assert_clean()


@pytest.mark.slow  # starts Firefox
def test_firefox_draws_the_first_map_slide(lecture, tmp_path):
    """Firefox (Debian's firefox-esr, which .ci/run installs) shows the first map slide drawn, from the file alone."""
    import subprocess

    from PIL import Image

    firefox = shutil.which("firefox-esr") or shutil.which("firefox")
    if firefox is None:
        pytest.skip("Firefox is not installed (Debian: apt-get install firefox-esr)")
    shot = tmp_path / "slide.png"
    args = [firefox, "--headless", "--no-remote", "--profile", str(tmp_path), "--window-size=1280,720"]
    run = subprocess.run(
        [*args, "--screenshot", str(shot), lecture.as_uri() + "#/1/0"],
        capture_output=True, text=True, timeout=300, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert run.returncode == 0 and shot.exists(), run.stderr
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 720)
    stage = image.crop((40, 80, 1240, 560))
    colours = {c for _, c in stage.getcolors(maxcolors=1_000_000) if max(c) - min(c) > 60}  # not white or grey
    step_one = {"reservoir", "driver"}  # the categories of the ocean and the sunlight
    hexes = data.load(SCAFFOLD_DIR).categories.loc[sorted(step_one), "colour"]
    wanted = {tuple(int(h[i : i + 2], 16) for i in (1, 3, 5)) for h in hexes}
    assert wanted <= colours, "the step's concepts are drawn, in their categories' colours"
