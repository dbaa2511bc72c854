"""Tables -> plotly figures. Pure: every ``*_figure(ds, *, ...)`` returns a figure
and never shows or writes it (:mod:`viz.export` writes, :mod:`viz.notebook` shows).

All figures share one template (:func:`viz.style.plotly_template`) and the
category colours of the maps. Text from the tables is HTML-escaped before it
reaches plotly, which renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import pandas as pd
import plotly.graph_objects as go

from viz import queries, style
from viz.style import INK, MUTED, palette, plotly_template

__all__ = [
    "Chart",
    "approvals_figure",
    "biomarkers_figure",
    "combinations_figure",
    "phases_figure",
    "resistance_figure",
    "side_effects_figure",
    "site_charts",
    "timeline_figure",
]

SERIES = style.OKABE_ITO
#: Event kinds: colour (Okabe-Ito) and marker symbol, so kind never rests on colour alone.
KIND_STYLE = style.KIND_STYLE
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


#: What each kind of chart (``chart`` in charts.csv) is called when the tables do not declare it.
DEFAULT_TITLES = {
    "timeline": "Timeline",
    "approvals": "Approvals per year",
    "phases": "Phases",
    "resistance": "Resistance pathways",
    "combinations": "Combination strategies",
    "side_effects": "When side effects start",
    "biomarkers": "Biomarkers",
}


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


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value))


def _figure_title(ds, kind: str) -> str:
    spec = declared(ds, kind)
    return str(spec.get("figure_title") or spec.get("title") or DEFAULT_TITLES[kind])


def _table(caption: str, columns: list[str], rows: list[list[object]]) -> dict:
    """What a chart shows as a table of plain text (the page escapes it), for ``layout.meta["table"]``:
    the chart's text alternative, read in order by keyboard and screen-reader users."""
    return {"caption": caption, "columns": columns, "rows": [["" if v is None else str(v) for v in r] for r in rows]}


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
    if lanes not in ("class", "family"):
        raise ValueError(f"lanes must be 'class' or 'family', not {lanes!r}")
    lane_of = queries.modality_families(ds) if lanes == "family" else {}
    ev["lane"] = [labels.get(lane_of.get(m, m), general) if isinstance(m, str) else general for m in ev["modality"]]
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
    first, last = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else (1890, 2030)
    if label_milestones:
        _label_milestones(fig, ev, lane_order, (pd.Timestamp(first - 3, 1, 1), pd.Timestamp(last + 2, 12, 31)))
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
    table = _table(
        "Every event of the timeline, oldest first",
        ["Date", "Event", "Kind", "Lane", "Date known to"],
        [
            [_when(r.date, r.precision), r.title, r.kind, r.lane, f"the {r.precision}"]
            for r in ev.sort_values(["start", "id"], kind="stable").itertuples(index=False)
        ],
    )
    fig.update_layout(
        template=plotly_template(palette(ds)),
        title={"text": _t(_figure_title(ds, "timeline"))},
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
            "range": [f"{first - 3}-01-01", f"{last + 2}-12-31"],
            "side": "top",  # the years in view when the page opens, however many lanes there are
            "rangeslider": {"visible": True, "thickness": 0.04},
            "showgrid": True,
            "gridcolor": style.GRID,
        },
        yaxis={
            "title": {"text": ""},
            "categoryorder": "array",
            "categoryarray": lane_order[::-1],
            "automargin": True,
            "showgrid": True,
            "gridcolor": style.SOFT,
        },
        meta={
            "summary": summary,
            "table": table,
            "n_events": len(ev),
            "description": "Every dated event in the tables: discoveries, trials, approvals and awards, "
            "with the precision each date is known to.",
        },
    )
    return fig


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


def _labels(ds) -> pd.Series:
    return ds.concepts["label"]


def _finish(
    fig: go.Figure, ds, *, title: str, description: str, summary: list[str], table: dict, **layout
) -> go.Figure:
    fig.update_layout(
        template=plotly_template(palette(ds)),
        title={"text": _t(title)},
        meta={"description": description, "summary": summary, "table": table},
        **layout,
    )
    return fig


