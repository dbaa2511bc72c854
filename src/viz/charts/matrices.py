"""Matrices: combinations (immunotherapy backbone against partner class) and biomarkers (against the
therapies they guide)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from viz import queries, style
from viz.charts._core import TITLE_ROW, Kind, Pick, _nice, _t, _table, _words, make_figure, present
from viz.style import INK, palette

__all__ = ["Biomarkers", "Combinations", "biomarkers_figure", "combinations_figure"]

STATUS_RANK = {"failed": 1, "investigational": 2, "approved": 3}


class Combinations(Kind):
    name = "combinations"
    title = "Combination strategies"
    description = (
        "Rows: the immunotherapy each combination is built on. Columns: the partner class. The number "
        "is how many combinations the tables hold; a tick marks an approved one. Hover for rationale and examples."
    )
    rows = "combinations"
    filters = (
        Pick(
            "partner", "Partner:", "Every partner ({n})", lambda ds, co: [(_nice(p), p) for p in present(co["partner"])]
        ),
        Pick("status", "Status:", "Any status", lambda ds, co: [(s.capitalize(), s) for s in present(co["status"])]),
    )
    nothing = "No combination in the tables has this partner and this status."

    def __init__(self, ds) -> None:
        super().__init__(ds)
        co = self.co = ds.combinations
        self.partners = present(co["partner"])
        self.backbones = list(co.groupby("immunotherapy").size().sort_values(ascending=False, kind="stable").index)

    def draw(self, fig: go.Figure) -> None:
        co = self.co
        z, text, hover = [], [], []
        for r in self.backbones:
            zr, tr, hr = [], [], []
            for p in self.partners:
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
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=[_t(_words(p)) for p in self.partners],
                y=[_t(self.labels[r]) for r in self.backbones],
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

    def words(self) -> list[str]:
        co = self.co
        approved = co[co["status"] == "approved"].sort_values(["first_approval", "id"])
        return [
            f"{len(co)} combinations: {len(approved)} approved, "
            f"{int((co['status'] == 'investigational').sum())} investigational, "
            f"{int((co['status'] == 'failed').sum())} failed in large trials.",
            *(f"{c.label}: first approved {c.first_approval}." for c in approved.itertuples()),
        ]

    def table(self) -> dict:
        co, labels = self.co, self.labels
        return _table(
            "Every combination, by backbone and partner",
            ["Backbone", "Partner", "Combination", "Status", "First approved", "Examples"],
            [
                [
                    labels[c.immunotherapy],
                    _words(str(c.partner)),
                    c.label,
                    c.status,
                    c.first_approval if pd.notna(c.first_approval) else "",
                    c.examples if pd.notna(c.examples) else "",
                ]
                for r in self.backbones
                for c in co[co["immunotherapy"] == r].sort_values(["partner", "id"], kind="stable").itertuples()
            ],
        )

    def layout(self) -> dict:
        return {
            "height": max(480, 48 * len(self.backbones) + 220),
            # the partners name the columns above the matrix, tilted when the chart is narrow: the title takes
            # its own room above them (it sat in the top margin, over them), and names what the columns are
            "title": {"automargin": True, **TITLE_ROW, "pad": {"t": 12, "b": 8}},
            # (with no title text at all, plotly.js 4.1 left the title's room out: it sat over the names again)
            "xaxis": {"side": "top", "automargin": True, "title": {"text": ""}},
            "yaxis": {"autorange": "reversed", "automargin": True},
        }


def combinations_figure(ds) -> go.Figure:
    """A matrix of immunotherapy backbone (rows) against partner class (columns).

    Each cell shows how many combinations the tables hold, with a tick when one is
    approved; colour is the best status; hover gives rationale and examples.
    """
    return make_figure(Combinations, ds)


class Biomarkers(Kind):
    name = "biomarkers"
    title = "Biomarkers"
    description = (
        "Each star links a biomarker (row) to a therapy it is used to choose patients for (column). "
        "Hover for what is measured and how."
    )
    rows = "biomarkers"

    def __init__(self, ds) -> None:
        super().__init__(ds)
        self.bm = ds.biomarkers
        self.cats = ds.concepts["category"].astype(str)

    def draw(self, fig: go.Figure) -> None:
        pal, labels, cats = palette(self.ds), self.labels, self.cats
        xs, ys, hover, colours = [], [], [], []
        for row in self.bm.itertuples(index=False):
            for t in row.guides:
                xs.append(_t(labels[t]))
                ys.append(_t(labels[row.concept]))
                hover.append(
                    f"<b>{_t(labels[row.concept])}</b> guides <b>{_t(labels[t])}</b><br>Measures: {_t(row.measures)}"
                    f"<br>How: {_t(row.method)}<br>{_t(row.use)}"
                )
                colours.append(pal.colour(cats[t]))
        fig.add_trace(
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

    def words(self) -> list[str]:
        labels = self.labels
        return [
            f"{labels[r.concept]}: measures {r.measures.rstrip('.')}. How: {r.method.rstrip('.')}."
            for r in self.bm.itertuples()
        ]

    def table(self) -> dict:
        labels = self.labels
        return _table(
            "Each biomarker, the therapies it guides, what it measures and how",
            ["Biomarker", "Guides", "Measures", "How"],
            [
                [labels[r.concept], ", ".join(labels[t] for t in r.guides), r.measures, r.method]
                for r in self.bm.itertuples()
            ],
        )

    def layout(self) -> dict:
        labels, cats = self.labels, self.cats
        classes = queries.hierarchy(self.ds)["category"]
        therapies = sorted({t for g in self.bm["guides"] for t in g}, key=lambda t: (cats[t] != classes, labels[t]))
        return {
            "height": max(440, 80 * len(self.bm) + 280),
            "xaxis": {
                "categoryorder": "array",
                "categoryarray": [_t(labels[t]) for t in therapies],
                "tickangle": -35,
                "showgrid": True,
                "gridcolor": style.GRID,
            },
            "yaxis": {"showgrid": True, "gridcolor": style.GRID, "automargin": True},
        }


def biomarkers_figure(ds) -> go.Figure:
    """Which biomarker guides which therapy: a dot matrix, with what is measured and how on hover.

    Stars take the colour of the therapy's category, as on the maps.
    """
    return make_figure(Biomarkers, ds)
