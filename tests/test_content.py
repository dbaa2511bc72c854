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
# issue 16: regulators beyond the FDA, the cancer-immunity cycle, new concepts,
# qualified "firsts" and second-hand links

#: The agreed spelling of each authority in events.csv:regulator (one per authority).
REGULATORS = {
    "FDA (US)": "US Food and Drug Administration",
    "European Commission (EU)": "the Commission's decision, after the EMA's opinion",
    "MHLW (Japan)": "Japan's Ministry of Health, Labour and Welfare",
    "NMPA (China)": "China's National Medical Products Administration",
}

#: For each therapy class with a European Commission approval in the tables: the event that
#: must be the earliest EU approval of the class (its own products or its subclasses').
EU_FIRSTS = {
    "checkpoint_inhibitor": "ec-ipilimumab-2011",
    "ctla4_inhibitor": "ec-ipilimumab-2011",
    "pd1_inhibitor": "ec-nivolumab-2015",
    "pdl1_inhibitor": "ec-avelumab-2017",
    "lag3_inhibitor": "ec-relatlimab-nivolumab-2022",
    "adoptive_cell_therapy": "ec-tisagenlecleucel-2018",
    "car_t": "ec-tisagenlecleucel-2018",
    "allogeneic_cell_therapy": "ec-tabelecleucel-2022",
    "bispecific_engager": "ec-catumaxomab-2009",
    "monoclonal_antibody": "ec-rituximab-1998",
    "naked_antibody": "ec-rituximab-1998",
    "antibody_drug_conjugate": "ec-brentuximab-vedotin-2012",
    "oncolytic_virus": "ec-talimogene-laherparepvec-2015",
    "cancer_vaccine": "ec-hpv-vaccine-2006",
    "preventive_vaccine": "ec-hpv-vaccine-2006",
    "therapeutic_vaccine": "ec-sipuleucel-t-2013",
}
#: Therapy classes with no European Commission approval on the timeline, and why.
EU_NOT_ON_TIMELINE = {
    "immunotherapy": "the whole field, not a class",
    "active_immunotherapy": "a family of classes",
    "passive_immunotherapy": "a family of classes",
    "antibody_formats": "a comparison of classes",
    "coleys_toxins": "historical, never authorised",
    "bcg": "older national authorisations; no central EU decision was verified",
    "cytokine_therapy": "IL-2 and interferon were authorised nationally; no EU decision was verified",
    "til_therapy": "no EU authorisation verified for lifileucel",
    "tcr_t": "no EU authorisation verified for afamitresgene autoleucel",
    "mrna_vaccine": "no mRNA cancer vaccine is approved",
    "nk_cell_therapy": "still in clinical trials",
    "donor_lymphocyte_infusion": "a transplant procedure, not an authorised product",
    "autoimmune_car_t": "used outside cancer in studies only",
}
#: The cycle placements review found missing (step 1 antigen release, step 5 infiltration).
CYCLE_PLACEMENTS = [
    ("chemotherapy", "antigen_release"),
    ("radiotherapy", "antigen_release"),
    ("anti_angiogenic", "infiltration"),
]
#: Concepts a lecturer is asked about (issue 16), each linked and placed on a map.
NEW_CONCEPTS = [
    "pdl2",
    "pseudoprogression",
    "hyperprogression",
    "irrc",
    "irecist",
    "ctcae",
    "corticosteroids",
    "steroid_sparing_immunosuppression",
    "nk_cell",
    "nk_cell_therapy",
    "allogeneic_cell_therapy",
    "donor_lymphocyte_infusion",
    "tabelecleucel",
    "antibody_formats",
    "autoimmune_car_t",
]
#: Milestones review found missing (issue 16).
REQUIRED_EVENTS = [
    "fda-pembrolizumab-nsclc-2015",
    "fda-pembrolizumab-nsclc-1l-2016",
    "fda-durvalumab-pacific-2018",
    "checkmate-816-2022",
    "dli-1990",
    "ec-tabelecleucel-2022",
    "three-es",
    "three-es-review-2004",
    "jp-nivolumab-2014",
]