def approvals_figure(ds) -> go.Figure:
    """Regulatory approvals per year, stacked by family, with the running total.

    A family is a class two levels below the top of the class hierarchy
    (:func:`viz.queries.modality_families`). Only events of kind ``approval`` count.
    """
    families = queries.modality_families(ds)
    ev = ds.events[ds.events["kind"].astype(str) == "approval"].copy()
    ev["family"] = [families.get(m, m) if isinstance(m, str) else "other" for m in ev["modality"]]
    labels = _labels(ds)
    order = list(ev.groupby("family")["start"].min().sort_values().index)
    years = list(range(int(ev["year"].min()), int(ev["year"].max()) + 1)) if len(ev) else []
    fig = go.Figure()
    for i, fam in enumerate(order):
        sub = ev[ev["family"] == fam]
        counts = sub.groupby("year").size().reindex(years, fill_value=0)
        names = sub.groupby("year")["title"].apply(lambda t: "<br>".join(_t(x) for x in t))
        names = names.reindex(years, fill_value="")
        fig.add_trace(
            go.Bar(
                x=years,
                y=list(counts),
                name=_t(labels.get(fam, fam)),
                marker_color=SERIES[i % len(SERIES)],
                customdata=list(names),
                hovertemplate="%{x}: %{y}<br>%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    total = ev.groupby("year").size().reindex(years, fill_value=0).cumsum()
    fig.add_trace(
        go.Scatter(
            x=years,
            y=list(total),
            name="Running total",
            mode="lines+markers",
            yaxis="y2",
            line={"color": INK, "width": 2.5},
            marker={"size": 5},
            hovertemplate="%{x}: %{y} approvals so far<extra></extra>",
        )
    )
    busiest = ev.groupby("year").size().sort_values(ascending=False, kind="stable")
    summary = [f"{len(ev)} approvals from {years[0]} to {years[-1]}." if years else "No approvals in the tables."]
    if len(busiest):
        summary.append(f"The busiest year was {busiest.index[0]}, with {busiest.iloc[0]} approvals.")
    for f in order:
        sub = ev[ev["family"] == f]
        summary.append(f"{labels.get(f, f)}: {len(sub)} approvals, the first in {sub['year'].min()}.")
    rows = []
    for year in years:
        for fam in order:
            sub = ev[(ev["year"] == year) & (ev["family"] == fam)].sort_values(["start", "id"], kind="stable")
            if len(sub):
                rows.append([year, labels.get(fam, fam), len(sub), "; ".join(sub["title"]), int(total[year])])
    table = _table(
        "Approvals by year and therapy family",
        ["Year", "Therapy family", "Approvals", "What was approved", "Running total at the end of the year"],
        rows,
    )
    return _finish(
        fig,
        ds,
        title=_figure_title(ds, "approvals"),
        description="Regulatory approvals in the tables, counted by year and stacked by family, "
        "with the running total on the right-hand axis.",
        summary=summary,
        table=table,
        barmode="stack",
        hovermode="closest",
        xaxis={"title": {"text": "Year"}, "dtick": 5},
        yaxis={"title": {"text": "Approvals in the year"}},
        yaxis2={"title": {"text": "Running total"}, "overlaying": "y", "side": "right", "showgrid": False},
        legend={"orientation": "h", "y": -0.18},
    )


RESISTANCE_CLASSES = ("primary", "adaptive", "acquired")


def resistance_figure(ds) -> go.Figure:
    """A Sankey diagram: resistance class -> mechanism -> the therapies it weakens.

    Strategies under study join each mechanism from the left (marked with an
    arrow). Node colours are the category colours of the maps.
    """
    pal = palette(ds)
    labels, cats = _labels(ds), ds.concepts["category"].astype(str)
    res = ds.resistance
    if res.empty:  # plotly.js cannot draw a Sankey diagram without nodes: its newPlot throws
        return _finish(
            go.Figure(),
            ds,
            title=_figure_title(ds, "resistance"),
            description="The table of resistance mechanisms is empty.",
            summary=["resistance.csv has no rows: nothing to draw."],
            annotations=[{"text": "Nothing to draw: resistance.csv has no rows.", "showarrow": False}],
        )
    keys: list[str] = []
    names: list[str] = []
    colours: list[str] = []

    def node(key: str, text: str, colour: str) -> int:
        if key not in keys:
            keys.append(key)
            names.append(text)
            colours.append(colour)
        return keys.index(key)

    class_colour = dict(zip(RESISTANCE_CLASSES, style.STAGE_COLOURS, strict=True))
    links: list[tuple[int, int, float, str, str]] = []
    for row in res.itertuples(index=False):
        m = node(row.concept, labels[row.concept], pal.colour(cats[row.concept]))
        for c in row.classes:
            cls = node(f"class:{c}", f"{c.capitalize()} resistance", class_colour[c])
            links.append((cls, m, 1.0, style.FLOW_LINKS["class"], f"{c} · {row.origin}"))
        for t in row.affects:
            links.append(
                (m, node(t, labels[t], pal.colour(cats[t])), 1.0, style.FLOW_LINKS["weakens"], f"weakens {labels[t]}")
            )
        for t in row.strategies:
            s = node(f"strategy:{t}", f"→ {labels[t]}", pal.colour(cats[t]))
            links.append((s, m, 0.6, style.FLOW_LINKS["strategy"], f"{labels[t]} aims to overcome it"))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [_t(n) for n in names],
                "color": colours,
                "pad": 8,
                "thickness": 14,
                "line": {"color": INK, "width": 0.5},
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": [x[0] for x in links],
                "target": [x[1] for x in links],
                "value": [x[2] for x in links],
                "color": [x[3] for x in links],
                "customdata": [_t(x[4]) for x in links],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            customdata=keys,
        )
    )
    by_class = {c: int(sum(c in r for r in res["classes"])) for c in RESISTANCE_CLASSES}
    summary = [f"{len(res)} resistance mechanisms: " + ", ".join(f"{n} {c}" for c, n in by_class.items()) + "."]
    summary.append(
        f"{int((res['origin'] == 'intrinsic').sum())} arise inside the tumour cell and "
        f"{int((res['origin'] == 'extrinsic').sum())} in its surroundings or the host."
    )
    hit = pd.Series([t for r in res["affects"] for t in r]).value_counts()
    summary += [f"{labels[t]} is weakened by {n} of them." for t, n in hit.head(4).items()]
    table = _table(
        "Each resistance mechanism: its class, where it arises, what it weakens and the strategies aimed at it",
        ["Mechanism", "Class of resistance", "Arises", "Weakens", "Strategies under study"],
        [
            [
                labels[r.concept],
                ", ".join(r.classes),
                {"intrinsic": "in the tumour cell", "extrinsic": "around the tumour or in the host"}.get(
                    str(r.origin), str(r.origin)
                ),
                ", ".join(labels[t] for t in r.affects),
                ", ".join(labels[t] for t in r.strategies),
            ]
            for r in res.itertuples(index=False)
        ],
    )
    return _finish(
        fig,
        ds,
        title=_figure_title(ds, "resistance"),
        description="Left: the three classes of resistance, and the strategies under study (marked with an arrow). "
        "Middle: the mechanisms. Right: the therapies each one weakens.",
        summary=summary,
        table=table,
        height=max(620, 22 * len(res) + 200),
    )


