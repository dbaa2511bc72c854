"""Flows: resistance (class -> mechanism -> therapy, a Sankey diagram) and phases (a process in steps,
with the concepts of each and two schematic curves)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from viz import style
from viz.charts._core import TITLE_ROW, Kind, Pick, _t, _table, declared, make_figure
from viz.style import INK, palette

__all__ = ["RESISTANCE_CLASSES", "Phases", "Resistance", "phases_figure", "resistance_figure"]

RESISTANCE_CLASSES = ("primary", "adaptive", "acquired")
#: Where a resistance mechanism arises (``origin`` in resistance.csv), in words.
ORIGINS = {"intrinsic": "inside the tumour cell", "extrinsic": "in the surroundings or the host"}


class Resistance(Kind):
    name = "resistance"
    title = "Resistance pathways"
    description = (
        "Left: the three classes of resistance, and the strategies under study (marked with an arrow). "
        "Middle: the mechanisms. Right: the therapies each one weakens."
    )
    rows = "resistance"
    filters = (
        Pick(
            "resistance_class",
            "Class of resistance:",
            "All classes ({n})",
            lambda ds, res: [(c.capitalize(), c) for c in RESISTANCE_CLASSES],
            lambda ds, res, cls: pd.Series([cls in c for c in res["classes"]], index=res.index, dtype=bool),
        ),
        Pick("origin", "Arises:", "Anywhere", lambda ds, res: [(text.capitalize(), o) for o, text in ORIGINS.items()]),
    )
    nothing = "No resistance mechanism in the tables matches both choices."
    # 28 mechanisms and 20 strategies need some 560 px to be read, a slide gives the chart 430 px: a class a slide
    deck_parts = "resistance_class"

    def __init__(self, ds) -> None:
        super().__init__(ds)
        self.res = ds.resistance

    def about(self) -> str:
        return self.description if len(self.res) else "The table of resistance mechanisms is empty."

    def draw(self, fig: go.Figure) -> None:
        if self.res.empty:  # plotly.js cannot draw a Sankey diagram without nodes: its newPlot throws
            fig.add_annotation(text="Nothing to draw: resistance.csv has no rows.", showarrow=False)
            return
        pal, labels, cats = palette(self.ds), self.labels, self.ds.concepts["category"].astype(str)
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
        for row in self.res.itertuples(index=False):
            m = node(row.concept, labels[row.concept], pal.colour(cats[row.concept]))
            for c in row.classes:
                cls = node(f"class:{c}", f"{c.capitalize()} resistance", class_colour[c])
                links.append((cls, m, 1.0, style.FLOW_LINKS["class"], f"{c} · {row.origin}"))
            for t in row.affects:
                weakened = node(t, labels[t], pal.colour(cats[t]))
                links.append((m, weakened, 1.0, style.FLOW_LINKS["weakens"], f"weakens {labels[t]}"))
            for t in row.strategies:
                s = node(f"strategy:{t}", f"→ {labels[t]}", pal.colour(cats[t]))
                links.append((s, m, 0.6, style.FLOW_LINKS["strategy"], f"{labels[t]} aims to overcome it"))
        fig.add_trace(
            go.Sankey(
                arrangement="snap",
                node={
                    "label": [_t(n) for n in names],
                    "color": colours,
                    # a node's label is a line of 15 px text, and a strategy's node a few px thick: at 8 px
                    # apart the labels of one column ran into each other (test_no_chart_label_covers_another)
                    "pad": 16,
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

    def words(self) -> list[str]:
        res, labels = self.res, self.labels
        if res.empty:
            return ["resistance.csv has no rows: nothing to draw."]
        by_class = {c: int(sum(c in r for r in res["classes"])) for c in RESISTANCE_CLASSES}
        hit = pd.Series([t for r in res["affects"] for t in r]).value_counts()
        return [
            f"{len(res)} resistance mechanisms: " + ", ".join(f"{n} {c}" for c, n in by_class.items()) + ".",
            f"{int((res['origin'] == 'intrinsic').sum())} arise inside the tumour cell and "
            f"{int((res['origin'] == 'extrinsic').sum())} in its surroundings or the host.",
            *(f"{labels[t]} is weakened by {n} of them." for t, n in hit.head(4).items()),
        ]

    def table(self) -> dict:
        labels = self.labels
        arises = {"intrinsic": "in the tumour cell", "extrinsic": "around the tumour or in the host"}
        return _table(
            "Each resistance mechanism: its class, where it arises, what it weakens and the strategies aimed at it",
            ["Mechanism", "Class of resistance", "Arises", "Weakens", "Strategies under study"],
            [
                [
                    labels[r.concept],
                    ", ".join(r.classes),
                    arises.get(str(r.origin), str(r.origin)),
                    ", ".join(labels[t] for t in r.affects),
                    ", ".join(labels[t] for t in r.strategies),
                ]
                for r in self.res.itertuples(index=False)
            ],
        )

    def layout(self) -> dict:
        # no axes: the margins that hold other charts' tick labels would only narrow the columns' gaps, where the
        # middle column's names (to the right of their nodes) meet the last column's (to the left of theirs)
        return {"height": max(620, 22 * len(self.res) + 200), "margin": {"l": 12, "r": 12}}


def resistance_figure(ds) -> go.Figure:
    """A Sankey diagram: resistance class -> mechanism -> the therapies it weakens.

    Strategies under study join each mechanism from the left (marked with an
    arrow). Node colours are the category colours of the maps.
    """
    return make_figure(Resistance, ds)


class Phases(Kind):
    name = "phases"
    title = "Phases"
    description = "The phases in order, with the concepts of each from its map."
    rows = "view_concepts"

    def __init__(self, ds, *, view=None, phases=None, series=None) -> None:
        super().__init__(ds)
        spec, labels = self.spec, self.labels
        self.cats = cats = ds.concepts["category"].astype(str)
        view = view or spec.get("view")
        self.phases = [p for p in (phases if phases is not None else spec.get("concepts") or ()) if p in labels.index]
        self.series = list(series if series is not None else spec.get("series") or ())
        members = ds.view_concepts[ds.view_concepts["view"] == view]
        rank = {c: (None if pd.isna(r) else int(r)) for c, r in zip(members["concept"], members["rank"], strict=True)}
        phase_categories = {cats[p] for p in self.phases}
        columns = sorted({r for r in rank.values() if r is not None})
        #: the concepts shown under each phase (None: the phase is not on its map)
        self.near: list[list[str] | None] = []
        for i, p in enumerate(self.phases):
            own = rank.get(p)
            if own is None:
                self.near.append(None)
                continue
            cols = {own}  # the phase's own column, plus for a later phase the columns since the phase before
            if i:
                before = rank.get(self.phases[i - 1]) or -1
                cols |= {c for c in columns if before < c < own}
            self.near.append(
                sorted(
                    (
                        c
                        for c, r in rank.items()
                        if r in cols and c not in self.phases and cats[c] not in phase_categories
                    ),
                    key=lambda c: (cats[c], labels[c]),
                )[:9]
            )

    @classmethod
    def options(cls, row) -> dict:
        """Each phases chart draws what its own row of charts.csv says."""
        return {"view": row.view, "phases": list(row.concepts), "series": list(row.series)}

    @classmethod
    def has_rows(cls, ds, *, phases=None, **options) -> bool:
        return bool(phases if phases is not None else declared(ds, cls.name).get("concepts"))

    def about(self) -> str:
        return self.spec.get("description") or self.description

    def draw(self, fig: go.Figure) -> None:
        pal, labels, cats = palette(self.ds), self.labels, self.cats
        n = max(len(self.phases), 1)
        if len(self.series) == 2:
            x = np.linspace(0, n, 20 * n + 1)
            falling = 0.85 - 0.55 / (1 + np.exp(-4 * (x - 2.1 / 3 * n)))
            rising = 0.15 + 0.75 / (1 + np.exp(-4 * (x - 2.2 / 3 * n)))
            for name, y, line in (
                (self.series[0], falling, {"color": style.SCHEMATIC_COLOURS[0], "width": 4}),
                (self.series[1], rising, {"color": style.SCHEMATIC_COLOURS[1], "width": 4, "dash": "dash"}),
            ):
                fig.add_trace(
                    go.Scatter(x=x.round(3), y=y.round(4), name=f"{_t(name)} (schematic)", hoverinfo="skip", line=line)
                )
        for i, (p, near) in enumerate(zip(self.phases, self.near, strict=True)):
            fill = style.PHASE_FILLS[i % len(style.PHASE_FILLS)]
            fig.add_vrect(x0=i, x1=i + 1, fillcolor=fill, line_width=0, layer="below")
            fig.add_annotation(x=i + 0.5, y=1.07, text=f"<b>{_t(labels[p])}</b>", showarrow=False, font={"size": 18})
            for j, c in enumerate(near or ()):
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

    def words(self) -> list[str]:
        labels, phases, series = self.labels, self.phases, self.series
        words = []
        if len(series) == 2:
            ends = f" from {labels[phases[0]]} to {labels[phases[-1]]}" if phases else ""
            words.append(
                f"The curves are a schematic, not measured data: {series[0]} (solid line) gives way to "
                f"{series[1]} (dashed line){ends}."
            )
        words += [
            f"{labels[p]}: " + ", ".join(labels[c] for c in near) + "."
            for p, near in zip(phases, self.near, strict=True)
            if near
        ]
        return words or [f"{len(phases)} phases: " + ", ".join(labels[p] for p in phases) + "."]

    def table(self) -> dict:
        labels = self.labels
        return _table(
            "The phases in order, with the concepts shown under each",
            ["Order", "Phase", "Concepts shown under it"],
            [
                [i + 1, labels[p], ", ".join(labels[c] for c in near or ())]
                for i, (p, near) in enumerate(zip(self.phases, self.near, strict=True))
            ],
        )

    def layout(self) -> dict:
        return {
            "height": 760,
            "margin": {"l": 40, "r": 30, "t": 120, "b": 40},
            "title": TITLE_ROW,  # above the legend
            "xaxis": {
                "range": [0, max(len(self.phases), 1)],
                "showticklabels": False,
                "title": {"text": "Time (schematic)"},
                "showgrid": False,
            },
            "yaxis": {
                "range": [-0.8, 1.14],
                "showticklabels": False,
                "title": {"text": ""},
                "showgrid": False,
                "zeroline": False,
            },
            "legend": {"orientation": "h", "y": 1.16, "x": 1, "xanchor": "right"},
        }


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
    return make_figure(Phases, ds, view=view, phases=phases, series=series)
