"""The dated history in events.csv: one lane per therapy class or family, with the milestones labelled."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from viz import queries, style
from viz.charts._core import INDENT, PRECISION_WORDS, TITLE_ROW, Kind, Pick, Span, _t, _table, _when, make_figure
from viz.style import INK, MUTED

__all__ = ["KIND_STYLE", "Timeline", "timeline_figure"]

#: Event kinds: colour (Okabe-Ito) and marker symbol, so kind never rests on colour alone.
KIND_STYLE = style.KIND_STYLE
#: The lane of the events that belong to no therapy class.
GENERAL = "Science and general"


def _therapies(ds, ev: pd.DataFrame) -> list[tuple[str, str]]:
    """Every therapy family with dated events (all its classes together, such as every checkpoint
    inhibitor), each class on its own, and the science that belongs to no therapy class."""
    families = queries.modality_families(ds)
    by_family: dict[str, list[str]] = {}
    for m in ev["modality"].dropna().unique():
        by_family.setdefault(families.get(m, m), []).append(m)
    options = [("Science without a therapy class", "general")] if ev["modality"].isna().any() else []
    for fam in sorted(by_family, key=lambda f: queries.label(ds, f).lower()):
        members = sorted(by_family[fam], key=lambda m: (m != fam, queries.label(ds, m).lower()))
        if len(members) == 1:
            options.append((queries.label(ds, members[0]), members[0]))
            continue
        options.append((f"{queries.label(ds, fam)}: every class", f"family:{fam}"))
        for m in members:
            options.append((INDENT + queries.label(ds, m) + (" in general" if m == fam else ""), m))
    return options


def _therapy_keeps(ds, ev: pd.DataFrame, therapy: str) -> pd.Series:
    if therapy == "general":
        return ev["modality"].isna()
    if therapy.startswith("family:"):
        families = queries.modality_families(ds)
        family = therapy.removeprefix("family:")
        return ev["modality"].isin([m for m in ev["modality"].dropna().unique() if families.get(m, m) == family])
    return ev["modality"] == therapy


class Timeline(Kind):
    name = "timeline"
    title = "Timeline"
    description = (
        "Every dated event in the tables: discoveries, trials, approvals and awards, "
        "with the precision each date is known to."
    )
    rows = "events"
    filters = (
        Pick("therapy", "Therapy:", "All events ({n})", _therapies, _therapy_keeps),
        Span("years", "Years:", "year"),
    )
    nothing = "No events in the tables for this choice between {years[0]} and {years[1]}."

    def __init__(self, ds, *, kinds=None, modality=None, years=None, label_milestones=True, lanes="class") -> None:
        super().__init__(ds)
        if lanes not in ("class", "family"):
            raise ValueError(f"lanes must be 'class' or 'family', not {lanes!r}")
        ev = ds.events.copy()
        if kinds:
            ev = ev[ev["kind"].astype(str).isin(kinds)]
        if modality:
            ev = ev[ev["modality"] == modality]
        if years:
            ev = ev[(ev["year"] >= years[0]) & (ev["year"] <= years[1])]
        lane_of = queries.modality_families(ds) if lanes == "family" else {}
        ev["lane"] = [
            self.labels.get(lane_of.get(m, m), GENERAL) if isinstance(m, str) else GENERAL for m in ev["modality"]
        ]
        self.ev = ev
        # lanes in the order of their first event, and by name when they start on the same day (not by hash seed)
        first = ev[ev["lane"] != GENERAL].groupby("lane")["start"].min()
        self.lane_order = [GENERAL, *sorted(first.index, key=lambda lane: (first[lane], lane))]
        self.first, self.last = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else (1890, 2030)
        self.label_milestones = label_milestones

    def draw(self, fig: go.Figure) -> None:
        """Colour and marker by kind. An event known only to the year or month is drawn as a bar across
        that period with an open marker at its middle, so it never looks as if it happened on the 1st."""
        ev, sources = self.ev, self.ds.sources
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
                cites = "<br>".join(
                    "Source: " + _t(sources.at[s, "citation"]) for s in row.sources if s in sources.index
                )
                note = getattr(row, "note", None)  # why a date is only a month or a year, when the table says
                note = "".join("<br>" + line for line in textwrap.wrap("Date: " + _t(note), 80)) if _t(note) else ""
                hover.append(
                    f"<b>{_t(row.title)}</b><br>{_when(row.date, row.precision)} ({PRECISION_WORDS[row.precision]})"
                    f" · {_t(row.venue)}<br>{_t(row.summary)}{note}<br><i>{cites}</i>"
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
        if self.label_milestones:
            span = (pd.Timestamp(self.first - 3, 1, 1), pd.Timestamp(self.last + 2, 12, 31))
            _label_milestones(fig, ev, self.lane_order, span)

    def words(self) -> list[str]:
        ev, kinds = self.ev, self.ev["kind"].astype(str)
        n_open = int((ev["precision"] != "day").sum())
        return [
            f"{len(ev)} events from {self.first} to {self.last}.",
            *[f"{(kinds == k).sum()} {k} events." for k in KIND_STYLE if (kinds == k).any()],
            f"{n_open} events are known only to the month or year; they are drawn as bars with open markers.",
            *[f"{r.date}: {r.title}." for r in ev[ev["milestone"]].itertuples(index=False)],
        ]

    def table(self) -> dict:
        return _table(
            "Every event of the timeline, oldest first",
            ["Date", "Event", "Kind", "Lane", "Date known to"],
            [
                [_when(r.date, r.precision), r.title, r.kind, r.lane, f"the {r.precision}"]
                for r in self.ev.sort_values(["start", "id"], kind="stable").itertuples(index=False)
            ],
        )

    def meta(self) -> dict:
        return {**super().meta(), "n_events": len(self.ev)}

    def layout(self) -> dict:
        return {
            "height": max(570, 70 * len(self.lane_order) + 250),
            "hovermode": "closest",
            "title": TITLE_ROW,  # above the legend
            "margin": {"t": 120},
            "legend": {
                "title": {"text": "Kind (click to filter)"},
                "orientation": "h",
                "y": 1.02,
                "yanchor": "bottom",
                "x": 1,
                "xanchor": "right",
            },
            "xaxis": {
                "type": "date",
                "range": [f"{self.first - 3}-01-01", f"{self.last + 2}-12-31"],
                "side": "top",  # the years in view when the page opens, however many lanes there are
                "rangeslider": {"visible": True, "thickness": 0.04},
                "showgrid": True,
                "gridcolor": style.GRID,
            },
            "yaxis": {
                "title": {"text": ""},
                "categoryorder": "array",
                "categoryarray": self.lane_order[::-1],
                "automargin": True,
                "showgrid": True,
                "gridcolor": style.SOFT,
            },
        }


def timeline_figure(
    ds,
    *,
    kinds: list[str] | None = None,
    modality: str | None = None,
    years: tuple[int, int] | None = None,
    label_milestones: bool = True,
    lanes: str = "class",
) -> go.Figure:
    """The dated history in events.csv.

    One lane per modality (events with none go to "Science and general"), or per family;
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
    lanes
        ``"class"``: a lane per therapy class (modality); ``"family"``: a lane per
        therapy family (:func:`viz.queries.modality_families`), half as many, for a
        timeline that shares the window with a map.

    Returns
    -------
    plotly.graph_objects.Figure
        ``layout.meta`` holds a plain-language summary (``summary``), every event as
        a table (``table``) and the number of events drawn (``n_events``).

    Examples
    --------
    >>> from viz import charts, data
    >>> fig = charts.timeline_figure(data.load(), years=(1890, 1900))
    >>> fig.layout.meta["summary"][0]
    '2 events from 1891 to 1893.'
    """
    return make_figure(
        Timeline,
        ds,
        kinds=kinds,
        modality=modality,
        years=years,
        label_milestones=label_milestones,
        lanes=lanes,
    )


#: Where a milestone's label may go, in pixels from its marker (tried in this order): beside it above or
#: below, to the right or (late in the time span) to the left, then further out.
_LABEL_SPOTS = (
    [(dx, dy) for dy in (-22, 22, -35, 35, -52, 52) for dx in (14, -14)]
    + [(40, -30), (-40, -30)]
    + [(dx, dy) for dy in (-70, 70) for dx in (14, -14)]
)
#: The plot a label's place is worked out for: its width in pixels, and the height of a lane.
_PLOT_WIDTH, _LANE_PX = 1300.0, 70.0


def _label_milestones(fig: go.Figure, ev: pd.DataFrame, lane_order: list[str], span: tuple) -> None:
    """Label each milestone right beside its marker, with a short leader line: at the first of
    :data:`_LABEL_SPOTS` where the label covers neither another label nor a marker, on a plot
    :data:`_PLOT_WIDTH` pixels wide (a label late in the time span prefers its left side)."""
    seconds = (span[1] - span[0]).total_seconds()

    def px(when) -> float:
        return (when - span[0]).total_seconds() / seconds * _PLOT_WIDTH

    row = {lane: i * _LANE_PX for i, lane in enumerate(lane_order)}
    markers = [
        (
            px(r.start + (r.end - r.start) / 2) - 7,
            row[r.lane] - 7,
            px(r.start + (r.end - r.start) / 2) + 7,
            row[r.lane] + 7,
        )
        for r in ev.itertuples(index=False)
    ]
    taken: list[tuple[float, float, float, float]] = []
    for r in ev[ev["milestone"]].sort_values(["start", "id"]).itertuples(index=False):
        mid = r.start + (r.end - r.start) / 2
        x, y = px(mid), row[r.lane]
        width, height = 7.4 * len(r.title) + 12, 20.0
        spots = _LABEL_SPOTS if x < 0.8 * _PLOT_WIDTH else sorted(_LABEL_SPOTS, key=lambda s: s[0] > 0)

        def box(spot, x=x, y=y, width=width, height=height):
            dx, dy = spot
            left = x + dx if dx > 0 else x + dx - width
            return (left, y + dy - height / 2, left + width, y + dy + height / 2)

        def clashes(b) -> int:  # running off the plot is worst, then covering a label, then covering markers
            def hits(others) -> int:
                return sum(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in others)

            return 300 * (b[0] < 0 or b[2] > _PLOT_WIDTH) + 100 * hits(taken) + hits(markers)

        spot = min(spots, key=lambda s: (clashes(box(s)) > 0, clashes(box(s)), spots.index(s)))
        taken.append(box(spot))
        fig.add_annotation(
            x=mid.strftime("%Y-%m-%d"),
            y=r.lane,
            ax=spot[0],
            ay=spot[1],
            xanchor="left" if spot[0] > 0 else "right",
            text=_t(r.title),
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=MUTED,
            font={"size": 12, "color": INK},
            bgcolor=style.LABEL_BOX,
            bordercolor=MUTED,
            borderwidth=1,
        )
