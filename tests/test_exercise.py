"""Build exercises (issue 28): the seeded exercises and the scoring, the same in Python and in the page;
result files read as untrusted input; ``immunoviz grade`` and ``immunoviz compare``."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import pytest
from conftest import immunoviz

from viz import exercise, graph, maps, render
from viz.exercise import Problem, ResultError
from viz.paths import STATIC_DIR

CHECKPOINTS = "checkpoints"


@pytest.fixture(scope="module")
def checkpoints(dataset) -> Problem:
    return exercise.view_problem(dataset, CHECKPOINTS)


# ---------------------------------------------------------------------------
# the exercises


def test_the_same_seed_gives_the_same_exercise_and_another_seed_another(checkpoints):
    for level in exercise.LEVELS:
        assert exercise.exercise(checkpoints, level, 3) == exercise.exercise(checkpoints, level, 3)
    fills = {exercise.exercise(checkpoints, "fill", seed).blanks for seed in range(20)}
    links = {exercise.exercise(checkpoints, "links", seed).hidden for seed in range(20)}
    assert len(fills) == 20 and len(links) == 20, "twenty seeds, twenty different exercises"
    assert exercise.exercise(checkpoints, "fill", 2**32 + 3) == exercise.exercise(checkpoints, "fill", 3)


def test_each_level_asks_for_what_it_hides(checkpoints):
    fill = exercise.exercise(checkpoints, "fill", 3)
    assert len(fill.blanks) == 8  # a quarter of the 32 linked concepts
    assert set(fill.scope) == {p for p in checkpoints.propositions if p[0] in fill.blanks or p[2] in fill.blanks}
    links = exercise.exercise(checkpoints, "links", 3)
    assert len(links.hidden) == 15 and links.scope == links.hidden  # a third of 73 links, at most 15
    assert set(links.hidden) <= set(checkpoints.propositions)
    skeleton = exercise.exercise(checkpoints, "skeleton", 3)
    given = [p for p in checkpoints.propositions if p[0] in skeleton.skeleton and p[2] in skeleton.skeleton]
    assert len(skeleton.scope) + len(given) == len(checkpoints.propositions)
    assert 3 <= len(skeleton.skeleton) <= 8


def test_the_skeleton_is_the_tables_choice_else_the_hubs(tiny_copy, dataset):
    """A course author marks the skeleton in view_concepts.csv's skeleton column; our tables mark none, so a
    map's skeleton is its best-linked concepts."""
    from viz import data

    table = tiny_copy / "view_concepts.csv"
    rows = table.read_text(encoding="utf-8").splitlines()
    marked = ("cd8_t_cell", "checkpoint_inhibitor", "pd1")
    rows = [rows[0] + ",skeleton", *(r + (",true" if r.split(",")[1] in marked else ",") for r in rows[1:])]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tiny = data.load(tiny_copy)
    assert exercise.view_problem(tiny, CHECKPOINTS).skeleton == marked
    payload = render.map_payload(maps.view_map(tiny, CHECKPOINTS))
    assert payload["skeleton"] == list(marked) and payload["id"] == CHECKPOINTS
    g = graph.drawn(graph.view_graph(dataset, CHECKPOINTS))
    degree = dict(g.to_undirected(as_view=True).degree())
    pb = exercise.view_problem(dataset, CHECKPOINTS)
    least = min(degree[c] for c in pb.skeleton)
    assert all(degree[c] <= least for c in set(pb.concepts) - set(pb.skeleton)), "no concept outside is better linked"


# ---------------------------------------------------------------------------
# scoring


def _pb() -> Problem:
    props = (("a", "binds", "b"), ("a", "blocks", "c"), ("b", "activates", "c"), ("c", "is_a", "d"))
    directed = {"binds": False, "blocks": True, "activates": True, "is_a": True}
    return Problem("m", "1", ("a", "b", "c", "d"), {}, props, directed, tuple(directed))


