"""One visual language for maps and charts, read from the vocabulary tables.

Colours and shapes come from ``categories.csv`` and line styles from
``relation_types.csv``, so a category has the same colour on every map and
every chart, and a course author restyles everything by editing data.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "INK",
    "SHAPES_WITH_LABEL_INSIDE",
    "Palette",
    "contrast_ratio",
    "palette",
    "plotly_template",
    "readable_text",
]

#: Body text colour: 15.3:1 on white.
INK = "#1b1b1f"
MUTED = "#4a4d55"
EDGE = "#5b5f66"
BACKGROUND = "#ffffff"
FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
#: vis-network draws the label inside these shapes, so the fill must contrast with it.
SHAPES_WITH_LABEL_INSIDE = frozenset({"box", "dashedBox", "ellipse", "circle", "database", "text"})


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    return INK if contrast_ratio(fill, INK) >= contrast_ratio(fill, "#ffffff") else "#ffffff"


@dataclass(frozen=True)
class CategoryStyle:
    id: str
    label: str
    colour: str
    shape: str
    description: str
    order: int

    @property
    def font_colour(self) -> str:
        """Label colour: on the fill for shapes that hold their label, else ink on the page."""
        return readable_text(self.colour) if self.shape in SHAPES_WITH_LABEL_INSIDE else INK

    def vis_shape(self) -> dict:
        """The vis-network options that draw this shape (ours adds ``dashedBox``)."""
        if self.shape == "dashedBox":
            return {"shape": "box", "shapeProperties": {"borderDashes": [5, 3]}}
        if self.shape == "database":  # a cylinder as wide as its label is also that tall: wrap it
            return {"shape": "database", "widthConstraint": {"maximum": 90}}
        return {"shape": self.shape}


@dataclass(frozen=True)
class RelationStyle:
    id: str
    label: str
    directed: bool
    line: str
    arrow: str
    description: str

    @property
    def dashes(self) -> bool | list[int]:
        return {"solid": False, "dashed": [8, 6], "dotted": [2, 5]}[self.line]


@dataclass(frozen=True)
class Palette:
    """Styles of every category and relation type of a dataset."""

    categories: dict[str, CategoryStyle]
    relations: dict[str, RelationStyle]

    def colour(self, category: str) -> str:
        return self.categories[category].colour

    def colours(self) -> dict[str, str]:
        """``{category id: colour}`` in legend order."""
        return {c.id: c.colour for c in self.categories.values()}


def palette(ds) -> Palette:
    """Build the :class:`Palette` of a dataset."""
    cats = ds.categories.sort_values("order")
    categories = {
        row.id: CategoryStyle(row.id, row.label, row.colour.lower(), str(row.shape), row.description, int(row.order))
        for row in cats.itertuples(index=False)
    }
    relations = {
        row.id: RelationStyle(row.id, row.label, bool(row.directed), str(row.line), str(row.arrow), row.description)
        for row in ds.relation_types.itertuples(index=False)
    }
    return Palette(categories, relations)


def plotly_template(pal: Palette | None = None) -> go.layout.Template:
    """The plotly template every immunoviz chart uses: our fonts, ink and colourway."""
    colourway = list(pal.colours().values()) if pal else None
    template = go.layout.Template(pio.templates["simple_white"])
    template.layout.update(
        font={"family": FONT_STACK, "size": 15, "color": INK},
        title={"font": {"size": 22}, "x": 0.01, "xanchor": "left"},
        hoverlabel={"font": {"family": FONT_STACK, "size": 14}, "bgcolor": "#ffffff", "bordercolor": MUTED},
        legend={"font": {"size": 14}},
        margin={"l": 60, "r": 30, "t": 70, "b": 60},
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
    )
    if colourway:
        template.layout.colorway = colourway
    return template
