"""Tables -> plotly figures. Pure: every ``*_figure(ds, *, ...)`` returns a figure
and never shows or writes it (:mod:`viz.export` writes, :mod:`viz.notebook` shows).

All figures share one template (:func:`viz.style.plotly_template`) and the
category colours of the maps. Text from the tables is HTML-escaped before it
reaches plotly, which renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from viz.style import INK, MUTED, palette, plotly_template

__all__ = ["Chart", "site_charts", "timeline_figure"]

#: Event kinds: colour (Okabe-Ito) and marker symbol, so kind never rests on colour alone.
KIND_STYLE = {
    "discovery": ("#E69F00", "diamond"),
    "publication": ("#56B4E9", "square"),
    "trial": ("#009E73", "triangle-up"),
    "approval": ("#0072B2", "circle"),
    "award": ("#D55E00", "star"),
    "guideline": ("#CC79A7", "hexagon"),
}
PRECISION_WORDS = {"year": "known to the year", "month": "known to the month", "day": "exact day"}


def _t(text: object) -> str:
    """Escape table text for plotly, which would otherwise render tags in it."""
    return "" if text is None or (not isinstance(text, str) and pd.isna(text)) else html.escape(str(text), quote=False)


def _when(date: str, precision: str) -> str:
    ts = pd.Timestamp(date if precision == "day" else date + ("-01" if precision == "month" else "-01-01"))
    if precision == "year":
        return f"{ts.year}"
    if precision == "month":
        return ts.strftime("%B %Y")
    return f"{ts.day} {ts.strftime('%B %Y')}"


@dataclass(frozen=True)
class Chart:
    """A figure with what the site index says about it."""

    id: str
    title: str
    description: str
    topic: str
    figure: go.Figure


def timeline_figure(
    ds,
    *,
    kinds: list[str] | None = None,
    modality: str | None = None,
    years: tuple[int, int] | None = None,
    label_milestones: bool = True,
) -> go.Figure:
    """The dated history of immunotherapy.

    One lane per modality (events with none go to "Science and general");
    colour and marker by kind. Events known only to the year or month are
    drawn as a bar across that period with an open marker at its middle, so
    they never look as if they happened on the 1st. Milestones are labelled.

    Parameters
    ----------
    ds
        A :class:`viz.data.Dataset`.
    kinds, modality, years
        Optional filters: event kinds, one modality concept id, and an
        inclusive ``(first, last)`` year range.
    label_milestones
        Label the events marked as milestones.

    Returns
    -------
    plotly.graph_objects.Figure
        ``layout.meta`` holds a plain-language summary (``summary``) and the
        number of events drawn (``n_events``).
    """
    ev = ds.events.copy()
    if kinds:
        ev = ev[ev["kind"].astype(str).isin(kinds)]
    if modality:
        ev = ev[ev["modality"] == modality]
    if years:
        ev = ev[(ev["year"] >= years[0]) & (ev["year"] <= years[1])]
    labels = ds.concepts["label"]
    general = "Science and general"
    ev["lane"] = [labels.get(m, general) if isinstance(m, str) else general for m in ev["modality"]]
    lane_order = [
        general,
        *sorted({x for x in ev["lane"] if x != general}, key=lambda lane: ev.loc[ev["lane"] == lane, "start"].min()),
    ]
    sources = ds.sources
    fig = go.Figure()
    for kind, (colour, symbol) in KIND_STYLE.items():
        sub = ev[ev["kind"].astype(str) == kind]
        if sub.empty:
            continue
        spans_x, spans_y = [], []
        for row in sub.itertuples(index=False):
            if row.precision != "day":
                spans_x += [row.start.strftime("%Y-%m-%d"), row.end.strftime("%Y-%m-%d"), None]
                spans_y += [row.lane, row.lane, None]
        if spans_x:
            fig.add_trace(
                go.Scatter(
                    x=spans_x,
                    y=spans_y,
                    mode="lines",
                    line={"color": colour, "width": 7},
                    opacity=0.45,
                    legendgroup=kind,
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{kind} (span)",
                )
            )
        mids = [(row.start + (row.end - row.start) / 2).strftime("%Y-%m-%d") for row in sub.itertuples()]
        hover = []
        for row in sub.itertuples(index=False):
            cites = "<br>".join("Source: " + _t(sources.at[s, "citation"]) for s in row.sources if s in sources.index)
            hover.append(
                f"<b>{_t(row.title)}</b><br>{_when(row.date, row.precision)} ({PRECISION_WORDS[row.precision]})"
                f" · {_t(row.venue)}<br>{_t(row.summary)}<br><i>{cites}</i>"
            )
        fig.add_trace(
            go.Scatter(
                x=mids,
                y=list(sub["lane"]),
                mode="markers",
                name=kind.capitalize(),
                legendgroup=kind,
                marker={
                    "symbol": [symbol if p == "day" else f"{symbol}-open" for p in sub["precision"]],
                    "size": 13,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                customdata=list(sub["id"]),
                hovertext=hover,
                hoverinfo="text",
            )
        )
    if label_milestones:
        for i, row in enumerate(ev[ev["milestone"]].itertuples(index=False)):
            mid = (row.start + (row.end - row.start) / 2).strftime("%Y-%m-%d")
            fig.add_annotation(
                x=mid,
                y=row.lane,
                text=_t(row.title),
                showarrow=True,
                arrowhead=0,
                arrowcolor=MUTED,
                ax=0,
                ay=-34 if i % 2 == 0 else 34,
                font={"size": 12, "color": INK},
                bgcolor="rgba(255,255,255,0.85)",
                bordercolor=MUTED,
                borderwidth=1,
            )
    first, last = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else (1890, 2030)
    n_open = int((ev["precision"] != "day").sum())
    summary = [
        f"{len(ev)} events from {first} to {last}.",
        *[
            f"{(ev['kind'].astype(str) == k).sum()} {k} events."
            for k in KIND_STYLE
            if (ev["kind"].astype(str) == k).any()
        ],
        f"{n_open} events are known only to the month or year; they are drawn as bars with open markers.",
        *[f"{r.date}: {r.title}." for r in ev[ev["milestone"]].itertuples(index=False)],
    ]
    fig.update_layout(
        template=plotly_template(palette(ds)),
        title={"text": "A history of cancer immunotherapy"},
        height=max(520, 70 * len(lane_order) + 200),
        hovermode="closest",
        legend={
            "title": {"text": "Kind (click to filter)"},
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 1,
            "xanchor": "right",
        },
        xaxis={
            "type": "date",
            "title": {"text": "Year"},
            "range": [f"{first - 3}-01-01", f"{last + 2}-12-31"],
            "rangeslider": {"visible": True, "thickness": 0.06},
            "showgrid": True,
            "gridcolor": "#eceef1",
        },
        yaxis={
            "title": {"text": ""},
            "categoryorder": "array",
            "categoryarray": lane_order[::-1],
            "automargin": True,
            "showgrid": True,
            "gridcolor": "#f3f4f6",
        },
        meta={
            "summary": summary,
            "n_events": len(ev),
            "description": "Every dated event in the tables: discoveries, trials, approvals and awards, "
            "with the precision each date is known to.",
        },
    )
    return fig


def site_charts(ds) -> list[Chart]:
    """Every chart of the site, in index order."""
    return [
        Chart(
            "timeline",
            "A history of cancer immunotherapy",
            "From Coley's toxins to the latest approvals: every dated event, with its source.",
            "History",
            timeline_figure(ds),
        ),
    ]