def test_score_right_partial_missing_and_extra():
    pb = _pb()
    ex = exercise.Exercise("links", 0, pb.propositions[:3])  # the fourth proposition is given
    s = exercise.score(
        pb,
        ex,
        [
            ("b", "binds", "a"),  # right: binds has no direction
            ("c", "blocks", "a"),  # partial: the right verb the wrong way round
            ("b", "inhibits", "c"),  # partial: another verb
            ("a", "activates", "d"),  # extra
            ("c", "is_a", "d"),  # the given proposition: neither scored nor extra
        ],
    )
    assert [v for _, v, _ in s.verdicts] == ["right", "partial", "partial"]
    assert s.extra == (("a", "activates", "d"),)
    assert (s.right, s.partial, s.missing, s.total, s.percent) == (1, 2, 0, 3, 67)
    assert s.summary() == "1 of 3 propositions"
    empty = exercise.score(pb, ex, [])
    assert (empty.right, empty.missing, empty.percent) == (0, 3, 0)


def test_a_student_proposition_counts_once():
    """Two expert links between the same concepts, one student link with a third verb: one partial, one missing."""
    props = (("a", "binds", "b"), ("a", "activates", "b"))
    pb = Problem("m", "1", ("a", "b"), {}, props, {"binds": False, "activates": True}, ("binds", "activates"))
    s = exercise.score(pb, exercise.Exercise("links", 0, props), [("a", "blocks", "b"), ("a", "blocks", "b")])
    assert sorted(v for _, v, _ in s.verdicts) == ["missing", "partial"] and s.extra == ()


def test_every_right_answer_scores_100_and_two_wrong_verbs_two_fewer(checkpoints):
    ex = exercise.exercise(checkpoints, "links", 7)
    assert exercise.score(checkpoints, ex, ex.scope).percent == 100
    wrong = [(a, "combined_with" if r != "combined_with" else "binds", b) for a, r, b in ex.scope[:2]]
    s = exercise.score(checkpoints, ex, [*wrong, *ex.scope[2:]])
    assert (s.right, s.partial) == (len(ex.scope) - 2, 2)


def test_fill_wrong_placements_lose_the_propositions_of_their_blanks(checkpoints):
    ex = exercise.exercise(checkpoints, "fill", 3)
    right = {b: b for b in ex.blanks}
    assert exercise.score(checkpoints, ex, exercise.filled(ex, right)).percent == 100
    a, b = ex.blanks[:2]
    swapped = {**right, a: b, b: a}
    s = exercise.score(checkpoints, ex, exercise.filled(ex, swapped))
    touched = {p for p in ex.scope if {p[0], p[2]} & {a, b}}
    assert s.right == len(ex.scope) - len(touched)
    left_out = {**right}
    del left_out[a]
    s = exercise.score(checkpoints, ex, exercise.filled(ex, left_out))
    assert s.missing == sum(a in (p[0], p[2]) for p in ex.scope) and s.extra == ()


# ---------------------------------------------------------------------------
# the page computes the same exercises and scores (static/exercise.js in Chromium)

PARITY_JS = """cases => cases.map(c => {
  const x = window.immunoviz.exercise, pb = x.problem(c.payload);
  return c.runs.map(r => {
    const ex = x.exercise(pb, r.level, r.seed), s = x.score(pb, ex, r.student);
    return {blanks: ex.blanks, hidden: ex.hidden, skeleton: ex.skeleton, scope: ex.scope,
            verdicts: s.verdicts.map(v => [v.verdict, v.given]), extra: s.extra, percent: s.percent};
  });
})"""


def _student(pb: Problem, ex: exercise.Exercise, rng: random.Random) -> list[list[str]]:
    """A made-up student map: some right, some with another verb or reversed, some extra, some left out."""
    out = []
    for a, r, b in ex.scope:
        roll = rng.random()
        if roll < 0.4:
            out.append([a, r, b])
        elif roll < 0.6:
            out.append([a, rng.choice(pb.relations), b])
        elif roll < 0.7:
            out.append([b, r, a])
    for _ in range(3):
        out.append([rng.choice(pb.concepts), rng.choice(pb.relations), rng.choice(pb.concepts)])
    return out


