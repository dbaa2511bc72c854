"""Bar charts: approvals per year (stacked by family), and when side effects start (range bars in weeks)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from viz import queries, style
from viz.charts._core import Kind, Pick, _nice, _t, _table, make_figure, present
from viz.style import INK

__all__ = ["Approvals", "SideEffects", "approvals_figure", "side_effects_figure"]

SERIES = style.OKABE_ITO


class Approvals(Kind):
    name = "approvals"
    title = "Approvals per year"
    description = (
        "Regulatory approvals in the tables, counted by year and stacked by family, "
        "with the running total on the right-hand axis."
    )
    rows = "events"

    def __init__(self, ds) -> None:
        super().__init__(ds)
        families = queries.modality_families(ds)
        ev = ds.events[ds.events["kind"].astype(str) == "approval"].copy()
        ev["family"] = [families.get(m, m) if isinstance(m, str) else "other" for m in ev["modality"]]
        self.ev = ev
        self.order = list(ev.groupby("family")["start"].min().sort_values().index)
        self.years = list(range(int(ev["year"].min()), int(ev["year"].max()) + 1)) if len(ev) else []
        self.total = ev.groupby("year").size().reindex(self.years, fill_value=0).cumsum()

    @classmethod
    def has_rows(cls, ds, **options) -> bool:
        return bool((ds.events["kind"].astype(str) == "approval").any())

    def _family(self, family: str) -> str:
        return self.labels.get(family, family)

    def draw(self, fig: go.Figure) -> None:
        ev, years = self.ev, self.years
        for i, fam in enumerate(self.order):
            sub = ev[ev["family"] == fam]
            counts = sub.groupby("year").size().reindex(years, fill_value=0)
            names = sub.groupby("year")["title"].apply(lambda t: "<br>".join(_t(x) for x in t))
            names = names.reindex(years, fill_value="")
            fig.add_trace(
                go.Bar(
                    x=years,
                    y=list(counts),
                    name=_t(self._family(fam)),
                    marker_color=SERIES[i % len(SERIES)],
                    customdata=list(names),
                    hovertemplate="%{x}: %{y}<br>%{customdata}<extra>%{fullData.name}</extra>",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=list(self.total),
                name="Running total",
                mode="lines+markers",
                yaxis="y2",
                line={"color": INK, "width": 2.5},
                marker={"size": 5},
                hovertemplate="%{x}: %{y} approvals so far<extra></extra>",
            )
        )

    def words(self) -> list[str]:
        ev, years = self.ev, self.years
        busiest = ev.groupby("year").size().sort_values(ascending=False, kind="stable")
        words = [f"{len(ev)} approvals from {years[0]} to {years[-1]}." if years else "No approvals in the tables."]
        if len(busiest):
            words.append(f"The busiest year was {busiest.index[0]}, with {busiest.iloc[0]} approvals.")
        for f in self.order:
            sub = ev[ev["family"] == f]
            words.append(f"{self._family(f)}: {len(sub)} approvals, the first in {sub['year'].min()}.")
        return words

    def table(self) -> dict:
        ev, rows = self.ev, []
        for year in self.years:
            for fam in self.order:
                sub = ev[(ev["year"] == year) & (ev["family"] == fam)].sort_values(["start", "id"], kind="stable")
                if len(sub):
                    rows.append([year, self._family(fam), len(sub), "; ".join(sub["title"]), int(self.total[year])])
        return _table(
            "Approvals by year and therapy family",
            ["Year", "Therapy family", "Approvals", "What was approved", "Running total at the end of the year"],
            rows,
        )

    def layout(self) -> dict:
        return {
            "barmode": "stack",
            "hovermode": "closest",
            "xaxis": {"title": {"text": "Year"}, "dtick": 5},
            "yaxis": {"title": {"text": "Approvals in the year"}},
            "yaxis2": {"title": {"text": "Running total"}, "overlaying": "y", "side": "right", "showgrid": False},
            "legend": {"orientation": "h", "y": -0.18},
        }


def approvals_figure(ds) -> go.Figure:
    """Regulatory approvals per year, stacked by family, with the running total.

    A family is a class two levels below the top of the class hierarchy
    (:func:`viz.queries.modality_families`). Only events of kind ``approval`` count.
    """
    return make_figure(Approvals, ds)


#: The group of side effects whose ``group`` cell is empty.
UNGROUPED = "Side effects"


def _organ(organ: str) -> str:
    """An organ of side_effects.csv in words: "joints-muscles" -> "Joints and muscles"."""
    return str(organ).replace("-", " and ").capitalize()


def _organ_label(ds, organ: str) -> str:
    """An organ by the label of its concept, when the tables have one."""
    cid = organ.replace("-", "_")
    if cid in ds.concepts.index and str(ds.concepts.at[cid, "category"]) == "organ":
        return queries.label(ds, cid)
    return "Whole body (systemic)" if organ == "systemic" else _nice(organ)


def _therapies(ds, se: pd.DataFrame) -> list[tuple[str, str]]:
    therapies = sorted({t for ts in se["therapies"] for t in ts}, key=lambda t: queries.label(ds, t).lower())
    return [(queries.label(ds, t), t) for t in therapies]


def _therapy_keeps(ds, se: pd.DataFrame, therapy: str) -> pd.Series:
    """The rows recorded for a therapy class or for its wider or narrower classes: PD-1 inhibitors keep
    what the tables say of checkpoint inhibitors in general, and checkpoint inhibitors keep every one of
    their classes."""
    related = queries.related_modalities(ds, therapy)
    return se["therapies"].map(lambda ts: bool(set(ts) & related))


class SideEffects(Kind):
    name = "side_effects"
    title = "When side effects start"
    description = (
        "Each bar spans the typical weeks of onset after treatment starts. Onset outside these ranges "
        "happens; this is a teaching summary, not a clinical tool."
    )
    rows = "side_effects"
    filters = (
        Pick(
            "organ",
            "Organ:",
            "Every organ ({n})",
            lambda ds, se: [(_organ_label(ds, o), o) for o in present(se["organ"])],
        ),
        Pick("therapy", "Therapy class:", "Every therapy", _therapies, _therapy_keeps),
    )
    nothing = "The tables record no side effect for this organ with this therapy class."

    def __init__(self, ds) -> None:
        super().__init__(ds)
        labels = self.labels
        se = ds.side_effects.copy()
        se["group"] = [g if isinstance(g, str) and g else UNGROUPED for g in se["group"]]
        self.groups = list(dict.fromkeys(se["group"]))  # in the order of the table
        organ_rank = {o: i for i, o in enumerate(se["organ"].cat.categories)}
        se["organ_rank"] = se["organ"].astype(str).map(organ_rank)
        se = se.sort_values(["organ_rank", "onset_min_weeks", "id"], kind="stable")
        rows = [f"{_organ(o)} · {labels[c]}" for o, c in zip(se["organ"], se["concept"], strict=True)]
        dup = pd.Series(rows).duplicated(keep=False).to_numpy()  # one side effect, several rows: name the therapies
        se["row"] = [
            r + (" (" + ", ".join(labels[t] for t in therapies) + ")" if d else "")
            for r, therapies, d in zip(rows, se["therapies"], dup, strict=True)
        ]
        for r, n in se["row"].value_counts().items():  # still alike: number them, never show an id
            if n > 1:
                se.loc[se["row"] == r, "row"] = [f"{r} ({k} of {n})" for k in range(1, n + 1)]
        self.se = se

    def about(self) -> str:
        return self.spec.get("description") or self.description

    def draw(self, fig: go.Figure) -> None:
        labels, se = self.labels, self.se
        for i, group in enumerate(self.groups):
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

    def words(self) -> list[str]:
        se = self.se
        words = [f"{len(se)} side-effect rows across {se['organ'].nunique()} organs or systems."]
        for group in self.groups:
            sub = se[se["group"] == group]
            words.append(
                f"{group}: typically from week {sub['onset_min_weeks'].min():g} to week "
                f"{sub['onset_max_weeks'].max():g} after the start ({len(sub)} rows)."
            )
        return words

    def table(self) -> dict:
        labels = self.labels
        return _table(
            "Typical onset of each side effect, by organ",
            ["Organ or system", "Side effect", "Therapies", "Onset from (weeks)", "Onset to (weeks)", "Managed with"],
            [
                [
                    _organ(r.organ),
                    labels[r.concept],
                    ", ".join(labels[t] for t in r.therapies),
                    f"{r.onset_min_weeks:g}",
                    f"{r.onset_max_weeks:g}",
                    r.management,
                ]
                for r in self.se.itertuples()
            ],
        )

    def layout(self) -> dict:
        rows = list(self.se["row"])
        return {
            "barmode": "overlay",
            "height": max(560, 24 * len(rows) + 180),
            "xaxis": {"title": {"text": "Weeks after the start of treatment"}, "rangemode": "tozero"},
            "yaxis": {"autorange": "reversed", "automargin": True, "categoryorder": "array", "categoryarray": rows},
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        }


def side_effects_figure(ds) -> go.Figure:
    """Typical onset of each side effect, as a range bar in weeks, grouped by organ.

    Each ``group`` of side_effects.csv (in our tables: checkpoint inhibitors, and cell
    therapies with T-cell engagers) has its own colour and marker shape.
    """
    return make_figure(SideEffects, ds)
