"""The neutral map every reader returns and every writer takes, its limits, and its errors.

A :class:`Map` is what a concept-map file says, in no tool's terms: concepts with a label,
a category (a group, or a colour) and a position; links with a verb; and the list of what the
reader could not carry over (:class:`Dropped`), each with the line of the file it came from.
Positions are centres, in the file's own units, with ``y`` growing downwards (as on a screen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "MAX_BYTES",
    "MAX_CONCEPTS",
    "Concept",
    "Dropped",
    "FileError",
    "Group",
    "Link",
    "Map",
    "clean_text",
    "number",
    "refuse_many",
]

#: The largest file a reader opens, in bytes (a map with images inlined can be a few MB).
MAX_BYTES = 20 * 1024 * 1024
#: The most concepts one map may have (5,000 concepts build and draw: tests/test_hostile.py).
MAX_CONCEPTS = 5_000

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b\ufeff]+")


class FileError(Exception):
    """A file that cannot be read as a map: ``file:line:column: message``, and nothing is written."""

    def __init__(self, name: str, message: str, line: int | None = None, column: int | None = None):
        self.name, self.line, self.column, self.message = name, line, column, message
        where = ":".join(str(p) for p in (name, line, column) if p is not None)
        super().__init__(f"{where}: {message}")


@dataclass
class Concept:
    """One node of a map. ``key`` is the file's own id; ``text`` holds what does not fit in a label."""

    key: str
    label: str
    line: int = 0
    text: str = ""
    group: str | None = None
    colour: str | None = None
    x: float | None = None
    y: float | None = None
    width: float | None = None
    height: float | None = None


@dataclass
class Link:
    """A link from one concept to another, read as "source verb target"."""

    source: str
    target: str
    verb: str = ""
    line: int = 0
    directed: bool = True


@dataclass
class Group:
    """A named set of concepts (a group, a subgraph, a class, a category attribute): it becomes a category."""

    key: str
    label: str
    colour: str | None = None
    line: int = 0


@dataclass
class Dropped:
    """Something in the file that the tables cannot hold, and why."""

    line: int
    what: str


@dataclass
class Map:
    """A concept map as read from one file (or made from one view of our tables)."""

    name: str
    fmt: str
    title: str = ""
    concepts: list[Concept] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)

    def drop(self, line: int, what: str) -> None:
        self.dropped.append(Dropped(line, what))

    @property
    def positioned(self) -> bool:
        """Whether every concept has a position."""
        return bool(self.concepts) and all(c.x is not None and c.y is not None for c in self.concepts)

    def check(self) -> Map:
        """Refuse a map too large to draw; drop the links that name concepts it lacks (saying so)."""
        refuse_many(self.name, len(self.concepts))
        for c in self.concepts:
            c.label = clean_text(c.label)
        keys = {c.key for c in self.concepts}
        kept = []
        for link in self.links:
            missing = [k for k in (link.source, link.target) if k not in keys]
            if missing:
                self.drop(link.line, f"a link to '{clean_text(missing[0])}', which is not a concept of the map")
            else:
                kept.append(link)
        self.links = kept
        return self


def number(value: object) -> float | None:
    """A number written as text, or None (empty, or not a number).

    Examples
    --------
    >>> number("12.5"), number(""), number("wide"), number(None)
    (12.5, None, None, None)
    """
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def refuse_many(name: str, count: int) -> None:
    """Refuse a file of more than :data:`MAX_CONCEPTS` concepts (readers call it before the slow work)."""
    if count > MAX_CONCEPTS:
        raise FileError(
            name, f"{count:,} concepts; the limit is {MAX_CONCEPTS:,} (split the map into several files, one per topic)"
        )


def clean_text(text: object) -> str:
    """Text as one line: control characters and line breaks become spaces, runs of spaces one.

    Examples
    --------
    >>> clean_text("Names:\\nname1\\u2028 name2 ")
    'Names: name1 name2'
    """
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())