def test_the_page_makes_the_same_exercises_and_scores_as_python(dataset, chromium):
    """Every map, every level, seeds from 0 to 2**32 - 1: the blanks, the scope and the verdicts of made-up
    student maps agree, so `#build=fill&seed=3` on a page opened offline is the exercise `grade` scores.
    (Each map's payload is made as a page's is, at dummy positions: a layout takes seconds and changes nothing
    here.)"""
    from viz import style

    rng = random.Random(28)
    cases, expected = [], []
    pal = style.palette(dataset)
    for view in graph.view_ids(dataset):
        g = graph.view_graph(dataset, view)
        pb = exercise.view_problem(dataset, view)
        runs, want = [], []
        for level in exercise.LEVELS:
            for seed in (0, 1, 3, 12345, 2**31, 2**32 - 1):
                ex = exercise.exercise(pb, level, seed)
                student = _student(pb, ex, rng)
                s = exercise.score(pb, ex, student)
                runs.append({"level": level, "seed": seed, "student": student})
                want.append(
                    {
                        "blanks": list(ex.blanks),
                        "hidden": [list(p) for p in ex.hidden],
                        "skeleton": list(ex.skeleton),
                        "scope": [list(p) for p in ex.scope],
                        "verdicts": [[v, list(q) if q else None] for _, v, q in s.verdicts],
                        "extra": [list(p) for p in s.extra],
                        "percent": s.percent,
                    }
                )
        net = maps.concept_map(g, dict.fromkeys(g.nodes, (0.0, 0.0)), pal=pal)
        cases.append({"payload": render.map_payload(net), "runs": runs})
        expected.append(want)
    hides = graph.view_graph(dataset, "three_es").edges(data="hidden")
    assert any(hidden for _, _, hidden in hides), "a map with links it does not draw is among them"
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.add_script_tag(content=(STATIC_DIR / "exercise.js").read_text(encoding="utf-8"))
        got = page.evaluate(PARITY_JS, cases)
    finally:
        context.close()
    assert len(got) == len(graph.view_ids(dataset)) >= 10
    for view, g, w in zip(graph.view_ids(dataset), got, expected, strict=True):
        assert g == w, view


# ---------------------------------------------------------------------------
# result files


def _write(folder: Path, name: str, body) -> Path:
    path = folder / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


def _valid(pb: Problem, **changes) -> dict:
    ex = exercise.exercise(pb, "links", 3)
    body = json.loads(exercise.result_json(pb, ex, ex.scope, student="Ada", seconds=90))
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{", r":1:2: not JSON \(Expecting property name"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ('{"format": "immunoviz-build", "version": 1, "seed": NaN}', "NaN is not a number JSON allows"),
        ('{"format": "immunoviz-build", "version": 1, "seed": 1' + "0" * 5000 + "}", "not a result file"),
        ("[]", 'no "format": "immunoviz-build"'),
        ({"format": "immunoviz-build", "version": 9}, "result format 9 by a newer immunoviz"),
        ({"format": "immunoviz-build", "version": "1"}, '"version" must be a whole number'),
    ],
    ids=["truncated", "utf16", "deep", "nan", "huge number", "a list", "newer", "version text"],
)
def test_a_malformed_result_file_is_refused_with_its_name_and_why(tmp_path, body, reason):
    path = _write(tmp_path, "student.json", body)
    with pytest.raises(ResultError) as caught:
        exercise.read_result(path)
    assert str(caught.value).startswith(str(path)) and re.search(reason, str(caught.value)), caught.value


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"level": "expert"}, '"level" must be one of fill, links, skeleton'),
        ({"seed": -1}, '"seed" must be a whole number'),
        ({"seed": True}, '"seed" must be a whole number'),
        ({"student": ["x"]}, '"student" must be a text, not a list'),
        ({"student": "x" * 201}, "201 characters long"),
        ({"propositions": {"from": "a"}}, '"propositions" must be a list, not an object'),
        ({"propositions": [{"from": "pd1", "relation": "binds"}]}, "proposition 1's to is not an id: nothing"),
        ({"propositions": [{"from": "<img src=x>", "relation": "binds", "to": "pd1"}]}, 'not an id: "<img src=x>"'),
        ({"map": None}, '"map" is not an id'),
        ({"seconds": "ten"}, '"seconds" must be a number'),
    ],
)
def test_a_result_file_with_a_field_of_the_wrong_kind_is_refused(tmp_path, checkpoints, changes, reason):
    path = _write(tmp_path, "student.json", _valid(checkpoints, **changes))
    with pytest.raises(ResultError, match=re.escape(reason)):
        exercise.read_result(path)


