"""Content checks on the shipped tables: own words, volumes, sources, approvals.

Three groups of tests:

* **own words** -- no run of 8 or more consecutive words from the seed pages
  (the documents the project grew from, in ``../shared/seeds``) may appear in a
  text cell of ``data/*.csv`` or in a markdown cell of ``notebooks/*.ipynb``;
* **volumes** -- the minimum amount of content issue 4 asks for, counted on the
  real data (and printed, so a reviewer sees the sizes);
* **approvals** -- every therapy class the suite teaches has its first approval
  on the timeline, every approval is dated as precisely as the regulator's
  record allows, and every row cites a source that exists.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict

import pytest

from viz.paths import DATA_DIR, NOTEBOOKS_DIR, PROJ_ROOT

SEEDS_DIR = PROJ_ROOT.parent / "shared" / "seeds"

#: how many consecutive words count as a lifted passage
NGRAM = 8

#: columns that hold ids, links or bibliographic references rather than our own prose.
#: ``sources.csv:citation`` is a reference list: it must quote paper titles and
#: author names exactly, so it is not held to the own-words rule.
NOT_PROSE = {
    ("sources", "citation"),
    ("sources", "link"),
}

#: 8-word runs that may legitimately match a seed because they are names or
#: fixed titles, not sentences (keep this list short and explain every entry).
ALLOWED_NGRAMS: set[tuple[str, ...]] = set()


# ---------------------------------------------------------------------------
# helpers


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _ids(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def words(text: str) -> list[str]:
    """Lower-case words with accents, punctuation and spacing normalised away."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def ngrams(tokens: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def lifted(text: str, seed_ngrams: set[tuple[str, ...]]) -> list[str]:
    """The 8-word runs of ``text`` that also occur in the seeds (allow-list removed)."""
    hits = (ngrams(words(text)) & seed_ngrams) - ALLOWED_NGRAMS
    return sorted(" ".join(h) for h in hits)


def our_texts() -> list[tuple[str, str]]:
    """(where, text) for every prose cell in data/*.csv and markdown cell in notebooks/."""
    out: list[tuple[str, str]] = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                for col, cell in row.items():
                    if (path.stem, col) in NOT_PROSE or not cell:
                        continue
                    if len(words(cell)) >= NGRAM:
                        out.append((f"{path.name}:{line}:{col}", cell))
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "markdown":
                source = "".join(cell.get("source", []))
                out.append((f"{path.name}:cell {i}", source))
    return out


@pytest.fixture(scope="module")
def seed_ngrams() -> set[tuple[str, ...]]:
    files = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []
    if not files:
        pytest.skip(f"seed pages not found in {SEEDS_DIR}; the own-words check needs them")
    grams: set[tuple[str, ...]] = set()
    for f in files:
        grams |= ngrams(words(f.read_text(encoding="utf-8", errors="replace")))
    return grams


# ---------------------------------------------------------------------------
# own words


def test_detector_catches_a_lifted_sentence():
    """The check itself can fail: a copied run is found despite case, punctuation and spacing."""
    seed = ngrams(words("Immunotherapy helps your immune system fight cancer by boosting the body's defences."))
    copied = "IMMUNOTHERAPY -- helps your   immune system, fight cancer by boosting!"
    assert lifted(copied, seed) == [
        "helps your immune system fight cancer by boosting",
        "immunotherapy helps your immune system fight cancer by",
    ]
    assert lifted("Immunotherapy helps the immune system attack a tumour.", seed) == []


def test_no_text_is_lifted_from_the_seed_pages(seed_ngrams):
    found = [f"{where}: '{hit}'" for where, text in our_texts() for hit in lifted(text, seed_ngrams)]
    assert not found, f"{len(found)} runs of {NGRAM}+ words copied from the seed pages:\n" + "\n".join(found)


# ---------------------------------------------------------------------------
# volumes (issue 4)

#: organs the side-effect table must cover, as encoded in side_effects.csv:organ
REQUIRED_ORGANS = {
    "skin",
    "gut",
    "lung",
    "liver",
    "kidney",
    "endocrine",
    "nerves",
    "joints-muscles",
    "blood",
    "heart",
}
#: cell-therapy syndromes, as concept ids in side_effects.csv:concept
REQUIRED_SYNDROMES = {"crs", "icans"}
#: biomarker concepts in biomarkers.csv:concept
REQUIRED_BIOMARKERS = {"pdl1_expression", "msi_h_dmmr", "tmb_high"}


