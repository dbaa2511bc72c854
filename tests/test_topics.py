"""Any topic: a course author's own subject, from `immunoviz new` or from a copy of our tables.

Everything topic-specific comes from the tables (the site's wording, the index
sections, which charts exist and what they say); a chart whose tables are
empty is left out; `immunoviz new` starts a valid dataset.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, TINY, build_site

from viz import DISCLAIMER, charts, data, site, tables
from viz.paths import DATA_DIR, SCAFFOLD_DIR

TECTONICS = FIXTURES / "tectonics"
#: The tables only our own topic fills: a dataset on another topic leaves them with their header alone.
DOMAIN_TABLES = ("events", "resistance", "combinations", "side_effects", "biomarkers", "charts")
ROOT = Path(__file__).resolve().parents[1]


def _header_only(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    path.write_text(",".join(header) + "\n", encoding="utf-8")


def make_tectonics(dest: Path) -> Path:
    """What a course author does: copy our data/, empty the tables of our topic, put ten concepts of plate
    tectonics in the rest, and reword the site in datapackage.json (keeping its schema)."""
    shutil.copytree(DATA_DIR, dest)
    for table in DOMAIN_TABLES:
        _header_only(dest / f"{table}.csv")
    for path in TECTONICS.glob("*.csv"):
        shutil.copy(path, dest / path.name)
    package = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    package.update(name="plate-tectonics", title="Plate tectonics", description="Ten concepts of plate tectonics.")
    package["site"] = {
        "subtitle": "How the Earth's shell moves, for a first-year geology lecture.",
        "searchExample": "Subduction",
    }
    (dest / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def tectonics(tmp_path_factory) -> Path:
    return make_tectonics(tmp_path_factory.mktemp("topic") / "tectonics")


def test_a_copy_of_our_tables_on_another_topic_validates(tectonics):
    assert data.validate(tectonics) == []
    ds = data.load(tectonics)
    assert len(ds.concepts) == 10
    assert ds.site["title"] == "Plate tectonics"
    assert ds.site["disclaimer"] == DISCLAIMER == "Educational material, not medical advice."


@pytest.mark.browser
@pytest.mark.slow
def test_another_topic_builds_with_images_and_shows_nothing_of_ours(tectonics, tmp_path, chromium):
    """The whole site, pictures included: no chart page (their tables are empty), no word of our topic."""
    out = tmp_path / "site"
    started = time.perf_counter()
    build_site(out, images=True, data_dir=tectonics)
    print(f"\nplate tectonics (10 concepts) built with images in {time.perf_counter() - started:.1f} s")
    assert not (out / "charts").exists()
    assert sorted(p.name for p in (out / "maps").glob("*.html")) == [
        "boundaries.html",
        "everything.html",
        "plates.html",
    ]
    assert sorted(p.name for p in (out / "images").glob("*.png")) == [
        "map-boundaries.png",
        "map-everything.png",
        "map-plates.png",
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "card-chart" not in index
    assert re.findall(r'<h2 id="topic-\d+">([^<]*)</h2>', index) == [
        "The moving shell",
        "Where plates meet",
        "Overview",
    ]
    assert "<h1>Plate tectonics</h1>" in index and "for a first-year geology lecture" in index
    assert 'placeholder="for example Subduction"' in index
    mentions = [
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".svg", ".js", ".css")
        and re.search(r"immunotherap|cancer", p.read_text("utf-8"), re.I)
    ]
    assert mentions == []
    for page in [out / "index.html", *(out / "maps").glob("*.html")]:
        assert "Educational material, not medical advice." in page.read_text(encoding="utf-8"), page


def test_a_chart_whose_tables_are_empty_gets_no_page(tiny_copy):
    before = [c.id for c in charts.site_charts(data.load(tiny_copy))]
    assert {"timeline", "resistance"} <= set(before)
    _header_only(tiny_copy / "resistance.csv")
    after = [p.id for p in site.plan(data.load(tiny_copy)) if p.kind == "chart"]
    assert after == [c for c in before if c != "resistance"]


def test_charts_their_titles_and_sections_come_from_charts_csv(tiny_copy, edit_table):
    edit_table(tiny_copy, "charts", find="A history of cancer immunotherapy", replace="Milestones of the field")
    edit_table(tiny_copy, "topics", find="history,History,5", replace="history,Looking back,0")
    ds = data.load(tiny_copy)
    timeline = next(c for c in charts.site_charts(ds) if c.id == "timeline")
    assert (timeline.title, timeline.topic) == ("Milestones of the field", "Looking back")
    assert timeline.figure.layout.title.text == "Milestones of the field"
    html = site._index(ds, site.plan(ds))
    assert re.findall(r'<h2 id="topic-\d+">([^<]*)</h2>', html)[0] == "Looking back", "topics.csv orders the index"


@pytest.mark.slow  # builds the tiny site
def test_the_notice_and_wording_of_every_page_come_from_the_datapackage(tiny_copy, tmp_path):
    package = json.loads((tiny_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["title"] = "Volcanoes for beginners"
    package["site"] = {
        "subtitle": "A short course.",
        "disclaimer": "Teaching notes only; <i>not</i> safety advice.",
        "searchExample": "<b>lava</b>",
    }
    (tiny_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    out = site.build_site(data.load(tiny_copy), tmp_path / "site", images=False).index.parent
    pages = [out / "index.html", *(out / "maps").glob("*.html"), *(out / "charts").glob("*.html")]
    assert len(pages) > 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # the banner and the footer, as text (what the tables hold is never markup)
        assert text.count("Teaching notes only; &lt;i&gt;not&lt;/i&gt; safety advice.") == 2, page
        assert "<i>not</i>" not in text and "<b>lava</b>" not in text, page
        assert "not medical advice" not in text, page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Volcanoes for beginners · immunoviz</title>" in index and "A short course." in index


def test_a_lesson_page_shows_the_notice_as_text():
    import nbformat

    from viz import lessons

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson")])
    page = lessons.render_lesson(nb, name="01-a.ipynb", title="A lesson", disclaimer="<script>alert(1)</script> & co")
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co") == 2
    assert "<script>alert(1)" not in page


def test_our_own_site_keeps_its_wording(dataset):
    assert dataset.site["disclaimer"].startswith("Educational material about cancer immunotherapy, not medical advice.")
    assert [c.title for c in charts.site_charts(dataset)] == [
        "A history of cancer immunotherapy",
        "Approvals per year",
        "The Three Es of immunoediting",
        "Resistance pathways",
        "Combination strategies",
        "When side effects start",
        "Biomarkers and patient selection",
    ]
    assert list(dataset.topics["title"]) == ["Mechanisms", "Therapies", "Clinical practice", "Overview", "History"]


@pytest.mark.parametrize(
    ("table", "find", "replace", "expected"),
    [
        ("views", ",mechanisms,force", ",mechanism,force", "views.csv:2:topic: 'mechanism' is not an id in topics.csv"),
        ("charts", ",history,1,", ",past,1,", "charts.csv:2:topic: 'past' is not an id in topics.csv"),
        ("charts", "timeline,timeline,", "timeline,timelines,", "charts.csv:2:chart: 'timelines' is not one of"),
    ],
)
def test_topics_and_charts_are_checked_with_their_place(tiny_copy, edit_table, table, find, replace, expected):
    edit_table(tiny_copy, table, find=find, replace=replace)
    problems = [str(p) for p in data.validate(tiny_copy)]
    assert any(p.startswith(str(tiny_copy / expected.split(":")[0])) or expected in p for p in problems), problems
    assert any(expected.split(":", 1)[1] in p for p in problems), problems


def test_a_phases_chart_names_its_view_and_phases(tiny_copy, edit_table):
    edit_table(
        tiny_copy,
        "charts",
        find="biomarkers,biomarkers,",
        replace="phases,phases,Phases,,Three phases.,mechanisms,8,checkpoints,pd1; nowhere,one curve\n"
        "biomarkers,biomarkers,",
    )
    problems = [str(p) for p in data.validate(tiny_copy)]
    assert any(":7:concepts: 'nowhere' is not an id in concepts.csv" in p for p in problems), problems
    assert any(":7:series: 1 curve names; a phases chart draws two or none" in p for p in problems), problems


def test_the_site_section_is_checked(tiny_copy):
    package = json.loads((tiny_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["site"]["subtitel"] = "typo"
    package["site"]["disclaimer"] = ""
    package["site"]["classes"]["relation"] = "is_an"
    (tiny_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    problems = [str(p) for p in data.validate(tiny_copy)]
    assert any("site.subtitel: unknown key (hint: did you mean 'subtitle'?)" in p for p in problems), problems
    assert any("site.disclaimer: must be text" in p for p in problems), problems
    assert any(
        "site.classes.relation: 'is_an' is not an id in relation_types.csv (hint: did you mean 'is_a'" in p
        for p in problems
    )


def test_the_category_a_column_needs_comes_from_the_schema(tiny_copy, edit_table):
    """conceptCategory in datapackage.json, not a list in the code, says which concepts a column may name."""
    package = json.loads((tiny_copy / "datapackage.json").read_text(encoding="utf-8"))
    side_effects = next(r for r in package["resources"] if r["name"] == "side_effects")
    field = next(f for f in side_effects["schema"]["fields"] if f["name"] == "concept")
    assert field["conceptCategory"] == "adverse_event"
    field["conceptCategory"] = "organ"
    (tiny_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    problems = [str(p) for p in data.validate(tiny_copy)]
    assert any("side_effects.csv:2:concept: 'colitis' is a adverse_event, not a organ" in p for p in problems), problems


def _code_strings(path: Path) -> set[str]:
    """The string constants of a module's code (docstrings, which hold our examples, left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


