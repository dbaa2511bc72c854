"""What is wrong with a dataset, located as ``file:row:column``, and the report that collects it.

Every pass of the validation adds to one :class:`Report`: problems (the data cannot be
used) and warnings (it can, but a reader deserves better). Rows are numbered as in a
spreadsheet: the header is row 1.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TABLES", "WARNING", "DataError", "Problem", "Report"]

#: The tables of a dataset, in the order problems are reported.
TABLES = (
    "sources",
    "categories",
    "relation_types",
    "concepts",
    "relations",
    "events",
    "resistance",
    "combinations",
    "side_effects",
    "biomarkers",
    "topics",
    "views",
    "view_concepts",
    "steps",
    "charts",
    "decks",
)
#: How a warning's message starts (``data/sources.csv:12:link: warning: ...``).
WARNING = "warning: "


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible.

    Examples
    --------
    >>> from viz import data
    >>> str(data.Problem("data/events.csv", 41, "date", "'2010-01-01' does not match its precision", "write 2010"))
    "data/events.csv:41:date: '2010-01-01' does not match its precision (hint: write 2010)"
    """

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    hint: str = ""

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
            if self.column:
                parts.append(self.column)
        elif self.column:
            parts.append(f"1:{self.column}")
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return one_line(f"{text} (hint: {self.hint})" if self.hint else text)


#: Characters that would break a problem's line (or hide in it): control characters and line separators.
_INVISIBLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """A problem stays on one line, whatever the table held: such characters are shown as escapes."""
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class DataError(Exception):
    """The data cannot be used; :attr:`problems` lists every reason."""

    def __init__(self, problems: Iterable[Problem], data_dir: Path | str = ""):
        self.problems = list(problems)
        self.data_dir = Path(data_dir)
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in {self.data_dir}")

    def report(self) -> str:
        """All problems, one per line, then a summary line."""
        lines = [str(p) for p in self.problems]
        lines.append(f"{self.args[0]}; nothing was written.")
        return "\n".join(lines)


def clip(value: object, n: int = 60) -> str:
    """A cell quoted in a message: on one line, and cut to ``n`` characters."""
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def display(path: Path) -> str:
    """A path as a problem names it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class Report:
    """The problems and warnings of the dataset in ``root``, as the passes find them.

    ``ids`` holds each table's ids once they are known, so that a hint can suggest the
    id that was probably meant (:meth:`suggest`). ``left_out`` holds, for each table read in part
    (a row of the wrong length or with an over-long cell is reported and left out, and the table's
    other rows are still checked), the ids those rows were given: a reference to one is not reported
    again as an unknown id.
    """

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.ids: dict[str, list[str]] = {}
        self.left_out: dict[str, list[str]] = {}

    def file(self, name: str) -> str:
        """How problems name a table's file."""
        return display(self.root / f"{name}.csv")

    def add(self, name: str, row: int | None, column: str | None, message: str, hint: str = "") -> None:
        """A problem in table ``name`` (or in the file ``name`` when it is not a table)."""
        self.problems.append(Problem(self.file(name) if name in TABLES else name, row, column, message, hint))

    def warn(self, name: str, row: int | None, column: str | None, message: str, hint: str = "") -> None:
        """A warning in table ``name``: reported, but the data stays usable."""
        self.warnings.append(Problem(self.file(name), row, column, WARNING + message, hint))

    def suggest(self, table: str, value: str) -> str:
        """A hint for an id that is not in ``table``: the closest ids, or how to add it."""
        close = difflib.get_close_matches(value, self.ids.get(table, []), n=3)
        if close:
            return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        return f"add a row with that id to {table}.csv, or fix the spelling"

    def sorted(self, found: list[Problem]) -> list[Problem]:
        """``found`` without repeats, in table order, then by row and column."""
        order = {self.file(n): i for i, n in enumerate(TABLES)}
        unique = list(dict.fromkeys(found))
        unique.sort(key=lambda p: (order.get(p.file, -1), p.row or 0, p.column or ""))
        return unique
