"""The core every chart is drawn by (:func:`make_figure`), the :class:`Kind` it asks, and the text
helpers they share.

A kind of chart (``chart`` in charts.csv) is a subclass of :class:`Kind`: made with the
dataset and its front door's options, it prepares what it draws, and then gives its
traces (:meth:`Kind.draw`), its text alternative (:meth:`Kind.words`, :meth:`Kind.table`)
and its layout (:meth:`Kind.layout`). :func:`make_figure` puts them together the same way
for every kind: one template, the title charts.csv declares, and ``layout.meta``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
import plotly.graph_objects as go

from viz.style import palette, plotly_template

__all__ = ["ALL", "INDENT", "TITLE_ROW", "Kind", "Pick", "Span", "declared", "make_figure", "present"]

PRECISION_WORDS = {"year": "known to the year", "month": "known to the month", "day": "exact day"}
#: The value of an explorer's filter that keeps every row.
ALL = "all"
#: A figure's title in a row of its own at the top, above a legend or column names that sit in the top margin
#: (side by side, they met on a 1024 px screen).
TITLE_ROW = {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}}
#: Indents an option under its group in a dropdown (browsers drop leading ordinary spaces).
INDENT = "\u00a0" * 4


def _t(text: object) -> str:
    """Escape table text for plotly, which would otherwise render tags in it."""
    return "" if _missing(text) else html.escape(str(text), quote=False)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value))


def _when(date: str, precision: str) -> str:
    """A date in words, to its precision: "1891", "March 2011" or "25 March 2011"."""
    ts = pd.Timestamp(date if precision == "day" else date + ("-01" if precision == "month" else "-01-01"))
    if precision == "year":
        return f"{ts.year}"
    if precision == "month":
        return ts.strftime("%B %Y")
    return f"{ts.day} {ts.strftime('%B %Y')}"


def _table(caption: str, columns: list[str], rows: list[list[object]]) -> dict:
    """What a chart shows as a table of plain text (the page escapes it), for ``layout.meta["table"]``:
    the chart's text alternative, read in order by keyboard and screen-reader users."""
    return {"caption": caption, "columns": columns, "rows": [["" if v is None else str(v) for v in r] for r in rows]}


def declared(ds, kind: str) -> dict:
    """The first row of charts.csv that declares a chart of ``kind``, as a dict (``{}`` if none).

    Examples
    --------
    >>> from viz import charts, data
    >>> charts.declared(data.load(), "phases")["view"]
    'three_es'
    """
    table = getattr(ds, "charts", None)
    if table is None or table.empty:
        return {}
    rows = table[table["chart"].astype(str) == kind]
    return {} if rows.empty else {k: (None if _missing(v) else v) for k, v in rows.iloc[0].to_dict().items()}


# ---------------------------------------------------------------------------
# what an explorer offers: filters over the rows a chart draws


@dataclass(frozen=True)
class Pick:
    """A dropdown over a chart's rows.

    Its first option keeps every row and reads ``every`` (``{n}``: how many rows). The others are the
    ``(name, value)`` pairs of ``choices(ds, rows)``, each named with the number of rows it keeps:
    ``keep(ds, rows, value)`` marks them (by default, the rows whose ``keyword`` column holds the value).
    """

    keyword: str
    description: str
    every: str
    choices: Callable[[Any, pd.DataFrame], Iterable[tuple[str, str]]]
    keep: Callable[[Any, pd.DataFrame, str], pd.Series] | None = None

    def keeps(self, ds, rows: pd.DataFrame, value: str) -> pd.Series:
        return rows[self.keyword] == value if self.keep is None else self.keep(ds, rows, value)

    def options(self, ds, rows: pd.DataFrame) -> list[tuple[str, str]]:
        counted = ((f"{name} ({int(self.keeps(ds, rows, v).sum())})", v) for name, v in self.choices(ds, rows))
        return [(self.every.format(n=len(rows)), ALL), *counted]


@dataclass(frozen=True)
class Span:
    """A range of whole numbers (years) over a column of a chart's rows, both ends kept."""

    keyword: str
    description: str
    column: str

    def keeps(self, ds, rows: pd.DataFrame, value: tuple[int, int]) -> pd.Series:
        return rows[self.column].between(value[0], value[1])