#: Words of the code that happen to equal an id of our tables, and what they are in the code.
NOT_OUR_IDS = {
    "cell": "the attribute of a Frictionless error that holds the cell's text",
    "targets": "a column of the frame queries.class_members returns",
    "strategy": "the key of the strategy links' colour in style.FLOW_LINKS (resistance.csv's strategies column)",
    "biomarker": "the name of the biomarker explorer's control",
    "history": "the kind and file name of the page that links the map and the timeline (history.html)",
}


def test_no_id_of_our_tables_is_written_into_the_code(dataset):
    """Category, relation, concept, view, topic and chart ids live in the tables; column names are the schema's."""
    ids: set[str] = set()
    for table in ("categories", "relation_types", "concepts", "views", "topics", "charts"):
        ids |= set(getattr(dataset, table)["id"])
    columns = {f["name"] for schema in dataset.schemas.values() for f in schema["fields"]}
    kinds = {str(k) for k in dataset.charts["chart"].cat.categories}  # chart kinds: the schema's enum
    found = {
        f"{path.name}: {value!r}"
        for path in sorted((ROOT / "src" / "viz").rglob("*.py"))
        for value in _code_strings(path)
        if value in ids - columns - kinds - set(NOT_OUR_IDS)
    }
    assert found == set()


@pytest.mark.slow  # builds the new topic's site
def test_new_writes_a_dataset_that_validates_and_builds(tmp_path):
    run = [sys.executable, "-m", "viz.cli"]
    new = subprocess.run([*run, "new", str(tmp_path / "course")], capture_output=True, text=True, timeout=120)
    assert new.returncode == 0, new.stderr
    assert "immunoviz serve --data" in new.stdout
    folder = tmp_path / "course"
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(data.TABLES)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert all(f"## {t}.csv" in readme for t in data.TABLES)
    valid = subprocess.run([*run, "validate", "--data", str(folder)], capture_output=True, text=True, timeout=300)
    assert valid.returncode == 0, valid.stderr
    build = subprocess.run(
        [*run, "build", "--data", str(folder), "--out", str(tmp_path / "S"), "--no-images"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "S" / "maps" / "water_cycle.html").is_file()
    assert (tmp_path / "S" / "charts" / "timeline.html").is_file()


def test_new_refuses_a_folder_that_exists(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "viz.cli", "new", str(tmp_path / "mine")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "already exists" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]
    with pytest.raises(FileExistsError):
        tables.new_dataset(tmp_path / "mine")


def test_the_scaffold_has_the_schema_of_our_tables():
    """`immunoviz new` ships with the package: its schema must stay the one data/ uses."""
    ours = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    scaffold = json.loads((SCAFFOLD_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert scaffold["resources"] == ours["resources"]
    assert data.validate(SCAFFOLD_DIR) == []
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"scaffold/*.csv", "scaffold/*.json"' in pyproject, "the scaffold must be package data"


@pytest.mark.browser
def test_a_chart_that_cannot_be_drawn_fails_at_once(tmp_path, chromium):
    """plotly.js throws on some figures (a Sankey diagram without nodes); the image step says so instead of
    waiting 60 s for a page that will never be ready (Playwright's own timeout error, before)."""
    from concurrent.futures import ThreadPoolExecutor

    import plotly.graph_objects as go

    from viz import _browser, export, render

    page = site.Page("chart", "broken", "Broken", "", "", make=None)
    export.write_text(tmp_path / page.href, render.render_chart(go.Figure(go.Sankey()), chart_id="broken"))
    with ThreadPoolExecutor(1) as pool:  # its own Playwright, beside the tests' browser in this thread
        done = pool.submit(lambda: list(_browser.snapshots(tmp_path, [page])))
        with pytest.raises(_browser.PageFailed, match=r"charts/broken.html: the chart could not be drawn \(.+\)"):
            done.result()


def test_the_tiny_fixture_is_still_a_valid_dataset():
    assert data.validate(TINY) == []