STATUS_RANK = {"failed": 1, "investigational": 2, "approved": 3}


def combinations_figure(ds) -> go.Figure:
    """A matrix of immunotherapy backbone (rows) against partner class (columns).

    Each cell shows how many combinations the tables hold, with a tick when one is
    approved; colour is the best status; hover gives rationale and examples.
    """
    labels = _labels(ds)
    co = ds.combinations
    partners = [p for p in co["partner"].cat.categories if (co["partner"] == p).any()]
    rows = list(co.groupby("immunotherapy").size().sort_values(ascending=False, kind="stable").index)
    z, text, hover = [], [], []
    for r in rows:
        zr, tr, hr = [], [], []
        for p in partners:
            cell = co[(co["immunotherapy"] == r) & (co["partner"] == p)]
            if cell.empty:
                zr.append(None)
                tr.append("")
                hr.append("")
                continue
            best = max(cell["status"].astype(str), key=STATUS_RANK.get)
            zr.append(STATUS_RANK[best])
            tr.append(f"{len(cell)}" + (" ✓" if best == "approved" else ""))
            hr.append(
                "<br><br>".join(
                    f"<b>{_t(c.label)}</b> ({_t(c.status)}"
                    f"{', ' + str(c.first_approval) if pd.notna(c.first_approval) else ''})"
                    f"<br>{_t(c.rationale)}<br><i>{_t(c.examples)}</i>"
                    for c in cell.itertuples()
                )
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_t(p.replace("-", " ")) for p in partners],
            y=[_t(labels[r]) for r in rows],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=style.STATUS_SCALE,
            zmin=1,
            zmax=3,
            xgap=3,
            ygap=3,
            colorbar={
                "title": {"text": "Best status"},
                "tickvals": [1, 2, 3],
                "ticktext": ["failed", "investigational", "approved"],
            },
        )
    )
    approved = co[co["status"] == "approved"].sort_values(["first_approval", "id"])
    summary = [
        f"{len(co)} combinations: {len(approved)} approved, "
        f"{int((co['status'] == 'investigational').sum())} investigational, "
        f"{int((co['status'] == 'failed').sum())} failed in large trials."
    ]
    summary += [f"{c.label}: first approved {c.first_approval}." for c in approved.itertuples()]
    table = _table(
        "Every combination, by backbone and partner",
        ["Backbone", "Partner", "Combination", "Status", "First approved", "Examples"],
        [
            [
                labels[c.immunotherapy],
                str(c.partner).replace("-", " "),
                c.label,
                c.status,
                c.first_approval if pd.notna(c.first_approval) else "",
                c.examples if pd.notna(c.examples) else "",
            ]
            for r in rows
            for c in co[co["immunotherapy"] == r].sort_values(["partner", "id"], kind="stable").itertuples()
        ],
    )
    return _finish(
        fig,
        ds,
        title=_figure_title(ds, "combinations"),
        description="Rows: the immunotherapy each combination is built on. Columns: the partner class. The number "
        "is how many combinations the tables hold; a tick marks an approved one. Hover for rationale and examples.",
        summary=summary,
        table=table,
        height=max(480, 48 * len(rows) + 220),
        xaxis={"title": {"text": "Partner"}, "side": "top"},
        yaxis={"autorange": "reversed", "automargin": True},
    )