def test_a_result_for_another_map_or_data_version_or_naming_unknown_concepts_is_refused(tmp_path, checkpoints):
    def check(**changes) -> str:
        with pytest.raises(ResultError) as caught:
            exercise.check_result(exercise.read_result(_write(tmp_path, "s.json", _valid(checkpoints, **changes))), pb)
        return str(caught.value)

    pb = checkpoints
    assert "made on the map 'cycle', not 'checkpoints'" in check(map="cycle")
    assert f"made on data version '0.1'; these tables are version '{pb.version}'" in check(dataVersion="0.1")
    unknown = [{"from": "pd1", "relation": "binds", "to": "nope"}]
    assert "names 'nope', which is not a concept of the map 'checkpoints'" in check(propositions=unknown)
    verb = [{"from": "pd1", "relation": "loves", "to": "pdl1"}]
    assert "the verb 'loves', which is not a relation type" in check(propositions=verb)
    good = exercise.read_result(_write(tmp_path, "s.json", _valid(pb)))
    exercise.check_result(good, pb)
    assert good.name == "Ada" and good.seconds == 90


def test_a_file_too_large_is_refused_unread(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (exercise.MAX_BYTES + 1))
    with pytest.raises(ResultError, match="1,000,001 bytes; a result file is at most 1,000,000 bytes"):
        exercise.read_result(path)


# ---------------------------------------------------------------------------
# immunoviz grade: 30 result files (28 students, one malformed, one for another map)


#: How the made-up class answered: student i gives the hidden verb of link j with another verb when
#: (i + j) % 5 == 0, leaves it out when (i * j) % 7 == 3, and else gives it right; student 0 gets all right.
def _answer(i: int, j: int) -> str:
    if i == 0:
        return "right"
    if (i + j) % 5 == 0:
        return "partial"
    if (i * j) % 7 == 3:
        return "missing"
    return "right"


def _class_files(folder: Path, ds, pb: Problem, *, seed: int = 5) -> tuple[list[Path], dict]:
    ex = exercise.exercise(pb, "links", seed)
    files, expected = [], {p: {"right": 0, "partial": 0, "missing": 0} for p in ex.scope}
    for i in range(28):
        props = []
        for j, (a, r, b) in enumerate(ex.scope):
            verdict = _answer(i, j)
            expected[(a, r, b)][verdict] += 1
            if verdict == "right":
                props.append((a, r, b))
            elif verdict == "partial":
                props.append((a, next(v for v in pb.relations if v != r), b))
        body = exercise.result_json(pb, ex, props, student=f"Student {i:02d}", seconds=300 + i)
        files.append(_write(folder, f"s{i:02d}.json", body))
    files.insert(7, _write(folder, "broken.json", '{"format": "immunoviz-build", "version": 1, "map": '))
    cycle = exercise.view_problem(ds, "cycle")
    other = exercise.result_json(cycle, exercise.exercise(cycle, "links", 1), [], student="Elsewhere")
    files.insert(19, _write(folder, "cycle.json", other))
    return files, expected


