"""Tables -> plotly figures. Pure: every ``*_figure(ds, *, ...)`` returns a figure
and never shows or writes it (:mod:`viz.export` writes, :mod:`viz.notebook` shows).

In the manner of plotly express: each figure function is a thin front door to one core,
:func:`make_figure`, which asks a kind of chart (a :class:`Kind`, one per ``chart`` of
charts.csv, all in :data:`KINDS`) for its traces, its text alternative and its layout.
A kind also names the filters a notebook's explorer offers on it (:mod:`viz.widgets`).
The kinds live by family: ``timeline``, ``bars`` (approvals, side effects), ``matrices``
(combinations, biomarkers) and ``flows`` (resistance, phases).

All figures share one template (:func:`viz.style.plotly_template`) and the
category colours of the maps. Text from the tables is HTML-escaped before it
reaches plotly, which renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial

import pandas as pd
import plotly.graph_objects as go

from viz.charts._core import ALL, INDENT, Kind, Pick, Span, declared, make_figure
from viz.charts._core import _t as _t  # the history page and the tests escape and date text as the charts do
from viz.charts._core import _when as _when
from viz.charts.bars import Approvals, SideEffects, approvals_figure, side_effects_figure
from viz.charts.flows import RESISTANCE_CLASSES, Phases, Resistance, phases_figure, resistance_figure
from viz.charts.matrices import Biomarkers, Combinations, biomarkers_figure, combinations_figure
from viz.charts.timeline import KIND_STYLE, Timeline, timeline_figure

__all__ = [
    "ALL",
    "INDENT",
    "KINDS",
    "KIND_STYLE",
    "RESISTANCE_CLASSES",
    "Chart",
    "Kind",
    "Pick",
    "Span",
    "approvals_figure",
    "biomarkers_figure",
    "combinations_figure",
    "deck_parts",
    "declared",
    "filtered_figure",
    "make_figure",
    "phases_figure",
    "resistance_figure",
    "side_effects_figure",
    "site_charts",
    "timeline_figure",
]

#: Every kind of chart, by its name in charts.csv (the ``chart`` column).
KINDS: dict[str, type[Kind]] = {
    kind.name: kind for kind in (Timeline, Approvals, Phases, Resistance, Combinations, SideEffects, Biomarkers)
}


def filtered_figure(kind: type[Kind], ds, **values) -> go.Figure | None:
    """The figure of ``kind`` drawn from the rows its filters keep, each given its value by keyword (left out or
    :data:`ALL`: every row), or ``None`` when they keep no row.

    Examples
    --------
    >>> from viz import charts, data
    >>> fig = charts.filtered_figure(charts.Resistance, data.load(), resistance_class="adaptive")
    >>> fig.layout.meta["summary"][0].startswith("9 resistance mechanisms")
    True
    """
    rows = getattr(ds, kind.rows)
    keep = pd.Series(True, index=rows.index)
    for f in kind.filters:
        value = values.get(f.keyword, ALL)
        if value != ALL:
            keep &= f.keeps(ds, rows, value)
    if not keep.any():
        return None
    return make_figure(kind, dataclasses.replace(ds, tables={**ds.tables, kind.rows: rows[keep]}))


def deck_parts(kind: type[Kind], ds) -> list[tuple[str, str, go.Figure]]:
    """``[(name, value, figure)]``: a chart too dense for one slide as a deck shows it, one figure for each choice
    of its kind's :attr:`Kind.deck_parts` filter that keeps a row (none: the deck shows it whole).

    Examples
    --------
    >>> from viz import charts, data
    >>> [(name, value) for name, value, _ in charts.deck_parts(charts.Resistance, data.load())][0]
    ('Class of resistance: Primary', 'primary')
    """
    pick = next((f for f in kind.filters if f.keyword == kind.deck_parts), None)
    if not isinstance(pick, Pick):
        return []
    rows = getattr(ds, kind.rows)
    drawn = [
        (name, value, filtered_figure(kind, ds, **{pick.keyword: value})) for name, value in pick.choices(ds, rows)
    ]
    return [(f"{pick.description} {name}", value, fig) for name, value, fig in drawn if fig is not None]


@dataclass
class Chart:
    """A figure with what the site index says about it; the figure is drawn when first asked for, and so are
    its parts (:func:`deck_parts`: a figure for each slide of a deck, when it is too dense for one)."""

    id: str
    title: str
    description: str
    topic: str
    draw: Callable[[], go.Figure] = field(repr=False)
    draw_parts: Callable[[], list[tuple[str, str, go.Figure]]] = field(default=list, repr=False)

    @cached_property
    def figure(self) -> go.Figure:
        return self.draw()

    @cached_property
    def parts(self) -> list[tuple[str, str, go.Figure]]:
        return self.draw_parts()


def site_charts(ds, ids: Iterable[str] | None = None) -> list[Chart]:
    """The charts that charts.csv declares, in its order, less those with nothing to draw (only ``ids``, if given:
    the tables of the others are not read).

    A chart whose tables are empty (a timeline without events, resistance pathways
    without rows in resistance.csv) gets no page, picture or index card. Its topic
    is the heading of its section on the index (``title`` in topics.csv).

    Examples
    --------
    >>> from viz import charts, data
    >>> [c.id for c in charts.site_charts(data.load())][:3]
    ['timeline', 'approvals', 'three-es']
    """
    topics = ds.topics["title"]
    found = []
    wanted = None if ids is None else set(ids)
    for row in ds.charts.itertuples(index=False):
        if wanted is not None and row.id not in wanted:
            continue
        kind = KINDS[str(row.chart)]
        options = kind.options(row)
        if kind.has_rows(ds, **options):
            topic = str(topics.get(row.topic, row.topic))
            drawing = partial(make_figure, kind, ds, **options)
            parts = partial(deck_parts, kind, ds) if not options else list  # parts of the whole table only
            found.append(Chart(row.id, str(row.title), str(row.description), topic, drawing, parts))
    return found