def _words(value: str) -> str:
    """A category value in words, as a column or a filter names it: "oncolytic-virus" -> "oncolytic virus"; the
    hyphen of a prefix stays ("anti-angiogenic")."""
    return re.sub(r"(?<!\banti)-", " ", value)


def _nice(value: str) -> str:
    """A category value in words, capitalised: "joints-muscles" -> "Joints and muscles", "anti-angiogenic" ->
    "Anti-angiogenic"."""
    return (value.replace("-", " and ") if value == "joints-muscles" else _words(value)).capitalize()


def present(values: pd.Series) -> list[str]:
    """The categories of a column that its rows hold, in category order."""
    return [v for v in values.cat.categories if (values == v).any()]


# ---------------------------------------------------------------------------
# the kinds, and the core that draws them


class Kind:
    """One kind of chart: its name in charts.csv, its default title, what it draws and says, and the
    filters a notebook's explorer offers on it.

    A subclass prepares what it draws when it is made (``Kind(ds, **options)``, the options of
    its front door), and :func:`make_figure` asks it for the rest.
    """

    #: ``chart`` in charts.csv.
    name: ClassVar[str]
    #: The title when charts.csv gives none.
    title: ClassVar[str]
    #: How to read the figure (``layout.meta["description"]``).
    description: ClassVar[str]
    #: The table of the dataset whose rows the chart draws (and an explorer filters).
    rows: ClassVar[str]
    #: The filters an explorer offers, in display order, and what it says when they keep no row
    #: (formatted with their values).
    filters: ClassVar[tuple[Pick | Span, ...]] = ()
    nothing: ClassVar[str] = ""
    #: The keyword of the filter (a :class:`Pick`) whose choices a lecture deck shows a slide each: for a
    #: chart whose labels cannot all be read on one slide. Empty: the deck shows it whole.
    deck_parts: ClassVar[str] = ""

    def __init__(self, ds) -> None:
        self.ds = ds
        self.spec = declared(ds, self.name)
        self.labels: pd.Series = ds.concepts["label"]

    @classmethod
    def options(cls, row) -> dict:
        """Its front door's options from its row of charts.csv (none, unless the row says what to draw)."""
        return {}

    @classmethod
    def has_rows(cls, ds, **options) -> bool:
        """Whether the tables hold anything for it to draw (a chart with nothing to draw gets no page)."""
        return len(getattr(ds, cls.rows)) > 0

    def about(self) -> str:
        """How to read it: :attr:`description` (a kind may let charts.csv's description speak instead)."""
        return self.description

    def meta(self) -> dict:
        """``layout.meta``: how to read it, and its text alternative."""
        return {"description": self.about(), "summary": self.words(), "table": self.table()}

    def draw(self, fig: go.Figure) -> None:
        """Add its traces (and any shapes and annotations) to the empty figure."""
        raise NotImplementedError

    def words(self) -> list[str]:
        """What it shows, in sentences (the chart page's "In words")."""
        raise NotImplementedError

    def table(self) -> dict:
        """What it shows, as a table (the chart page's data table)."""
        raise NotImplementedError

    def layout(self) -> dict:
        """Its own layout: size, axes, legend."""
        return {}


def make_figure(kind: type[Kind], ds, **options) -> go.Figure:
    """The figure of a kind of chart: its traces, the template, the title that charts.csv declares
    (else the kind's), and ``layout.meta`` with how to read it, its summary in words and its table.

    Examples
    --------
    >>> from viz import charts, data
    >>> fig = charts.make_figure(charts.KINDS["biomarkers"], data.load())
    >>> fig.layout.title.text, sorted(fig.layout.meta)
    ('Biomarkers and the therapies they guide', ['description', 'summary', 'table'])
    """
    chart = kind(ds, **options)
    fig = go.Figure()
    chart.draw(fig)
    title = chart.spec.get("figure_title") or chart.spec.get("title") or kind.title
    layout = chart.layout()
    fig.update_layout(
        template=plotly_template(palette(ds)),
        title={"text": _t(str(title)), **layout.pop("title", {})},
        meta=chart.meta(),
        **layout,
    )
    return fig