#: The group of side effects whose ``group`` cell is empty.
UNGROUPED = "Side effects"


def side_effects_figure(ds) -> go.Figure:
    """Typical onset of each side effect, as a range bar in weeks, grouped by organ.

    Each ``group`` of side_effects.csv (in our tables: checkpoint inhibitors, and cell
    therapies with T-cell engagers) has its own colour and marker shape.
    """
    labels = _labels(ds)
    se = ds.side_effects.copy()
    se["group"] = [g if isinstance(g, str) and g else UNGROUPED for g in se["group"]]
    groups = list(dict.fromkeys(se["group"]))  # in the order of the table
    organ_rank = {o: i for i, o in enumerate(se["organ"].cat.categories)}
    se["organ_rank"] = se["organ"].astype(str).map(organ_rank)
    se = se.sort_values(["organ_rank", "onset_min_weeks", "id"], kind="stable")
    rows = [
        f"{str(o).replace('-', ' and ').capitalize()} · {labels[c]}"
        for o, c in zip(se["organ"], se["concept"], strict=True)
    ]
    dup = pd.Series(rows).duplicated(keep=False).to_numpy()  # one side effect, several rows: name the therapies
    se["row"] = [
        r + (" (" + ", ".join(labels[t] for t in therapies) + ")" if d else "")
        for r, therapies, d in zip(rows, se["therapies"], dup, strict=True)
    ]
    for r, n in se["row"].value_counts().items():  # still alike: number them, never show an id
        if n > 1:
            se.loc[se["row"] == r, "row"] = [f"{r} ({k} of {n})" for k in range(1, n + 1)]
    fig = go.Figure()
    for i, group in enumerate(groups):
        colour, symbol = style.GROUP_STYLES[i % len(style.GROUP_STYLES)]
        sub = se[se["group"] == group]
        hover = [
            f"<b>{_t(labels[r.concept])}</b> ({_t(str(r.organ))})<br>{_t(r.manifestation)}<br>"
            f"Typical onset: {r.onset_min_weeks:g} to {r.onset_max_weeks:g} weeks<br>Managed: {_t(r.management)}"
            for r in sub.itertuples()
        ]
        fig.add_trace(
            go.Bar(
                y=list(sub["row"]),
                x=[float(b - a) for a, b in zip(sub["onset_min_weeks"], sub["onset_max_weeks"], strict=True)],
                base=[float(a) for a in sub["onset_min_weeks"]],
                orientation="h",
                name=_t(group),
                marker={"color": colour, "line": {"color": INK, "width": 0.8}},
                hovertext=hover,
                hoverinfo="text",
                width=0.6,
                customdata=list(sub["id"]),
            )
        )
        fig.add_trace(
            go.Scatter(
                y=list(sub["row"]),
                x=[float(a) for a in sub["onset_min_weeks"]],
                mode="markers",
                showlegend=False,
                name=f"{_t(group)} (start)",
                marker={"symbol": symbol, "size": 9, "color": colour, "line": {"color": INK, "width": 1}},
                hoverinfo="skip",
            )
        )
    summary = [f"{len(se)} side-effect rows across {se['organ'].nunique()} organs or systems."]
    for group in groups:
        sub = se[se["group"] == group]
        summary.append(
            f"{group}: typically from week {sub['onset_min_weeks'].min():g} to week "
            f"{sub['onset_max_weeks'].max():g} after the start ({len(sub)} rows)."
        )
    spec = declared(ds, "side_effects")
    table = _table(
        "Typical onset of each side effect, by organ",
        ["Organ or system", "Side effect", "Therapies", "Onset from (weeks)", "Onset to (weeks)", "Managed with"],
        [
            [
                str(r.organ).replace("-", " and ").capitalize(),
                labels[r.concept],
                ", ".join(labels[t] for t in r.therapies),
                f"{r.onset_min_weeks:g}",
                f"{r.onset_max_weeks:g}",
                r.management,
            ]
            for r in se.itertuples()
        ],
    )
    return _finish(
        fig,
        ds,
        title=_figure_title(ds, "side_effects"),
        description=spec.get("description")
        or "Each bar spans the typical weeks of onset after treatment starts. Onset outside these ranges "
        "happens; this is a teaching summary, not a clinical tool.",
        summary=summary,
        table=table,
        barmode="overlay",
        height=max(560, 24 * len(se) + 180),
        xaxis={"title": {"text": "Weeks after the start of treatment"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True, "categoryorder": "array", "categoryarray": list(se["row"])},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )


def phases_figure(
    ds, *, view: str | None = None, phases: list[str] | None = None, series: list[str] | None = None
) -> go.Figure:
    """Phases as columns, with the concepts a map places in each; optionally two schematic curves.

    What to draw comes from the chart of kind ``phases`` in charts.csv unless given:
    ``view`` is the map whose ranks (the ``rank`` column of view_concepts.csv) are the
    columns, ``phases`` the concept ids of the phases in order, and ``series`` the names
    of two schematic curves, the first falling and the second rising across the phases
    (in our tables: immune control and tumour escape across the Three Es).
    Under each phase the figure lists the concepts in that phase's column, and for a
    later phase also those in the columns just before it.

    Examples
    --------
    >>> from viz import charts, data
    >>> fig = charts.phases_figure(data.load())
    >>> [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    ['<b>Elimination</b>', '<b>Equilibrium</b>', '<b>Escape</b>']
    """
    import numpy as np

    spec = declared(ds, "phases")
    view = view or spec.get("view")
    phases = list(phases if phases is not None else spec.get("concepts") or ())
    series = list(series if series is not None else spec.get("series") or ())
    pal = palette(ds)
    labels, cats = _labels(ds), ds.concepts["category"].astype(str)
    members = ds.view_concepts[ds.view_concepts["view"] == view]
    rank = {c: (None if pd.isna(r) else int(r)) for c, r in zip(members["concept"], members["rank"], strict=True)}
    phases = [p for p in phases if p in labels.index]
    n = max(len(phases), 1)
    phase_categories = {cats[p] for p in phases}
    x = np.linspace(0, n, 20 * n + 1)
    fig = go.Figure()
    summary, table_rows = [], []
    if len(series) == 2:
        falling = 0.85 - 0.55 / (1 + np.exp(-4 * (x - 2.1 / 3 * n)))
        rising = 0.15 + 0.75 / (1 + np.exp(-4 * (x - 2.2 / 3 * n)))
        for name, y, line in (
            (series[0], falling, {"color": style.SCHEMATIC_COLOURS[0], "width": 4}),
            (series[1], rising, {"color": style.SCHEMATIC_COLOURS[1], "width": 4, "dash": "dash"}),
        ):
            fig.add_trace(
                go.Scatter(x=x.round(3), y=y.round(4), name=f"{_t(name)} (schematic)", hoverinfo="skip", line=line)
            )
        ends = f" from {labels[phases[0]]} to {labels[phases[-1]]}" if phases else ""
        summary.append(
            f"The curves are a schematic, not measured data: {series[0]} (solid line) gives way to "
            f"{series[1]} (dashed line){ends}."
        )
    columns = sorted({r for r in rank.values() if r is not None})
    for i, p in enumerate(phases):
        fill = style.PHASE_FILLS[i % len(style.PHASE_FILLS)]
        fig.add_vrect(x0=i, x1=i + 1, fillcolor=fill, line_width=0, layer="below")
        fig.add_annotation(x=i + 0.5, y=1.07, text=f"<b>{_t(labels[p])}</b>", showarrow=False, font={"size": 18})
        own = rank.get(p)
        if own is None:
            table_rows.append([i + 1, labels[p], ""])
            continue
        # the phase's own column, plus for a later phase the columns between it and the phase before
        cols = {own} | ({c for c in columns if c < own and c > (rank.get(phases[i - 1]) or -1)} if i else set())
        near = sorted(
            (c for c, r in rank.items() if r in cols and c not in phases and cats[c] not in phase_categories),
            key=lambda c: (cats[c], labels[c]),
        )[:9]
        for j, c in enumerate(near):
            fig.add_annotation(
                x=i + 0.5,
                y=-0.08 - 0.075 * j,
                text=_t(labels[c]),
                showarrow=False,
                font={"size": 13, "color": INK},
                bgcolor=style.BACKGROUND,
                bordercolor=pal.colour(cats[c]),
                borderwidth=2,
            )
        table_rows.append([i + 1, labels[p], ", ".join(labels[c] for c in near)])
        if near:
            summary.append(f"{labels[p]}: " + ", ".join(labels[c] for c in near) + ".")
    if not summary:
        summary.append(f"{len(phases)} phases: " + ", ".join(labels[p] for p in phases) + ".")
    table = _table(
        "The phases in order, with the concepts shown under each",
        ["Order", "Phase", "Concepts shown under it"],
        table_rows,
    )
    return _finish(
        fig,
        ds,
        title=_figure_title(ds, "phases"),
        description=spec.get("description") or "The phases in order, with the concepts of each from its map.",
        summary=summary,
        table=table,
        height=760,
        margin={"l": 40, "r": 30, "t": 120, "b": 40},
        xaxis={"range": [0, n], "showticklabels": False, "title": {"text": "Time (schematic)"}, "showgrid": False},
        yaxis={
            "range": [-0.8, 1.14],
            "showticklabels": False,
            "title": {"text": ""},
            "showgrid": False,
            "zeroline": False,
        },
        legend={"orientation": "h", "y": 1.16, "x": 1, "xanchor": "right"},
    )


def biomarkers_figure(ds) -> go.Figure:
    """Which biomarker guides which therapy: a dot matrix, with what is measured and how on hover.

    Stars take the colour of the therapy's category, as on the maps.
    """
    pal = palette(ds)
    labels, cats = _labels(ds), ds.concepts["category"].astype(str)
    bm = ds.biomarkers
    classes = queries.hierarchy(ds)["category"]
    therapies = sorted({t for g in bm["guides"] for t in g}, key=lambda t: (cats[t] != classes, labels[t]))
    xs, ys, hover, colours = [], [], [], []
    for row in bm.itertuples(index=False):
        for t in row.guides:
            xs.append(_t(labels[t]))
            ys.append(_t(labels[row.concept]))
            hover.append(
                f"<b>{_t(labels[row.concept])}</b> guides <b>{_t(labels[t])}</b><br>Measures: {_t(row.measures)}"
                f"<br>How: {_t(row.method)}<br>{_t(row.use)}"
            )
            colours.append(pal.colour(cats[t]))
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            hovertext=hover,
            hoverinfo="text",
            name="guides",
            marker={"symbol": "star", "size": 22, "color": colours, "line": {"color": INK, "width": 1}},
        )
    )
    summary = [
        f"{labels[r.concept]}: measures {r.measures.rstrip('.')}. How: {r.method.rstrip('.')}." for r in bm.itertuples()
    ]
    table = _table(
        "Each biomarker, the therapies it guides, what it measures and how",
        ["Biomarker", "Guides", "Measures", "How"],
        [[labels[r.concept], ", ".join(labels[t] for t in r.guides), r.measures, r.method] for r in bm.itertuples()],
    )
    return _finish(
        fig,
        ds,
        title=_figure_title(ds, "biomarkers"),
        description="Each star links a biomarker (row) to a therapy it is used to choose patients for (column). "
        "Hover for what is measured and how.",
        summary=summary,
        table=table,
        height=max(440, 80 * len(bm) + 280),
        xaxis={
            "categoryorder": "array",
            "categoryarray": [_t(labels[t]) for t in therapies],
            "tickangle": -35,
            "showgrid": True,
            "gridcolor": style.GRID,
        },
        yaxis={"showgrid": True, "gridcolor": style.GRID, "automargin": True},
    )