#: A "first" or "only" that claims priority. "first-line" and "first treatment" name a line of treatment.
CLAIM = re.compile(r"\bfirst\b(?![- ]line| treatment)|\b(?:the|its|their) only\b|\bonly approved\b", re.IGNORECASE)
#: Words that say where the claim holds (or that it holds everywhere).
QUALIFIER = re.compile(
    r"\b(?:FDA|US|U\.S\.|United States|EU|European|EMA|Japan|Japanese|MHLW|China|Chinese|"
    r"anywhere|in the world|world's|worldwide|globally)\b"
)
#: Prose columns checked for unqualified claims.
PROSE_COLUMNS = {
    "concepts": ("label", "summary", "detail"),
    "events": ("title", "summary"),
    "biomarkers": ("measures", "method", "use"),
    "combinations": ("label", "rationale", "examples"),
    "side_effects": ("manifestation", "management"),
    "resistance": ("note",),
    "relations": ("note",),
    "steps": ("caption",),
    "views": ("title", "intro"),
}

#: Sources that still link to a listed second-hand host, each with the reason no primary
#: record replaced it. Keep this list short; every entry is a warning in `immunoviz validate`.
SECOND_HAND_ALLOWED: dict[str, str] = {}


def unqualified_claims(text: str) -> list[str]:
    """Sentences of ``text`` that claim a first or an only without saying where."""
    sentences = re.split(r"(?<=[.!?])\s+", text or "")
    return [s for s in sentences if CLAIM.search(s) and not QUALIFIER.search(s)]


def _start(date: str) -> str:
    """Sortable start of a year, month or day date."""
    return (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]


def test_claim_detector_can_fail():
    """The check itself works: a planted unqualified "first" is caught, a qualified one is not."""
    assert unqualified_claims("T-VEC was the first oncolytic virus approved.") == [
        "T-VEC was the first oncolytic virus approved."
    ]
    assert unqualified_claims("Relatlimab is the only approved LAG-3 antibody.")
    assert unqualified_claims("T-VEC was the first oncolytic virus approved in the US.") == []
    assert unqualified_claims("Japan approved nivolumab first, the first PD-1 approval anywhere.") == []
    assert unqualified_claims("Pembrolizumab is a first-line treatment. It works only on some tumours.") == []


def test_every_first_or_only_says_where():
    """Issue 16: every priority claim names the place (FDA, EU, Japan ...) or says 'anywhere'."""
    bad = []
    for table, columns in PROSE_COLUMNS.items():
        for line, row in enumerate(_read(table), start=2):
            for col in columns:
                bad += [f"{table}.csv:{line}:{col}: {s}" for s in unqualified_claims(row.get(col, ""))]
    assert not bad, "claims without a place or qualifier:\n" + "\n".join(bad)


def test_every_approval_names_its_regulator_in_one_spelling():
    """Each approval says which authority decided; the spellings are the agreed ones."""
    events = _read("events")
    missing = [e["id"] for e in events if e["kind"] == "approval" and not e["regulator"].strip()]
    stray = [e["id"] for e in events if e["kind"] != "approval" and e["regulator"].strip()]
    assert not missing, f"approvals without a regulator: {missing}"
    assert not stray, f"a regulator on an event that is not an approval: {stray}"
    unknown = sorted({e["regulator"] for e in events if e["regulator"]} - set(REGULATORS))
    assert not unknown, f"regulator spellings not in REGULATORS: {unknown}"


