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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial

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
    "declared",
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


@dataclass
class Chart:
    """A figure with what the site index says about it; the figure is drawn when first asked for."""

    id: str
    title: str
    description: str
    topic: str
    draw: Callable[[], go.Figure] = field(repr=False)

    @cached_property
    def figure(self) -> go.Figure:
        return self.draw()


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
            found.append(Chart(row.id, str(row.title), str(row.description), topic, drawing))
    return found