def test_dataset_volumes(capsys):
    concepts, relations, events = _read("concepts"), _read("relations"), _read("events")
    resistance, combinations, side_effects = _read("resistance"), _read("combinations"), _read("side_effects")
    biomarkers, sources = _read("biomarkers"), _read("sources")
    dated = [e for e in events if e["date"].strip()]
    organs = {r["organ"] for r in side_effects}
    syndromes = {r["concept"] for r in side_effects}
    markers = {r["concept"] for r in biomarkers}
    with capsys.disabled():
        print(
            f"\n[content] {len(concepts)} concepts, {len(relations)} relations, {len(dated)} dated events, "
            f"{len(resistance)} resistance mechanisms, {len(combinations)} combination strategies, "
            f"{len(side_effects)} side-effect rows over {len(organs)} organ groups, "
            f"{len(biomarkers)} biomarkers, {len(sources)} sources"
        )
    assert len(concepts) >= 150
    assert len(relations) >= 300
    assert len(dated) >= 70
    assert len(resistance) >= 25
    assert len(combinations) >= 20
    assert len(side_effects) >= 30
    assert organs >= REQUIRED_ORGANS, f"organs without a side-effect row: {sorted(REQUIRED_ORGANS - organs)}"
    assert syndromes >= REQUIRED_SYNDROMES, f"missing: {sorted(REQUIRED_SYNDROMES - syndromes)}"
    assert markers >= REQUIRED_BIOMARKERS, f"missing biomarkers: {sorted(REQUIRED_BIOMARKERS - markers)}"


@pytest.mark.parametrize("table", ["concepts", "relations", "events"])
def test_every_row_cites_a_source_that_exists(table):
    known = {s["id"] for s in _read("sources")}
    bad = []
    for line, row in enumerate(_read(table), start=2):
        cited = _ids(row["sources"])
        if not cited or any(s not in known for s in cited):
            bad.append(f"{table}.csv:{line}: sources={row['sources']!r}")
    assert not bad, "\n".join(bad)


def test_approval_dates_are_day_or_month_unless_the_note_says_why():
    vague = [
        f"{e['id']} ({e['date']}, {e['precision']})"
        for e in _read("events")
        if e["kind"] == "approval" and e["precision"] == "year" and not e.get("note", "").strip()
    ]
    assert not vague, "approval events known only to the year need a note saying why: " + ", ".join(vague)


def test_imprecise_approval_dates_are_explained():
    """A month-precision approval date also says, in its note, why the day is not given."""
    silent = [
        e["id"]
        for e in _read("events")
        if e["kind"] == "approval" and e["precision"] != "day" and not e.get("note", "").strip()
    ]
    assert not silent, "approval events without a day and without a note: " + ", ".join(silent)


# ---------------------------------------------------------------------------
# first approvals on the timeline

#: checkpoint target classes: the first approval of each class must be an event
CHECKPOINT_CLASSES = ["pd1_inhibitor", "pdl1_inhibitor", "ctla4_inhibitor", "lag3_inhibitor"]
#: classes whose every product must have its (first) approval on the timeline
PRODUCT_CLASSES = ["car_t", "bispecific_engager", "til_therapy", "tcr_t", "oncolytic_virus", "cytokine_therapy"]


def _members() -> dict[str, set[str]]:
    """Drug concepts under each class, following is_a links transitively."""
    category = {c["id"]: c["category"] for c in _read("concepts")}
    parents: dict[str, set[str]] = defaultdict(set)
    for r in _read("relations"):
        if r["relation"] == "is_a":
            parents[r["from"]].add(r["to"])

    def ancestors(node: str) -> set[str]:
        seen, todo = set(), [node]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    members: dict[str, set[str]] = defaultdict(set)
    for cid, cat in category.items():
        if cat == "drug":
            for a in ancestors(cid):
                members[a].add(cid)
    return members


def _approved() -> dict[str, list[str]]:
    """concept id -> dates of the approval events that name it."""
    out: dict[str, list[str]] = defaultdict(list)
    for e in _read("events"):
        if e["kind"] == "approval":
            for cid in _ids(e["concepts"]):
                out[cid].append(e["date"])
    return out