#: Each kind of chart: how to draw it, and whether the tables hold anything for it to draw.
DRAWINGS: dict[str, tuple[Callable, Callable]] = {
    "timeline": (timeline_figure, lambda ds: len(ds.events) > 0),
    "approvals": (approvals_figure, lambda ds: bool((ds.events["kind"].astype(str) == "approval").any())),
    "phases": (phases_figure, lambda ds: bool(declared(ds, "phases").get("concepts"))),
    "resistance": (resistance_figure, lambda ds: len(ds.resistance) > 0),
    "combinations": (combinations_figure, lambda ds: len(ds.combinations) > 0),
    "side_effects": (side_effects_figure, lambda ds: len(ds.side_effects) > 0),
    "biomarkers": (biomarkers_figure, lambda ds: len(ds.biomarkers) > 0),
}


def site_charts(ds) -> list[Chart]:
    """The charts that charts.csv declares, in its order, less those with nothing to draw.

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
    for row in ds.charts.itertuples(index=False):
        kind = str(row.chart)
        draw, has_rows = DRAWINGS[kind]
        if kind == "phases":  # each phases chart draws what its own row says
            if not row.concepts:
                continue
            drawing = partial(draw, ds, view=row.view, phases=list(row.concepts), series=list(row.series))
        elif has_rows(ds):
            drawing = partial(draw, ds)
        else:
            continue
        found.append(
            Chart(row.id, str(row.title), str(row.description), str(topics.get(row.topic, row.topic)), drawing)
        )
    return found
