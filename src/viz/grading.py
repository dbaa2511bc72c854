"""A class's build exercises graded: what ``immunoviz grade`` and ``immunoviz compare`` make.

:func:`grade` reads the result files students saved from a map page (*Save my map*), refuses the
ones it cannot use (each with its reason: malformed, for another map or data version, naming what
the map does not have), and scores the others against the expert map (:mod:`viz.exercise`).
A :class:`ClassResults` then gives the tables (per student, per proposition) as text, the CSV, and
the class page: the map with a heat over its links (how many students did not give each one right)
and the same counts as tables. :func:`comparison_page` is one student's map against the expert's.

Text from result files (names, ids) is untrusted: the pages escape it and the terminal tables show
control characters as escapes. Nothing here writes files (:mod:`viz.export` does).
Educational material, not medical advice.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from viz import exercise, maps, render, style, svg
from viz.exercise import Exercise, Problem, Proposition, Result, ResultError, Score

__all__ = ["ClassResults", "Graded", "comparison_page", "grade", "plain"]

#: The columns of the CSV ``immunoviz grade`` writes, one row per student.
CSV_COLUMNS = (
    "file",
    "student",
    "map",
    "data_version",
    "level",
    "seed",
    "right",
    "other_verb",
    "missing",
    "extra",
    "total",
    "percent",
    "hints",
    "seconds",
)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def plain(text: object) -> str:
    """Text from a file, safe to print on a terminal: control and direction characters as escapes.

    Examples
    --------
    >>> plain("Ada\\x1b[31m \\u202eevil")
    'Ada\\\\x1b[31m \\\\u202eevil'
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ (a formula) gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _clock(seconds: float | None) -> str:
    """``754`` -> ``12:34``; an hour or more as ``1:02:03``."""
    if seconds is None:
        return ""
    s = round(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


@dataclass(frozen=True)
class Graded:
    """One student's result scored against its exercise."""

    result: Result
    exercise: Exercise
    score: Score


@dataclass(frozen=True)
class Tally:
    """How a class did on one proposition: of the students asked it, how many gave it right, partly, not."""

    proposition: Proposition
    asked: int
    right: int
    partial: int
    missing: int

    @property
    def not_right(self) -> float:
        """The share of the students asked who did not give it right (0 to 1)."""
        return (self.partial + self.missing) / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class ClassResults:
    """The graded results of one map, and the files refused with their reasons."""

    problem: Problem
    graded: tuple[Graded, ...]
    refused: tuple[tuple[str, str], ...]

    def tallies(self) -> list[Tally]:
        """Every proposition some student was asked, most missed first (then in the map's order)."""
        counts: dict[Proposition, Counter] = {}
        for g in self.graded:
            for p, verdict, _ in g.score.verdicts:
                counts.setdefault(p, Counter())[verdict] += 1
        order = {p: i for i, p in enumerate(self.problem.propositions)}
        rows = [Tally(p, sum(c.values()), c["right"], c["partial"], c["missing"]) for p, c in counts.items()]
        return sorted(rows, key=lambda t: (-t.not_right, -t.missing, order.get(t.proposition, 0)))

    def student_table(self) -> str:
        """The per-student table, as ``immunoviz grade`` prints it."""
        head = ("student", "level", "seed", "right", "other verb", "missing", "extra", "score", "hints", "time")
        rows = [
            (
                _fit(plain(g.result.name), 28),
                g.exercise.level,
                str(g.exercise.seed),
                f"{g.score.right} of {g.score.total}",
                str(g.score.partial),
                str(g.score.missing),
                str(len(g.score.extra)),
                f"{g.score.percent}%",
                str(g.result.hints),
                _clock(g.result.seconds),
            )
            for g in self.graded
        ]
        return _table(head, rows, left=2)

    def proposition_table(self) -> str:
        """The per-proposition table, most missed first, as ``immunoviz grade`` prints it."""
        head = ("proposition", "asked", "right", "other verb", "missing")
        rows = [
            (_fit(self.problem.sentence(t.proposition), 60), str(t.asked), str(t.right), str(t.partial), str(t.missing))
            for t in self.tallies()
        ]
        return _table(head, rows, left=1)

    def csv(self) -> str:
        """The CSV: one row per student (:data:`CSV_COLUMNS`); text cells that a spreadsheet would run are quoted."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for g in self.graded:
            r, s = g.result, g.score
            row = (r.path, r.name, r.map, r.data_version, r.level, r.seed, s.right, s.partial, s.missing)
            row += (len(s.extra), s.total, s.percent, r.hints, "" if r.seconds is None else round(r.seconds))
            writer.writerow([_cell(v) for v in row])
        return out.getvalue()

    def page(self, ds) -> str:
        """The class page: the map with the heat over its links, then the tables (no script; offline)."""
        net = maps.view_map(ds, self.problem.id)
        tallies = self.tallies()
        marks = {}
        for t in tallies:
            band = _band(t.not_right)
            marks[t.proposition] = {
                "colour": band["colour"],
                "width": band["width"],
                "dashes": False,
                "mark": f"{t.partial + t.missing}/{t.asked}" if t.partial + t.missing else "",
                "title": f"{self.problem.sentence(t.proposition)}: {t.partial + t.missing} of {t.asked} not right",
            }
        picture = Markup(svg.render_map_svg(net, marks=marks))
        percents = [g.score.percent for g in self.graded]
        return render.render_report(
            "class.html",
            title=f"Class results: {self.problem_title(net)}",
            version=self.problem.version,
            disclaimer=net.page.disclaimer,
            picture=picture,
            bands=_bands(),
            tallies=tallies,
            graded=self.graded,
            refused=self.refused,
            problem=self.problem,
            mean=round(sum(percents) / len(percents)) if percents else 0,
            clock=_clock,
        )

    @staticmethod
    def problem_title(net) -> str:
        return str(net.page.title or net.page.id)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], *, left: int) -> str:
    """A plain-text table: the first ``left`` columns flush left, the rest flush right."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in pairs)

    return "\n".join([line(head), *(line(r) for r in rows)]).rstrip() + "\n"


def _band(share: float) -> dict:
    return next(b for b in style.HEAT if share <= b["upto"] + 1e-9)


def _bands() -> list[dict]:
    low = 0.0
    out = []
    for b in style.HEAT:
        out.append({**b, "words": f"{round(100 * low)}–{round(100 * b['upto'])}% not right"})
        low = b["upto"]
    return out


def grade(ds, paths: Sequence[Path | str], *, view: str | None = None) -> ClassResults:
    """Read, check and score result files against one map of a dataset.

    The map is ``view``, or else the one most of the readable files are for (the first of them on a tie).
    A file that cannot be read, or is for another map or data version, or names what the map does not
    have, is refused with its reason; the rest are scored.

    Raises
    ------
    KeyError
        ``view`` (or the files' map) is not a view of the dataset.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from viz import data, exercise, grading
    >>> ds = data.load()
    >>> pb = exercise.view_problem(ds, "checkpoints")
    >>> ex = exercise.exercise(pb, "links", 3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ada.json").write_text(exercise.result_json(pb, ex, ex.scope, student="Ada"))
    >>> _ = (folder / "bad.json").write_text("{")
    >>> results = grading.grade(ds, sorted(folder.glob("*.json")))
    >>> [g.score.summary() for g in results.graded], [why.split(": ", 1)[1] for _, why in results.refused]
    (['15 of 15 propositions'], ['not JSON (Expecting property name enclosed in double quotes)'])
    """
    read: list[Result] = []
    refused: list[tuple[str, str]] = []
    for path in paths:
        try:
            read.append(exercise.read_result(path))
        except ResultError as exc:
            refused.append((str(path), str(exc)))
    if view is None:
        maps_named = Counter(r.map for r in read)
        view = max(maps_named, key=lambda m: (maps_named[m], -[r.map for r in read].index(m))) if read else None
    if view is None:
        return ClassResults(_empty_problem(ds), (), tuple(refused))
    if view not in set(ds.views["id"]):
        raise KeyError(view)
    pb = exercise.view_problem(ds, view)
    graded = []
    for r in read:
        try:
            exercise.check_result(r, pb)
        except ResultError as exc:
            refused.append((r.path, str(exc)))
            continue
        ex = exercise.exercise(pb, r.level, r.seed)
        graded.append(Graded(r, ex, exercise.score(pb, ex, r.propositions)))
    order = {str(p): i for i, p in enumerate(paths)}
    refused.sort(key=lambda f: order.get(f[0], 0))
    return ClassResults(pb, tuple(graded), tuple(refused))


def _at(p: Proposition, placed: dict, blanks: Sequence[str]) -> Proposition | None:
    """The fill level's proposition in the place of the expert's ``p`` (None while a blank is empty)."""
    a, r, b = (placed.get(p[0]) if p[0] in blanks else p[0]), p[1], (placed.get(p[2]) if p[2] in blanks else p[2])
    return (a, r, b) if a and b else None


def _empty_problem(ds) -> Problem:
    return Problem("", str(ds.version), (), {}, (), {}, ())


def comparison_page(ds, result: Result) -> str:
    """One student's map against the expert's, as one page (no script; offline).

    The map is drawn with the student's placements in its blanks; every proposition the exercise asked
    for is marked right, other verb or missing, and the student's extra links are drawn on top. The
    tables after it say the same in words, each proposition with the relation's note and sources.

    Raises
    ------
    ResultError
        The result is for another map or data version, or names what the map does not have.
    """
    if result.map not in set(ds.views["id"]):
        raise ResultError(f"{result.path}: made on the map '{result.map}', which these tables do not have")
    pb = exercise.view_problem(ds, result.map)
    exercise.check_result(result, pb)
    ex = exercise.exercise(pb, result.level, result.seed)
    sc = exercise.score(pb, ex, result.propositions)
    net = maps.view_map(ds, result.map)
    looks = style.VERDICTS
    placed = dict(result.placements) if ex.level == "fill" else {}

    def said(p: Proposition | None) -> str:
        return pb.sentence(p) if p else "—"

    # in the fill level a link stands between two places: with a wrong concept in a blank, it is the
    # student's extra proposition in the place of the expert's missing one, drawn once, as extra
    at_slot = {p: q for p in ex.scope if (q := _at(p, placed, ex.blanks))} if ex.level == "fill" else {}
    marks = {}
    for p, verdict, given in sc.verdicts:
        mine = at_slot.get(p)
        if verdict == "missing" and mine and mine in sc.extra:
            title = f"yours: {pb.sentence(mine)} (extra); the expert’s: {pb.sentence(p)}"
            marks[p] = {**looks["extra"], "title": title}
        else:
            marks[p] = {**looks[verdict], "title": f"{pb.sentence(p)}: {looks[verdict]['word']} (yours: {said(given)})"}
    extra = [
        {**looks["extra"], "from": a, "to": b, "title": f"{pb.sentence((a, r, b))}: extra"}
        for a, r, b in sc.extra
        if ex.level != "fill"
    ]
    labels = {}
    for slot in ex.blanks:
        labels[slot] = f"{pb.label(placed[slot])}" if slot in placed else "(blank)"
    picture = Markup(svg.render_map_svg(net, marks=marks, extra=extra, labels=labels))
    notes = net.page.notes
    sources = net.page.sources
    rows = []
    for p, verdict, given in sc.verdicts:
        note = notes.get(f"{p[0]}|{p[1]}|{p[2]}", {})
        cited = [sources[s] for s in note.get("sources") or () if s in sources]
        rows.append({"expert": pb.sentence(p), "given": said(given), "verdict": verdict, "note": note, "cited": cited})
    return render.render_report(
        "compare.html",
        title=f"{result.name}’s map against the expert’s: {ClassResults.problem_title(net)}",
        version=pb.version,
        disclaimer=net.page.disclaimer,
        picture=picture,
        result=result,
        exercise=ex,
        score=sc,
        rows=rows,
        extra=[pb.sentence(p) for p in sc.extra],
        verdicts=looks,
        placements=[(pb.label(slot), pb.label(c), slot == c) for slot, c in sorted(placed.items())],
        clock=_clock,
    )