@pytest.mark.parametrize("klass", CHECKPOINT_CLASSES)
def test_first_approval_of_each_checkpoint_class_is_an_event(klass):
    members = _members()[klass]
    assert members, f"no drug concept is_a {klass}"
    approved = _approved()
    dated = {d: sorted(approved[d]) for d in members if approved.get(d)}
    assert dated, f"no approval event for any {klass} ({sorted(members)})"
    missing = sorted(members - set(dated))
    assert not missing, f"{klass} drugs with no approval event: {missing}"


@pytest.mark.parametrize("klass", PRODUCT_CLASSES)
def test_every_product_of_the_class_has_an_approval_event(klass):
    members = _members()[klass]
    assert members, f"no drug concept is_a {klass}"
    approved = _approved()
    missing = sorted(d for d in members if not approved.get(d))
    assert not missing, f"{klass} products with no approval event: {missing}"


# ---------------------------------------------------------------------------
# regulators and second-hand links (issue 16)


def test_every_approval_names_its_regulator_in_one_spelling():
    """Each approval says which authority decided; the spellings are the agreed ones."""
    events = _read("events")
    missing = [e["id"] for e in events if e["kind"] == "approval" and not e["regulator"].strip()]
    stray = [e["id"] for e in events if e["kind"] != "approval" and e["regulator"].strip()]
    assert not missing, f"approvals without a regulator: {missing}"
    assert not stray, f"a regulator on an event that is not an approval: {stray}"
    unknown = sorted({e["regulator"] for e in events if e["regulator"]} - set(REGULATORS))
    assert not unknown, f"regulator spellings not in REGULATORS: {unknown}"


def test_validate_reports_an_approval_without_a_regulator(tmp_path):
    """The semantic check names file, row and column, with a hint."""
    import shutil

    from viz import data
    from viz.paths import PROJ_ROOT as root

    copy = tmp_path / "tiny"
    shutil.copytree(root / "tests" / "fixtures" / "tiny", copy)
    path = copy / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith("ipilimumab-survival,"))
    lines[row - 1] = lines[row - 1].replace(",trial,", ",approval,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [str(p) for p in data.validate(copy)]
    assert any(f"events.csv:{row}:regulator: an approval needs its regulator (hint: " in p for p in found), found
    lines[row - 1] = lines[row - 1].replace(",approval,", ",trial,", 1).replace(
        "New England Journal of Medicine,", "New England Journal of Medicine,FDA (US)", 1
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [str(p) for p in data.validate(copy)]
    assert any(f"events.csv:{row}:regulator: 'FDA (US)' is set, but this event is a trial" in p for p in found), found


def test_a_planted_aggregator_link_warns_but_validates(tmp_path):
    """A source on a drug database or news aggregator is reported as a warning, not an error."""
    import shutil
    import subprocess
    import sys

    from viz import data
    from viz.paths import PROJ_ROOT as root

    copy = tmp_path / "tiny"
    shutil.copytree(root / "tests" / "fixtures" / "tiny", copy)
    path = copy / "sources.csv"
    text = path.read_text(encoding="utf-8")
    assert "pmid:1396582" in text
    path.write_text(text.replace("pmid:1396582", "https://www.drugs.com/history/keytruda.html", 1), encoding="utf-8")
    row = next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("pmid-1396582,"))
    assert data.validate(copy) == []  # still valid
    warned = [str(w) for w in data.link_warnings(copy)]
    assert len(warned) == 1 and f"sources.csv:{row}:link: warning: 'pmid-1396582' links to drugs.com" in warned[0]
    assert "(hint: cite the primary record instead" in warned[0]
    result = subprocess.run(
        [sys.executable, "-m", "viz.cli", "validate", "--data", str(copy)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"sources.csv:{row}:link: warning: " in result.stdout and "1 warning" in result.stdout
    # a subdomain of a listed host is caught; a look-alike host is not
    assert data._aggregator("https://news.drugs.com/x") == "drugs.com"
    assert data._aggregator("https://notdrugs.com/x") is None
    assert data._aggregator("pmid:1396582") is None


def test_shipped_sources_link_to_no_aggregator_unless_explained():
    """Every remaining second-hand link is on the short, explained list."""
    from viz import data

    left = sorted(w.message.split("'")[1] for w in data.link_warnings(DATA_DIR))
    assert set(left) <= set(SECOND_HAND_ALLOWED), f"replace these with primary records: {sorted(set(left) - set(SECOND_HAND_ALLOWED))}"
