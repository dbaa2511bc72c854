"""Build exercises on a map: what a student is asked, how their map is scored, and their result files.

A map's expert propositions are its drawn links, each a *concept - verb - concept* triple
(:class:`Problem`). An exercise (:func:`exercise`) asks for some of them, at one of three levels:

- ``fill``: some concepts are blank; the student puts each blanked concept back in its place;
- ``links``: some links are drawn without their verb; the student picks each verb;
- ``skeleton``: only the skeleton's concepts are drawn, with their links; the student adds the
  other concepts and draws the links between them.

Which concepts or links are blanked is chosen by a seeded generator, so that a lecturer can give a
class the same exercise (``#build=fill&seed=3``). The page computes the exercise itself, in
``static/exercise.js``, which this module mirrors number for number (``tests/test_exercise.py``
runs both and compares them): a page opened from a USB stick needs no server to make exercise 3.

:func:`score` compares a student's propositions with the exercise's, one to one: *right* (the link
with its verb), *partial* (the two concepts linked with another verb, or the wrong way round),
*missing*; the student's other propositions are *extra*. :func:`read_result` reads a result file the
page saved (format :data:`FORMAT`, version :data:`VERSION`, documented in the README), treating it as
untrusted input. Nothing here draws or writes files.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from viz import graph as _graph

__all__ = [
    "FORMAT",
    "LEVELS",
    "VERSION",
    "Exercise",
    "Problem",
    "Result",
    "ResultError",
    "Score",
    "check_result",
    "exercise",
    "filled",
    "problem",
    "read_result",
    "result_json",
    "score",
    "skeleton",
    "view_problem",
]

#: The three levels, from the most scaffolded.
LEVELS = ("fill", "links", "skeleton")
#: What a result file says it is, and the version of its format that this code reads and writes.
FORMAT = "immunoviz-build"
VERSION = 1
#: A result file is small (a map's propositions); anything larger is refused unread.
MAX_BYTES = 1_000_000
#: The longest list of propositions, and the longest text, a result file may hold.
MAX_PROPOSITIONS = 5_000
MAX_TEXT = 200
#: Seeds are 32-bit: ``#build=fill&seed=N`` takes N modulo 2**32, as the page does.
SEED_LIMIT = 2**32
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
_MASK = 0xFFFFFFFF

#: A proposition: (from concept, relation type, to concept).
Proposition = tuple[str, str, str]


# ---------------------------------------------------------------------------
# the seeded generator (mulberry32 seeded by FNV-1a), as static/exercise.js computes it


def _hash(text: str) -> int:
    """FNV-1a over the UTF-16 code units of ``text`` (JavaScript's ``charCodeAt``).

    Examples
    --------
    >>> _hash("checkpoints|fill|3")
    651177252
    """
    h = 0x811C9DC5
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h = ((h ^ (units[i] | units[i + 1] << 8)) * 0x01000193) & _MASK
    return h


class _Generator:
    """mulberry32: 32-bit numbers, the same in Python as in the page's ``Math.imul`` arithmetic."""

    def __init__(self, text: str):
        self.state = _hash(text)

    def next(self) -> int:
        self.state = a = (self.state + 0x6D2B79F5) & _MASK
        t = ((a ^ (a >> 15)) * (a | 1)) & _MASK
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & _MASK
        return (t ^ (t >> 14)) & _MASK

    def below(self, n: int) -> int:
        return self.next() * n >> 32

    def shuffled(self, items: Sequence) -> list:
        a = list(items)
        for i in range(len(a) - 1, 0, -1):
            j = self.below(i + 1)
            a[i], a[j] = a[j], a[i]
        return a


def _round(x: float) -> int:
    """JavaScript's ``Math.round`` (halves up), not Python's (halves to even)."""
    return math.floor(x + 0.5)


# ---------------------------------------------------------------------------
# the map as a problem, and the exercise on it


@dataclass(frozen=True)
class Problem:
    """A map's concepts and expert propositions, in the order both the page and Python sort them.

    ``directed`` says for each relation type whether its direction counts (``binds`` has none);
    ``relations`` are the verbs the map offers (its relation types, in legend order); ``skeleton`` the
    concepts the skeleton level draws (:func:`skeleton`).
    """

    id: str
    version: str
    concepts: tuple[str, ...]
    labels: Mapping[str, str]
    propositions: tuple[Proposition, ...]
    directed: Mapping[str, bool]
    relations: tuple[str, ...]
    relation_labels: Mapping[str, str] = field(default_factory=dict)
    skeleton: tuple[str, ...] = ()

    def label(self, concept: str) -> str:
        return str(self.labels.get(concept, concept))

    def verb(self, relation: str) -> str:
        return str(self.relation_labels.get(relation, relation))

    def sentence(self, p: Proposition) -> str:
        """A proposition in words: "Nivolumab — blocks — PD-1"."""
        return f"{self.label(p[0])} — {self.verb(p[1])} — {self.label(p[2])}"


#: How many of a view's best-linked concepts make its skeleton when the tables mark none.
def _skeleton_size(n: int) -> int:
    return max(3, min(8, _round(n / 6)))


def skeleton(g: nx.MultiDiGraph) -> list[str]:
    """The skeleton of a view's graph: the concepts its ``skeleton`` column marks, else its hubs.

    The hubs are the best-linked concepts (by drawn links; ties by label, then id), one in six of
    the map's concepts, between 3 and 8.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_edges_from([("a", "b"), ("a", "c"), ("a", "d"), ("b", "c")])
    [0, 0, 0, 0]
    >>> skeleton(g)
    ['a', 'b', 'c']
    >>> g.nodes["d"]["skeleton"] = True
    >>> skeleton(g)
    ['d']
    """
    marked = sorted(str(n) for n, on in g.nodes(data="skeleton") if on)
    if marked:
        return marked
    drawn = [(a, b) for a, b, hidden in g.edges(data="hidden") if not hidden and a != b]
    degree = dict.fromkeys(g.nodes, 0)
    for a, b in drawn:
        degree[a] += 1
        degree[b] += 1
    best = sorted(g.nodes, key=lambda n: (-degree[n], str(g.nodes[n].get("label", n)), str(n)))
    return sorted(str(n) for n in best[: _skeleton_size(len(g))])


def problem(g: nx.MultiDiGraph, relations: Mapping[str, tuple[str, bool]]) -> Problem:
    """The problem of a view's graph (:func:`viz.graph.view_graph`): its drawn links as propositions.

    ``relations`` maps each relation type id to its label and whether it is directed, in legend order.

    Examples
    --------
    >>> from viz import data, graph, exercise
    >>> ds = data.load()
    >>> types = {r.id: (r.label, bool(r.directed)) for r in ds.relation_types.itertuples()}
    >>> pb = exercise.problem(graph.view_graph(ds, "checkpoints"), types)
    >>> len(pb.concepts), len(pb.propositions), pb.directed["binds"]
    (32, 73, False)
    """
    props = sorted(
        {(str(a), str(key), str(b)) for a, b, key, hidden in g.edges(keys=True, data="hidden") if not hidden}
    )
    used = {p[1] for p in props}
    return Problem(
        id=str(g.graph.get("id", "map")),
        version=str(g.graph.get("version", "")),
        concepts=tuple(sorted(str(n) for n in g.nodes)),
        labels={str(n): str(g.nodes[n].get("label", n)) for n in g.nodes},
        propositions=tuple(props),
        directed={r: directed for r, (_, directed) in relations.items()},
        relations=tuple(r for r in relations if r in used),
        relation_labels={r: label for r, (label, _) in relations.items()},
        skeleton=tuple(skeleton(g)),
    )


def view_problem(ds, view: str) -> Problem:
    """The problem of one view of a dataset: the map its page draws, as propositions.

    Examples
    --------
    >>> from viz import data, exercise
    >>> pb = exercise.view_problem(data.load(), "checkpoints")
    >>> pb.sentence(pb.propositions[0])
    'Atezolizumab — blocks — PD-L1'
    """
    types = {r.id: (str(r.label), bool(r.directed)) for r in ds.relation_types.itertuples(index=False)}
    return problem(_graph.view_graph(ds, view), types)


@dataclass(frozen=True)
class Exercise:
    """What one exercise asks: at ``level`` with ``seed``, the ``scope`` of expert propositions to supply.

    ``blanks`` are the blanked concepts (fill), ``hidden`` the links drawn without a verb (links),
    ``skeleton`` the concepts drawn from the start (skeleton).
    """

    level: str
    seed: int
    scope: tuple[Proposition, ...]
    blanks: tuple[str, ...] = ()
    hidden: tuple[Proposition, ...] = ()
    skeleton: tuple[str, ...] = ()


def exercise(pb: Problem, level: str, seed: int) -> Exercise:
    """The exercise at ``level`` with ``seed`` on a map, as the page computes it.

    - ``fill``: a quarter of the linked concepts (2 to 12) are blank; the scope is every proposition
      that touches a blank.
    - ``links``: a third of the links (2 to 15) have their verb hidden; they are the scope.
    - ``skeleton``: the skeleton is drawn with its own links; the scope is every other proposition.

    Examples
    --------
    >>> from viz import data, exercise
    >>> pb = exercise.view_problem(data.load(), "checkpoints")
    >>> ex = exercise.exercise(pb, "fill", 3)
    >>> len(ex.blanks), ex == exercise.exercise(pb, "fill", 3), ex == exercise.exercise(pb, "fill", 4)
    (8, True, False)
    """
    if level not in LEVELS:
        raise ValueError(f"no level {level!r}; the levels are {', '.join(LEVELS)}")
    seed = int(seed) % SEED_LIMIT
    rng = _Generator(f"{pb.id}|{level}|{seed}")
    if level == "fill":
        on = {c for a, _, b in pb.propositions if a != b for c in (a, b)}
        candidates = [c for c in pb.concepts if c in on]
        k = min(len(candidates), max(2, min(12, _round(len(candidates) / 4))))
        blanks = tuple(sorted(rng.shuffled(candidates)[:k]))
        scope = tuple(p for p in pb.propositions if p[0] in blanks or p[2] in blanks)
        return Exercise(level, seed, scope, blanks=blanks)
    if level == "links":
        links = [p for p in pb.propositions if p[0] != p[2]]
        m = min(len(links), max(2, min(15, math.ceil(len(links) / 3))))
        hidden = tuple(sorted(rng.shuffled(links)[:m]))
        return Exercise(level, seed, hidden, hidden=hidden)
    given = set(pb.skeleton)
    scope = tuple(p for p in pb.propositions if not (p[0] in given and p[2] in given))
    return Exercise(level, seed, scope, skeleton=tuple(c for c in pb.concepts if c in given))


def filled(ex: Exercise, placed: Mapping[str, str]) -> list[Proposition]:
    """The fill level's propositions when ``placed[blank]`` stands in each blank (unfilled: none).

    Examples
    --------
    >>> ex = Exercise("fill", 0, (("a", "r", "b"), ("b", "r", "c")), blanks=("b",))
    >>> filled(ex, {"b": "c"})
    [('a', 'r', 'c'), ('c', 'r', 'c')]
    """

    def at(slot: str) -> str | None:
        return placed.get(slot) if slot in ex.blanks else slot

    out = []
    for a, r, b in ex.scope:
        x, y = at(a), at(b)
        if x and y:
            out.append((x, r, y))
    return out


# ---------------------------------------------------------------------------
# scoring


@dataclass(frozen=True)
class Score:
    """A student's map against an exercise: a verdict for every proposition in scope, and the extras.

    ``verdicts`` are ``(proposition, verdict, the student's proposition or None)`` in scope order;
    ``percent`` counts a partial as half.
    """

    verdicts: tuple[tuple[Proposition, str, Proposition | None], ...]
    extra: tuple[Proposition, ...]
    right: int
    partial: int
    missing: int
    total: int
    percent: int

    def summary(self) -> str:
        """The score as the page says it: "14 of 18 propositions"."""
        return f"{self.right} of {self.total} proposition{'s' if self.total != 1 else ''}"


def score(pb: Problem, ex: Exercise, student: Iterable[Sequence[str]]) -> Score:
    """Score a student's propositions against an exercise (as ``static/exercise.js`` does).

    Each expert proposition in scope takes, first, a student proposition that says the same (an
    undirected verb either way round): *right*; then one that links the same two concepts otherwise:
    *partial*; else it is *missing*. A student proposition left over is *extra*, unless it is one of
    the expert's that the exercise gave.

    Examples
    --------
    >>> pb = Problem("m", "1", ("a", "b", "c"), {}, (("a", "binds", "b"), ("b", "blocks", "c")),
    ...              {"binds": False, "blocks": True}, ("binds", "blocks"))
    >>> ex = exercise(pb, "links", 0)
    >>> s = score(pb, ex, [("b", "binds", "a"), ("c", "blocks", "b"), ("a", "blocks", "c")])
    >>> [v for _, v, _ in s.verdicts], s.extra, s.summary(), s.percent
    (['right', 'partial'], (('a', 'blocks', 'c'),), '1 of 2 propositions', 75)
    """
    mine = sorted({(str(p[0]), str(p[1]), str(p[2])) for p in student})
    used = [False] * len(mine)
    found: list[tuple[str, Proposition | None] | None] = []
    for a, r, b in ex.scope:
        hit = None
        for i, q in enumerate(mine):
            if used[i] or q[1] != r:
                continue
            if (q[0], q[2]) == (a, b) or (not pb.directed.get(r, True) and (q[0], q[2]) == (b, a)):
                used[i] = True
                hit = ("right", q)
                break
        found.append(hit)
    for j, (a, _, b) in enumerate(ex.scope):
        if found[j]:
            continue
        hit = ("missing", None)
        for i, q in enumerate(mine):
            if not used[i] and {q[0], q[2]} == {a, b}:
                used[i] = True
                hit = ("partial", q)
                break
        found[j] = hit
    expert = set(pb.propositions)
    extra = tuple(q for i, q in enumerate(mine) if not used[i] and q not in expert)
    verdicts = tuple((p, v, q) for p, (v, q) in zip(ex.scope, found, strict=True))
    counts = {k: sum(v == k for _, v, _ in verdicts) for k in ("right", "partial", "missing")}
    total = len(ex.scope)
    points = counts["right"] + counts["partial"] / 2
    return Score(verdicts, extra, **counts, total=total, percent=_round(100 * points / total) if total else 100)


# ---------------------------------------------------------------------------
# result files


class ResultError(ValueError):
    """A result file that cannot be used; the message names the file and says why."""


@dataclass(frozen=True)
class Result:
    """A student's saved work: which exercise on which map and data version, and their propositions.

    ``placements`` (fill: blank -> the concept put there) and ``concepts`` (skeleton: the concepts
    added) say where the student's concepts stand; ``seconds`` is the time taken, ``hints`` how many
    propositions the student asked the page to show.
    """

    path: str
    map: str
    data_version: str
    level: str
    seed: int
    propositions: tuple[Proposition, ...]
    student: str = ""
    seconds: float | None = None
    saved: str = ""
    placements: Mapping[str, str] = field(default_factory=dict)
    concepts: tuple[str, ...] = ()
    hints: int = 0

    @property
    def name(self) -> str:
        """Who saved it: the name the student gave, else the file's name."""
        return self.student or Path(self.path).stem


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _text(obj: dict, key: str, where: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ResultError(f'{where}: "{key}" must be a text, not {_kind(value)}')
    if len(value) > limit:
        raise ResultError(f'{where}: "{key}" is {len(value)} characters long; at most {limit}')
    return value


def _kind(value) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "a text", list: "a list", dict: "an object"}[
        type(value)
    ]


def _id(value, where: str, what: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        shown = json.dumps(value, ensure_ascii=True)[:60] if isinstance(value, str) else _kind(value)
        raise ResultError(f"{where}: {what} is not an id: {shown}")
    return value


def read_result(path: Path | str) -> Result:
    """Read and check a result file saved by the page: untrusted input, so every field is checked.

    Raises
    ------
    ResultError
        With a message that starts with the file's path and says what is wrong: too large, not UTF-8,
        not JSON (with its line and column), not a result file, a newer format, or a field of the wrong
        kind. It does not check the file against a map: see :func:`check_result`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ada.json"
    >>> _ = p.write_text('{"format": "immunoviz-build", "version": 1, "map": "checkpoints", "dataVersion": "1",'
    ...                  ' "level": "links", "seed": 3, "propositions": [{"from": "a", "relation": "r", "to": "b"}]}')
    >>> read_result(p).propositions
    (('a', 'r', 'b'),)
    >>> _ = p.write_text('{"format": "immunoviz-build", "version": 2}')
    >>> read_result(p)
    Traceback (most recent call last):
    ...
    viz.exercise.ResultError: ...ada.json: saved in result format 2 by a newer immunoviz; this one reads format 1 ...
    """
    where = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise ResultError(f"{where}: {size:,} bytes; a result file is at most {MAX_BYTES:,} bytes")
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ResultError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResultError(f"{where}: not UTF-8 text (byte {exc.start + 1})") from None
    try:
        obj = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ResultError(f"{where}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise ResultError(f"{where}: not a result file (its JSON nests too deeply)") from None
    except ValueError as exc:  # NaN, Infinity, a number too long to read
        raise ResultError(f"{where}: not a result file ({exc})") from None
    return _result(obj, where)


def _result(obj, where: str) -> Result:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ResultError(f'{where}: not an immunoviz result file (it has no "format": "{FORMAT}")')
    version = obj.get("version")
    if type(version) is not int or version < 1:
        raise ResultError(f'{where}: "version" must be a whole number (this immunoviz writes {VERSION})')
    if version > VERSION:
        raise ResultError(
            f"{where}: saved in result format {version} by a newer immunoviz; this one reads format {VERSION} "
            "(update immunoviz)"
        )
    level = obj.get("level")
    if level not in LEVELS:
        raise ResultError(f'{where}: "level" must be one of {", ".join(LEVELS)}')
    seed = obj.get("seed")
    if type(seed) is not int or not 0 <= seed < SEED_LIMIT:
        raise ResultError(f'{where}: "seed" must be a whole number from 0 to {SEED_LIMIT - 1}')
    seconds = obj.get("seconds")
    if seconds is not None and (type(seconds) not in (int, float) or not 0 <= seconds < 10**8):
        raise ResultError(f'{where}: "seconds" must be a number of seconds')
    hints = obj.get("hints", 0)
    if type(hints) is not int or not 0 <= hints <= MAX_PROPOSITIONS:
        raise ResultError(f'{where}: "hints" must be a whole number of hints')
    props = obj.get("propositions")
    if not isinstance(props, list):
        raise ResultError(f'{where}: "propositions" must be a list, not {_kind(props)}')
    if len(props) > MAX_PROPOSITIONS:
        raise ResultError(f"{where}: {len(props):,} propositions; at most {MAX_PROPOSITIONS:,}")
    found = []
    for i, p in enumerate(props, start=1):
        if not isinstance(p, dict):
            raise ResultError(f"{where}: proposition {i} must be an object with from, relation and to")
        found.append(tuple(_id(p.get(k), where, f"proposition {i}'s {k}") for k in ("from", "relation", "to")))
    placements = obj.get("placements", {})
    if not isinstance(placements, dict) or len(placements) > MAX_PROPOSITIONS:
        raise ResultError(f'{where}: "placements" must be an object (blank -> concept)')
    placed = {_id(k, where, "a blank"): _id(v, where, f"the concept placed at {k}") for k, v in placements.items()}
    concepts = obj.get("concepts", [])
    if not isinstance(concepts, list) or len(concepts) > MAX_PROPOSITIONS:
        raise ResultError(f'{where}: "concepts" must be a list of concept ids')
    return Result(
        path=where,
        map=_id(obj.get("map"), where, '"map"'),
        data_version=_text(obj, "dataVersion", where),
        level=level,
        seed=seed,
        propositions=tuple(found),
        student=_text(obj, "student", where, required=False),
        seconds=None if seconds is None else float(seconds),
        saved=_text(obj, "saved", where, required=False, limit=64),
        placements=placed,
        concepts=tuple(_id(c, where, "an added concept") for c in concepts),
        hints=hints,
    )


def check_result(result: Result, pb: Problem) -> None:
    """Refuse a result for another map or data version, or one naming what the map does not have.

    Raises
    ------
    ResultError
        Naming the file and the reason.
    """
    where = result.path
    if result.map != pb.id:
        raise ResultError(f"{where}: made on the map '{result.map}', not '{pb.id}'")
    if result.data_version != pb.version:
        raise ResultError(
            f"{where}: made on data version '{result.data_version}'; these tables are version '{pb.version}' "
            "(the map may have changed: grade it with the tables it was made on)"
        )
    concepts, relations = set(pb.concepts), set(pb.directed)
    for i, (a, r, b) in enumerate(result.propositions, start=1):
        for c in (a, b):
            if c not in concepts:
                raise ResultError(f"{where}: proposition {i} names '{c}', which is not a concept of the map '{pb.id}'")
        if r not in relations:
            raise ResultError(f"{where}: proposition {i} names the verb '{r}', which is not a relation type")
    for slot, c in result.placements.items():
        if slot not in concepts or c not in concepts:
            raise ResultError(f"{where}: a placement names a concept that is not on the map '{pb.id}'")
    for c in result.concepts:
        if c not in concepts:
            raise ResultError(f"{where}: added concept '{c}' is not a concept of the map '{pb.id}'")


def result_json(
    pb: Problem,
    ex: Exercise,
    propositions: Iterable[Sequence[str]],
    *,
    student: str = "",
    seconds: float | None = None,
    saved: str = "",
    placements: Mapping[str, str] | None = None,
    concepts: Iterable[str] = (),
    hints: int = 0,
) -> str:
    """A result file's text, as the page's *Save my map* writes it (with the score it showed).

    Examples
    --------
    >>> pb = Problem("m", "1", ("a", "b"), {}, (("a", "binds", "b"),), {"binds": False}, ("binds",))
    >>> text = result_json(pb, exercise(pb, "links", 0), [("a", "binds", "b")], seconds=61)
    >>> json.loads(text)["score"]
    {'extra': 0, 'missing': 0, 'partial': 0, 'percent': 100, 'right': 1, 'total': 1}
    """
    props = [tuple(p) for p in propositions]
    s = score(pb, ex, props)
    body = {
        "format": FORMAT,
        "version": VERSION,
        "map": pb.id,
        "dataVersion": pb.version,
        "level": ex.level,
        "seed": ex.seed,
        "student": student,
        "seconds": seconds,
        "saved": saved,
        "propositions": [{"from": a, "relation": r, "to": b} for a, r, b in props],
        "placements": dict(placements or {}),
        "concepts": list(concepts),
        "hints": hints,
        "score": {
            "right": s.right,
            "partial": s.partial,
            "missing": s.missing,
            "extra": len(s.extra),
            "total": s.total,
            "percent": s.percent,
        },
    }
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