def _class_of_event() -> dict[str, set[str]]:
    """event id -> the therapy classes it belongs to (its concepts and modality, with their is_a ancestors)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for r in _read("relations"):
        if r["relation"] == "is_a":
            parents[r["from"]].add(r["to"])

    def up(node: str) -> set[str]:
        seen, todo = {node}, [node]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    out = {}
    for e in _read("events"):
        nodes = set(_ids(e["concepts"])) | ({e["modality"]} if e["modality"] else set())
        out[e["id"]] = set().union(*(up(n) for n in nodes)) if nodes else set()
    return out


def test_first_eu_approval_of_each_class():
    """Issue 16: each therapy class with a European Commission approval has its first one on the timeline."""
    events = {e["id"]: e for e in _read("events")}
    classes = _class_of_event()
    eu = [e for e in events.values() if e["kind"] == "approval" and e["regulator"] == "European Commission (EU)"]
    problems = []
    for klass, expected in EU_FIRSTS.items():
        assert expected in events, f"{klass}: event {expected} is missing"
        ev = events[expected]
        if ev["regulator"] != "European Commission (EU)" or ev["kind"] != "approval":
            problems.append(f"{expected} is not a European Commission approval")
        dated = sorted((_start(e["date"]), e["id"]) for e in eu if klass in classes[e["id"]])
        if not dated or dated[0][1] != expected:
            problems.append(f"{klass}: earliest EU approval is {dated[:1]}, expected {expected}")
    assert not problems, "\n".join(problems)


def test_every_therapy_class_is_covered_for_the_eu_or_explained():
    """A new therapy class must get its first EU approval, or a reason why it has none."""
    modalities = {c["id"] for c in _read("concepts") if c["category"] == "modality"}
    unaccounted = sorted(modalities - set(EU_FIRSTS) - set(EU_NOT_ON_TIMELINE))
    assert not unaccounted, f"add the first EU approval, or a reason to EU_NOT_ON_TIMELINE: {unaccounted}"


def test_japan_first_pd1_approval_anywhere():
    """Issue 16: nivolumab in Japan (July 2014) is the first PD-1 approval anywhere, and the timeline shows it."""
    events = {e["id"]: e for e in _read("events")}
    jp = events["jp-nivolumab-2014"]
    assert (jp["kind"], jp["regulator"], jp["date"]) == ("approval", "MHLW (Japan)", "2014-07")
    assert "nivolumab" in _ids(jp["concepts"]) and jp["milestone"] == "true"
    classes = _class_of_event()
    pd1 = sorted(
        (_start(e["date"]), e["id"])
        for e in events.values()
        if e["kind"] == "approval" and "pd1_inhibitor" in classes[e["id"]]
    )
    assert pd1[0][1] == "jp-nivolumab-2014", f"earliest PD-1 approval on the timeline: {pd1[0]}"


def test_cycle_places_conventional_treatments():
    """Chemotherapy and radiotherapy act at antigen release, anti-VEGF at infiltration, and the cycle map shows them."""
    relations = {(r["from"], r["relation"], r["to"]) for r in _read("relations")}
    on_cycle = {v["concept"] for v in _read("view_concepts") if v["view"] == "cycle"}
    for therapy, step in CYCLE_PLACEMENTS:
        assert (therapy, "acts_at", step) in relations, f"{therapy} does not act at {step}"
        assert therapy in on_cycle, f"{therapy} is not on the cycle map"


def test_new_concepts_are_linked_and_placed():
    """The concepts lecturers are asked about exist, have relations and appear on a map."""
    concepts = {c["id"] for c in _read("concepts")}
    linked = {r["from"] for r in _read("relations")} | {r["to"] for r in _read("relations")}
    placed = {v["concept"] for v in _read("view_concepts")}
    missing = [c for c in NEW_CONCEPTS if c not in concepts]
    assert not missing, f"missing concepts: {missing}"
    assert not [c for c in NEW_CONCEPTS if c not in linked], "a new concept has no relation"
    assert not [c for c in NEW_CONCEPTS if c not in placed], "a new concept is on no map"


def test_missing_milestones_are_on_the_timeline():
    events = {e["id"]: e for e in _read("events")}
    assert not [e for e in REQUIRED_EVENTS if e not in events]
    assert events["three-es"]["date"].startswith("2002") and events["three-es-review-2004"]["date"].startswith("2004")
    assert "three Es" in events["three-es-review-2004"]["title"]


def test_story_steps_with_new_concepts_stay_legible():
    """A story step that introduces issue-16 concepts shows at most 8 concepts at once."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    touched: set[tuple[str, str]] = set()
    for v in _read("view_concepts"):
        counts[(v["view"], v["step"])] += 1
        if v["concept"] in NEW_CONCEPTS:
            touched.add((v["view"], v["step"]))
    crowded = {k: counts[k] for k in touched if counts[k] > 8}
    assert not crowded, f"split these steps and caption each part: {crowded}"


