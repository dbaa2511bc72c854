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
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from viz import queries, style
from viz.style import INK, MUTED, palette, plotly_template

__all__ = [
    "Chart",
    "approvals_figure",
    "biomarkers_figure",
    "combinations_figure",
    "resistance_figure",
    "side_effects_figure",
    "site_charts",
    "three_es_figure",
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


def _label_milestones(fig: go.Figure, ev: pd.DataFrame, lane_order: list[str], span: tuple) -> None:
    """Label each milestone on its own lane, in the empty stretch of time beside the lane's
    events (before the first or after the last, whichever is longer), with a line to its marker.

    Lanes are rows, so labels of different lanes never collide however close their dates;
    the milestones of one lane are stacked within its row.
    """
    rows = {lane: len(lane_order) - 1 - i for i, lane in enumerate(lane_order)}  # categoryarray is reversed
    for lane, group in ev[ev["milestone"]].sort_values("start").groupby("lane", sort=False):
        in_lane = ev[ev["lane"] == lane]
        before = in_lane["start"].min() - span[0]
        after = span[1] - in_lane["end"].max()
        left = before >= after
        gap = pd.Timedelta(days=700)  # about two years between the label and the lane's events
        tail = in_lane["start"].min() - gap if left else in_lane["end"].max() + gap
        n = len(group)
        for k, row in enumerate(group.itertuples(index=False)):
            fig.add_annotation(
                x=(row.start + (row.end - row.start) / 2).strftime("%Y-%m-%d"),
                y=lane,
                axref="x",
                ayref="y",
                ax=tail.strftime("%Y-%m-%d"),
                ay=rows[lane] + 0.3 * ((n - 1) / 2 - k),
                xanchor="right" if left else "left",
                text=_t(row.title),
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
    """Regulatory approvals per year, stacked by therapy family, with the running total.

    A family is the class just below active or passive immunotherapy
    (:func:`viz.graph.modality_families`). Only events of kind ``approval`` count.
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
        title="Approvals per year, by therapy family",
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
        m = node(row.concept, labels[row.concept], pal.colour("mechanism"))
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
        title="Resistance pathways: class, mechanism, therapy",
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
        title="Combination strategies: backbone and partner",
        description="Rows: the immunotherapy each combination is built on. Columns: the partner class. The number "
        "is how many combinations the tables hold; a tick marks an approved one. Hover for rationale and examples.",
        summary=summary,
        table=table,
        height=max(480, 48 * len(rows) + 220),
        xaxis={"title": {"text": "Partner"}, "side": "top"},
        yaxis={"autorange": "reversed", "automargin": True},
    )


#: Therapy classes whose side effects are the cell-therapy syndromes rather than checkpoint-inhibitor irAEs.
CELL_THERAPY_CLASSES = frozenset({"car_t", "tcr_t", "til_therapy", "bispecific_engager", "adoptive_cell_therapy"})
SIDE_EFFECT_GROUPS = ("Checkpoint inhibitor", "Cell therapy or T-cell engager")


def side_effects_figure(ds) -> go.Figure:
    """Typical onset of each side effect, as a range bar in weeks, grouped by organ.

    Checkpoint-inhibitor side effects and the cell-therapy and engager
    syndromes (CRS, ICANS and others) have their own colour and marker shape.
    """
    pal = palette(ds)
    labels = _labels(ds)
    se = ds.side_effects.copy()
    se["group"] = [SIDE_EFFECT_GROUPS[bool(set(t) & CELL_THERAPY_CLASSES)] for t in se["therapies"]]
    organ_rank = {o: i for i, o in enumerate(se["organ"].cat.categories)}
    se["organ_rank"] = se["organ"].astype(str).map(organ_rank)
    se = se.sort_values(["organ_rank", "onset_min_weeks", "id"], kind="stable")
    rows = [
        f"{str(o).replace('-', ' and ').capitalize()} · {labels[c]}"
        for o, c in zip(se["organ"], se["concept"], strict=True)
    ]
    dup = pd.Series(rows).duplicated(keep=False).to_numpy()
    se["row"] = [
        r + (f" ({'cell therapy' if g != SIDE_EFFECT_GROUPS[0] else 'checkpoint'})" if d else "")
        for r, g, d in zip(rows, se["group"], dup, strict=True)
    ]
    dup2 = se["row"].duplicated(keep=False).to_numpy()
    se["row"] = [r + (f" [{i}]" if d else "") for r, i, d in zip(se["row"], se["id"], dup2, strict=True)]
    styles = {
        SIDE_EFFECT_GROUPS[0]: (pal.colour("modality"), "circle"),
        SIDE_EFFECT_GROUPS[1]: (pal.colour("mechanism"), "diamond"),
    }
    fig = go.Figure()
    for group, (colour, symbol) in styles.items():
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
                name=group,
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
                name=f"{group} (start)",
                marker={"symbol": symbol, "size": 9, "color": colour, "line": {"color": INK, "width": 1}},
                hoverinfo="skip",
            )
        )
    ici = se[se["group"] == SIDE_EFFECT_GROUPS[0]]
    cell = se[se["group"] == SIDE_EFFECT_GROUPS[1]]
    summary = [f"{len(se)} side-effect rows across {se['organ'].nunique()} organs or systems."]
    if len(cell):
        summary.append(
            f"Cell-therapy and engager syndromes start early, typically within {cell['onset_max_weeks'].max():g} weeks "
            f"of the infusion (CRS often within days)."
        )
    if len(ici):
        summary.append(
            f"Checkpoint-inhibitor side effects can start from week {ici['onset_min_weeks'].min():g} and appear up to "
            f"{ici['onset_max_weeks'].max():g} weeks after starting."
        )
    table = _table(
        "Typical onset of each side effect, by organ",
        ["Organ or system", "Side effect", "Therapies", "Onset from (weeks)", "Onset to (weeks)", "Managed with"],
        [
            [
                str(r.organ).replace("-", " and ").capitalize(),
                labels[r.concept],
                "cell therapy or T-cell engager" if r.group == SIDE_EFFECT_GROUPS[1] else "checkpoint inhibitor",
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
        title="When side effects start, by organ",
        description="Each bar spans the typical weeks of onset after treatment starts (for cell therapies, after "
        "the infusion). Onset outside these ranges happens; this is a teaching summary of the guidelines, "
        "not a clinical tool.",
        summary=summary,
        table=table,
        barmode="overlay",
        height=max(560, 24 * len(se) + 180),
        xaxis={"title": {"text": "Weeks after the start of treatment"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True, "categoryorder": "array", "categoryarray": list(se["row"])},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )


def three_es_figure(ds, *, view: str = "three_es") -> go.Figure:
    """The three phases of immunoediting and the balance between immune control and tumour escape.

    The two curves are a schematic (no measured data): immune control outweighs
    the tumour in elimination, the two balance in equilibrium and the tumour wins
    in escape. Under each phase the figure lists the concepts that the Three Es
    map places in that phase's column (the ``rank`` in ``view_concepts.csv``).
    """
    import numpy as np

    pal = palette(ds)
    labels, cats = _labels(ds), ds.concepts["category"].astype(str)
    members = ds.view_concepts[ds.view_concepts["view"] == view]
    rank = {c: (None if pd.isna(r) else int(r)) for c, r in zip(members["concept"], members["rank"], strict=True)}
    phases = [p for p in ("elimination", "equilibrium", "escape") if p in labels.index]
    x = np.linspace(0, 3, 61)
    immune = 0.85 - 0.55 / (1 + np.exp(-4 * (x - 2.1)))
    tumour = 0.15 + 0.75 / (1 + np.exp(-4 * (x - 2.2)))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x.round(3),
            y=immune.round(4),
            name="Immune control (schematic)",
            hoverinfo="skip",
            line={"color": pal.colour("cell"), "width": 4},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x.round(3),
            y=tumour.round(4),
            name="Tumour growth and escape (schematic)",
            hoverinfo="skip",
            line={"color": pal.colour("mechanism"), "width": 4, "dash": "dash"},
        )
    )
    summary = [
        "A schematic, not measured data: immune control outweighs the tumour in elimination, the two balance in "
        "equilibrium, and the tumour wins in escape."
    ]
    table_rows = []
    balance = {
        "elimination": "immune control outweighs the tumour",
        "equilibrium": "immune control and tumour growth balance",
        "escape": "the tumour outgrows immune control",
    }
    columns = sorted({r for r in rank.values() if r is not None})
    for i, p in enumerate(phases):
        fill = style.PHASE_FILLS[i % len(style.PHASE_FILLS)]
        fig.add_vrect(x0=i, x1=i + 1, fillcolor=fill, line_width=0, layer="below")
        fig.add_annotation(x=i + 0.5, y=1.07, text=f"<b>{_t(labels[p])}</b>", showarrow=False, font={"size": 18})
        own = rank.get(p)
        if own is None:
            continue
        # the phase's own column, plus for escape the column of escape routes just before it
        cols = {own} | ({c for c in columns if c < own and c > (rank.get(phases[i - 1]) or -1)} if i else set())
        near = sorted(
            (c for c, r in rank.items() if r in cols and c not in phases and cats[c] != "process"),
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
        if near:
            summary.append(f"{labels[p]}: " + ", ".join(labels[c] for c in near) + ".")
        table_rows.append([i + 1, labels[p], balance.get(p, ""), ", ".join(labels[c] for c in near)])
    table = _table(
        "The three phases in order, the balance the curves sketch, and the concepts shown under each",
        ["Order", "Phase", "Balance (schematic)", "Cells, molecules and escape routes"],
        table_rows,
    )
    return _finish(
        fig,
        ds,
        title="The Three Es of cancer immunoediting",
        description="Elimination, equilibrium and escape (Dunn and colleagues, 2002), with the cells, molecules and "
        "escape routes of each phase from the Three Es map. The curves are a schematic, not measurements.",
        summary=summary,
        table=table,
        height=760,
        margin={"l": 40, "r": 30, "t": 120, "b": 40},
        xaxis={"range": [0, 3], "showticklabels": False, "title": {"text": "Time (schematic)"}, "showgrid": False},
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
    therapies = sorted({t for g in bm["guides"] for t in g}, key=lambda t: (cats[t] != "modality", labels[t]))
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
        title="Biomarkers and the therapies they guide",
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


def site_charts(ds) -> list[Chart]:
    """Every chart of the site, in index order."""
    return [
        Chart(
            "timeline",
            "A history of cancer immunotherapy",
            "From Coley's toxins to the latest approvals: every dated event, with its source.",
            "History",
            lambda: timeline_figure(ds),
        ),
        Chart(
            "approvals",
            "Approvals per year",
            "Regulatory approvals stacked by therapy family, with the running total.",
            "History",
            lambda: approvals_figure(ds),
        ),
        Chart(
            "three-es",
            "The Three Es of immunoediting",
            "Elimination, equilibrium and escape, and the balance between immune control and the tumour.",
            "Mechanisms",
            lambda: three_es_figure(ds),
        ),
        Chart(
            "resistance",
            "Resistance pathways",
            "From class of resistance to mechanism to the therapies it weakens, and the strategies aimed at it.",
            "Clinical practice",
            lambda: resistance_figure(ds),
        ),
        Chart(
            "combinations",
            "Combination strategies",
            "Which immunotherapy is combined with which partner, with rationale and approved examples.",
            "Clinical practice",
            lambda: combinations_figure(ds),
        ),
        Chart(
            "side-effects",
            "When side effects start",
            "Typical onset by organ: checkpoint inhibitors against cell therapies and engagers.",
            "Clinical practice",
            lambda: side_effects_figure(ds),
        ),
        Chart(
            "biomarkers",
            "Biomarkers and patient selection",
            "Which biomarker guides which therapy, and how it is measured.",
            "Clinical practice",
            lambda: biomarkers_figure(ds),
        ),
    ]