def test_grade_prints_the_counts_writes_the_csv_and_the_class_page_and_names_the_bad_files(
    capsys, tmp_path, dataset, checkpoints
):
    (tmp_path / "results").mkdir()
    files, expected = _class_files(tmp_path / "results", dataset, checkpoints)
    assert len(files) == 30
    out = tmp_path / "grades"
    code, stdout, stderr = immunoviz(capsys, "grade", *map(str, files), "--out", str(out))
    assert code == 1
    assert "Traceback" not in stderr
    assert f"refused {files[7]}:1:" in stderr and "not JSON" in stderr
    assert f"refused {files[19]}: made on the map 'cycle', not 'checkpoints'" in stderr
    assert stderr.strip().endswith(f"2 of 30 files refused: {files[7]}, {files[19]}")
    assert stdout.startswith("28 students on the map 'checkpoints'")
    # the per-proposition table: each row as the construction of the class says
    rows = {}
    for line in stdout.split("proposition", 1)[1].splitlines()[1:]:
        found = re.match(r"^(.*?)\s{2,}(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", line)
        if found:
            rows[found.group(1)] = tuple(int(found.group(k)) for k in range(2, 6))
    assert len(rows) == len(expected) == 15
    for p, counts in expected.items():
        said = checkpoints.sentence(p)
        said = said if len(said) <= 60 else said[:59] + "…"  # a long one is cut to fit the table
        assert rows[said] == (28, counts["right"], counts["partial"], counts["missing"]), p
    most_missed = max(expected, key=lambda p: expected[p]["partial"] + expected[p]["missing"])
    first = stdout.split("proposition", 1)[1].splitlines()[1]
    assert first.startswith(checkpoints.sentence(most_missed)[:40])
    # per student
    assert re.search(r"^Student 00\s+links\s+5\s+15 of 15\s+0\s+0\s+0\s+100%\s+0\s+5:00$", stdout, re.M)
    table = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8"))))
    assert [r["student"] for r in table] == [f"Student {i:02d}" for i in range(28)]
    for i, r in enumerate(table):
        answers = [_answer(i, j) for j in range(15)]
        assert (int(r["right"]), int(r["other_verb"]), int(r["missing"])) == tuple(
            answers.count(v) for v in ("right", "partial", "missing")
        )
    page = (out / "class.html").read_text(encoding="utf-8")
    assert "Class results: Checkpoints" in page and "script-src &#39;none&#39;" in page and "<svg" in page
    assert "made on the map &#39;cycle&#39;" in page


def test_grade_with_no_usable_file_writes_nothing(capsys, tmp_path):
    bad = _write(tmp_path, "bad.json", "nonsense")
    code, _, err = immunoviz(capsys, "grade", str(bad), "--out", str(tmp_path / "grades"))
    assert code == 1 and "no result file could be graded; nothing was written" in err
    assert not (tmp_path / "grades").exists()


def test_grade_refuses_an_unknown_map(capsys, tmp_path, checkpoints):
    good = _write(tmp_path, "a.json", _valid(checkpoints))
    code, _, err = immunoviz(capsys, "grade", str(good), "--map", "nope", "--out", str(tmp_path / "g"))
    assert code == 1 and "no view 'nope'" in err


def test_grade_csv_and_terminal_show_hostile_names_inertly(capsys, tmp_path, checkpoints):
    """A name that would run as a spreadsheet formula is quoted; terminal escapes are shown, not obeyed."""
    _write(tmp_path, "a.json", _valid(checkpoints, student='=HYPERLINK("http://x")'))
    _write(tmp_path, "b.json", _valid(checkpoints, student="Bob\x1b[2J\u202e"))
    code, out, _ = immunoviz(capsys, "grade", *map(str, sorted(tmp_path.glob("*.json"))), "--out", str(tmp_path / "g"))
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "Bob\\x1b[2J\\u202e" in out
    rows = list(csv.reader(io.StringIO((tmp_path / "g" / "grades.csv").read_text(encoding="utf-8"))))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_compare_writes_the_students_map_against_the_experts(capsys, tmp_path, checkpoints):
    ex = exercise.exercise(checkpoints, "fill", 3)
    a, b = ex.blanks[:2]
    placed = {**{c: c for c in ex.blanks}, a: b, b: a}
    body = exercise.result_json(checkpoints, ex, exercise.filled(ex, placed), student="Ada", placements=placed)
    path = _write(tmp_path, "ada.json", body)
    code, out, err = immunoviz(capsys, "compare", str(path))
    assert out.strip() == f"wrote {tmp_path / 'ada-compare.html'}"
    assert code == 0, err
    page = (tmp_path / "ada-compare.html").read_text(encoding="utf-8")
    s = exercise.score(checkpoints, ex, exercise.filled(ex, placed))
    assert f"<strong>{s.summary()}</strong> right ({s.percent}%)" in page
    assert page.count('<tr><th scope="row">') == len(ex.scope)
    assert f"{checkpoints.label(b)} where {checkpoints.label(a)} belongs: not its place" in page
    other = _write(tmp_path, "old.json", _valid(checkpoints, dataVersion="0.0.1"))
    code, _, err = immunoviz(capsys, "compare", str(other))
    assert code == 1 and f"{other}: made on data version '0.0.1'" in err
    assert not (tmp_path / "old-compare.html").exists()