def test_validate_reports_an_approval_without_a_regulator(tmp_path):
    """The semantic check names file, row and column, with a hint."""
    import shutil

    from viz import data

    copy = tmp_path / "tiny"
    shutil.copytree(PROJ_ROOT / "tests" / "fixtures" / "tiny", copy)
    path = copy / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith("ipilimumab-survival,"))
    lines[row - 1] = lines[row - 1].replace(",trial,", ",approval,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [str(p) for p in data.validate(copy)]
    assert any(f"events.csv:{row}:regulator: an approval needs its regulator (hint: " in p for p in found), found
    lines[row - 1] = (
        lines[row - 1]
        .replace(",approval,", ",trial,", 1)
        .replace("New England Journal of Medicine,", "New England Journal of Medicine,FDA (US)", 1)
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [str(p) for p in data.validate(copy)]
    assert any(f"events.csv:{row}:regulator: 'FDA (US)' is set, but this event is a trial" in p for p in found), found


def test_a_planted_aggregator_link_warns_but_validates(tmp_path):
    """A source on a drug database or news aggregator is reported as a warning, not an error."""
    import shutil

    from conftest import run_cli

    from viz import data

    copy = tmp_path / "tiny"
    shutil.copytree(PROJ_ROOT / "tests" / "fixtures" / "tiny", copy)
    path = copy / "sources.csv"
    text = path.read_text(encoding="utf-8")
    assert "pmid:1396582" in text
    path.write_text(text.replace("pmid:1396582", "https://www.drugs.com/history/keytruda.html", 1), encoding="utf-8")
    row = next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("pmid-1396582,"))
    assert data.validate(copy) == []  # still valid
    warned = [str(w) for w in data.link_warnings(copy)]
    assert len(warned) == 1 and f"sources.csv:{row}:link: warning: 'pmid-1396582' links to drugs.com" in warned[0]
    assert "(hint: cite the primary record instead" in warned[0]
    result = run_cli("validate", "--data", str(copy))
    assert result.returncode == 0, result.stderr
    assert f"sources.csv:{row}:link: warning: " in result.stdout and "1 warning" in result.stdout
    # a subdomain of a listed host is caught; a look-alike host and non-web links are not
    assert data._aggregator("https://news.drugs.com/x") == "drugs.com"
    assert data._aggregator("https://notdrugs.com/x") is None
    assert data._aggregator("pmid:1396582") is None


def test_second_hand_links_are_only_the_explained_ones():
    """Every remaining aggregator link is on the short, explained list (and the list has no stale entries)."""
    from viz import data

    left = {w.message.split("'")[1] for w in data.link_warnings(DATA_DIR)}
    unexplained = sorted(left - set(SECOND_HAND_ALLOWED))
    stale = sorted(set(SECOND_HAND_ALLOWED) - left)
    assert not unexplained, f"replace these with primary records, or explain them: {unexplained}"
    assert not stale, f"no longer second-hand, remove from SECOND_HAND_ALLOWED: {stale}"


# ---------------------------------------------------------------------------
# issue 29: corrections from the independent check, the primary record for every approval,
# and the history strands

#: Approval events whose regulator record or sponsor release was not found in the material
#: available to the review (docs/content-review.md lists what was searched). Keep this short.
APPROVALS_WITHOUT_PRIMARY_RECORD = {
    "fda-hbv-vaccine-1981": "licence of November 1981; no FDA record or Merck release of it was found, only the NEJM "
    "1982 editorial and the ACIP recommendation of 1982",
}
#: Events added for the history strands of issue 29, by strand.
STRANDS = {
    "widened use": [
        "fda-pembrolizumab-chemo-nsclc-2017",
        "fda-atezolizumab-sclc-2019",
        "fda-atezolizumab-bevacizumab-hcc-2020",
        "fda-avelumab-maintenance-2020",
        "fda-pembrolizumab-tnbc-early-2021",
        "fda-pembrolizumab-cervical-2024",
    ],
    "cytokine era": [
        "fda-interferon-alfa-melanoma-1995",
        "fda-bevacizumab-interferon-2009",
        "atkins-il2-melanoma-1999",
    ],
    "awards": ["nobel-1984", "lasker-2019-herceptin"],
    "japan": ["jp-mogamulizumab-2012", "jp-atezolizumab-2018", "jp-atezolizumab-impower150-2018"],
    "china": ["cn-pembrolizumab-2018"],
}
PRIMARY_KINDS = {"regulator", "sponsor"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _day(text: str) -> str | None:
    """The first 'D Month YYYY' date in ``text``, as YYYY-MM-DD."""
    m = re.search(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b", text)
    return f"{m[3]}-{MONTHS.index(m[2]) + 1:02d}-{int(m[1]):02d}" if m else None


def test_day_parser_reads_a_written_date():
    assert _day("Approved on 3 December 2014 for B-ALL.") == "2014-12-03"
    assert _day("Approved in December 2014.") is None


def test_corrections_from_the_independent_check():
    events = {e["id"]: e for e in _read("events")}
    assert "63%" in events["majestec-1-2022"]["summary"] and "104 of 165" in events["majestec-1-2022"]["summary"]
    assert "39%" in events["spearhead-1-2024"]["summary"] and "17 of 44" in events["spearhead-1-2024"]["summary"]
    assert "to treat cancer" in events["fda-rituximab-1997"]["title"]
    steps = {(s["view"], s["step"]): s["caption"] for s in _read("steps")}
    assert "IL-15" in steps[("vaccines_viruses", "2")] and "IL-15" not in steps[("vaccines_viruses", "6")]
    placed = {v["concept"]: v["step"] for v in _read("view_concepts") if v["view"] == "vaccines_viruses"}
    assert placed["il15"] == placed["nogapendekin_alfa"] == "2"
    relations = {(r["from"], r["relation"], r["to"]): r for r in _read("relations")}
    her2 = relations[("tumour_cell", "expresses", "her2")]["note"]
    assert "30 percent" in her2 and "1987" in her2 and "one in five" in her2
    concepts = {c["id"]: c for c in _read("concepts")}
    assert "non-squamous" in concepts["pdl1_expression"]["detail"]
    # the blinatumomab approval: the event and the relation give the same day, the FDA's
    blin = events["fda-blinatumomab-2014"]
    assert (blin["date"], blin["precision"]) == (_day(relations[("blinatumomab", "treats", "b_all")]["note"]), "day")
    pdl1 = next(b for b in _read("biomarkers") if b["concept"] == "pdl1_expression")
    assert "May 2025" in pdl1["use"] and "June 2025" not in pdl1["use"]
    assert "KEYNOTE-522" in pdl1["use"] and "doi-10-1056-nejmoa1910549" in _ids(pdl1["sources"])


def test_every_approval_cites_its_regulator_or_sponsor():
    """An approval rests on the regulator's own record or the sponsor's own release, not on a copy."""
    kind = {s["id"]: s["kind"] for s in _read("sources")}
    bare = sorted(
        e["id"]
        for e in _read("events")
        if e["kind"] == "approval" and not {kind.get(s) for s in _ids(e["sources"])} & PRIMARY_KINDS
    )
    assert bare == sorted(APPROVALS_WITHOUT_PRIMARY_RECORD), (
        f"approvals without a regulator or sponsor source: {bare}; "
        f"explained in APPROVALS_WITHOUT_PRIMARY_RECORD: {sorted(APPROVALS_WITHOUT_PRIMARY_RECORD)}"
    )


def test_history_strands_are_on_the_timeline():
    events = {e["id"]: e for e in _read("events")}
    kind = {s["id"]: s["kind"] for s in _read("sources")}
    missing = [i for ids in STRANDS.values() for i in ids if i not in events]
    assert not missing, f"missing strand events: {missing}"
    assert {events[i]["kind"] for i in STRANDS["awards"]} == {"award"}
    for i in STRANDS["widened use"] + STRANDS["cytokine era"]:
        e = events[i]
        if e["kind"] == "approval":
            assert e["regulator"] == "FDA (US)", i
            assert {kind[s] for s in _ids(e["sources"])} & PRIMARY_KINDS, f"{i} has no regulator or sponsor source"
    for strand, regulator in (("japan", "MHLW (Japan)"), ("china", "NMPA (China)")):
        for i in STRANDS[strand]:
            e = events[i]
            assert (e["kind"], e["regulator"]) == ("approval", regulator), i
            assert {kind[s] for s in _ids(e["sources"])} & PRIMARY_KINDS, f"{i} has no regulator or sponsor source"
