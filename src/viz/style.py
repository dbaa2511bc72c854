"""One visual language for maps and charts, read from the vocabulary tables.

Colours and shapes come from ``categories.csv`` and line styles from
``relation_types.csv``, so a category has the same colour on every map and
every chart, and a course author restyles everything by editing data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape

__all__ = [
    "BACKGROUND",
    "FOCUS",
    "GLYPHS",
    "HEAT",
    "INK",
    "JUPYTER",
    "MAP_STATES",
    "OKABE_ITO",
    "PAGE",
    "SHAPES_WITH_LABEL_INSIDE",
    "VERDICTS",
    "Palette",
    "contrast_ratio",
    "css_root",
    "glyph_svg",
    "kind_style",
    "line_svg",
    "palette",
    "plotly_template",
    "readable_text",
]

#: Body text colour: 15.3:1 on white.
INK = "#1b1b1f"
MUTED = "#4a4d55"
EDGE = "#5b5f66"
BACKGROUND = "#ffffff"
#: Frames, rules and soft fills of the pages and charts.
LINE = "#d5d8de"
SOFT = "#f3f4f6"
GRID = "#eceef1"
NOTE_INK = "#4b5563"
#: Okabe and Ito's palette, safe for colour-blind readers: for series that are not concept categories.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
#: Marker shapes to go with them, so that a series never rests on colour alone.
SYMBOLS = ["circle", "diamond", "square", "triangle-up", "star", "hexagon", "cross", "x"]
#: Event kinds of the timeline: colour and marker symbol.
KIND_STYLE = {
    "discovery": ("#E69F00", "diamond"),
    "publication": ("#56B4E9", "square"),
    "trial": ("#009E73", "triangle-up"),
    "approval": ("#0072B2", "circle"),
    "award": ("#D55E00", "star"),
    "guideline": ("#CC79A7", "hexagon"),
}
#: Three stages in order (resistance classes, phases): from mild to severe.
STAGE_COLOURS = ["#56B4E9", "#E69F00", "#D55E00"]
#: Soft backgrounds for three phases in order (elimination, equilibrium, escape).
PHASE_FILLS = ["#e7f4ef", "#fdf8dc", "#fbe9e0"]
#: The falling and the rising schematic curve of a phases chart.
SCHEMATIC_COLOURS = ["#009e73", "#d55e00"]
#: Colour and marker of each group of a grouped chart (side effects), in order: never colour alone.
GROUP_STYLES = [
    ("#0072b2", "circle"),
    ("#d55e00", "diamond"),
    ("#009e73", "square"),
    ("#cc79a7", "triangle-up"),
    ("#e69f00", "star"),
    ("#56b4e9", "hexagon"),
]
#: From failed (low) through investigational to approved (high).
STATUS_SCALE = [[0, "#D55E00"], [0.5, "#F0E442"], [1, "#009E73"]]
#: Sankey links: how a class feeds a mechanism, what a mechanism weakens, what a strategy targets.
FLOW_LINKS = {"class": "rgba(120,120,120,0.28)", "weakens": "rgba(213,94,0,0.22)", "strategy": "rgba(204,121,167,0.30)"}
#: Label boxes drawn over a chart.
LABEL_BOX = "rgba(255,255,255,0.92)"
#: The keyboard focus ring, on the map (around the current concept) and on the pages' controls:
#: 6.9:1 on white, and unlike any category colour.
FOCUS = "#b0006d"
#: The map's neighbourhood highlight: what is dimmed, and the links of the selected concept.
#: Dimmed is lighter, never invisible: a dimmed node's outline and a dimmed link keep 3:1 against the
#: background and a dimmed label 4.5:1 (WCAG 1.4.11 and 1.4.3; tests/test_maps.py checks).
MAP_STATES = {
    "dim": {"background": SOFT, "border": "#858a93"},
    "dimFont": "#61656d",
    "edge": EDGE,
    "edgeOn": INK,
    "edgeOff": "#858a93",
    "halo": BACKGROUND,
    "ink": INK,
    "focus": FOCUS,
    "focusHalo": BACKGROUND,
}
#: How a build exercise's verdicts are drawn on the map, in the browser after Check (static/build.js) and on
#: the pages `immunoviz compare` writes: a colour (3:1 on white for lines, 4.5:1 for the mark as text), a
#: line pattern and a mark, so that no verdict is told by colour alone.
VERDICTS = {
    "right": {"colour": "#1a7f37", "dashes": False, "width": 3.5, "mark": "✓", "word": "right"},
    "partial": {"colour": "#8a5a00", "dashes": [10, 5], "width": 3.5, "mark": "≈", "word": "other verb"},
    "missing": {"colour": "#6f42c1", "dashes": [2, 5], "width": 2.5, "mark": "?", "word": "missing"},
    "extra": {"colour": "#c8102e", "dashes": [12, 4, 2, 4], "width": 3.5, "mark": "✗", "word": "extra"},
}
#: The class page's heat over links: the share of students who did not give a proposition right, in five
#: bands from none to all, each darker and wider than the last (and labelled with its count).
HEAT = [
    {"upto": 0.2, "colour": "#6e7781", "width": 1.5},
    {"upto": 0.4, "colour": "#b35900", "width": 3.0},
    {"upto": 0.6, "colour": "#b3261e", "width": 4.5},
    {"upto": 0.8, "colour": "#82071e", "width": 6.0},
    {"upto": 1.0, "colour": "#4c0519", "width": 7.5},
]
MAP_STATES["verdicts"] = VERDICTS
#: What a student puts on the map in a build exercise (a placed concept, a drawn link): the pages' accent.
MAP_STATES["yours"] = "#0a5bab"
FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
#: How every page looks, once: ``static/immunoviz.css`` reads these as custom properties (``var(--ink)``)
#: from the ``:root`` block :func:`css_root` writes in front of it. Text colours meet WCAG AA (4.5:1) on
#: their backgrounds and control outlines 3:1 (``tests/test_accessibility.py``).
PAGE = {
    "ink": INK,
    "muted": MUTED,
    "line": LINE,
    "paper": BACKGROUND,
    "soft": SOFT,
    "accent": "#0a5bab",
    "accent-ink": BACKGROUND,
    "warn-bg": "#fff4d6",
    "warn-ink": "#5c4300",
    "focus": FOCUS,
    "control": "#8a8f98",
    "disabled": "#6b6f78",
    "right": "#0b6b3a",
    "wrong": "#9b2c00",
    "story-bg": "rgba(243, 244, 246, 0.96)",
    "bar-bg": "rgba(255, 255, 255, 0.94)",
    "shadow": "rgba(0, 0, 0, 0.15)",
    "shadow-strong": "rgba(0, 0, 0, 0.18)",
    "this-year": "rgba(230, 159, 0, 0.22)",
    "year-fill": "rgba(230, 159, 0, 0.28)",
    "year-line": "#b87d00",
    "alert": "#d55e00",
    "font": FONT_STACK,
    "base": "16px",
    "caption": "18px",
    # a build exercise's verdicts, as the map draws them (VERDICTS)
    **{f"verdict-{k}": v["colour"] for k, v in VERDICTS.items()},
}
#: A lesson page is nbconvert's JupyterLab page: its prompts (greyed to 2.2:1) and code colours darkened to
#: 4.5:1 on the code background (#f5f5f5), so that they meet WCAG AA on our pages too. Its prompts are wider:
#: in JupyterLab's 64 px, "In [1]:" in DejaVu Sans Mono (65 px with its padding) read "In [1…" on every code cell.
JUPYTER = {
    "jp-cell-prompt-width": "80px",
    "jp-cell-prompt-not-active-opacity": "1",
    "jp-cell-prompt-not-active-font-color": "#616161",
    "jp-cell-inprompt-font-color": "#1b6aa5",
    "jp-cell-outprompt-font-color": "#a8472e",
    "jp-mirror-editor-comment-color": "#3d6b6b",
    "jp-mirror-editor-operator-color": "#8a1cd1",
    "jp-mirror-editor-meta-color": "#8a1cd1",
    "jp-mirror-editor-number-color": "#006e00",
    "jp-mirror-editor-keyword-color": "#007000",
    "jp-mirror-editor-builtin-color": "#007000",
    "jp-mirror-editor-atom-color": "#4646c8",
    "jp-mirror-editor-bracket-color": "#666633",
    "jp-mirror-editor-quote-color": "#006e00",
    "jp-mirror-editor-error-color": "#c00000",
    "jp-mirror-editor-hr-color": "#666666",
    "jp-mirror-editor-tag-color": "#117700",
}


def css_root() -> str:
    """The custom properties every page's stylesheet reads: :data:`PAGE` on ``:root``, :data:`JUPYTER` on
    a lesson page's body. The one place a colour of the pages is written.

    Examples
    --------
    >>> from viz import style
    >>> style.css_root().splitlines()[1]
    ':root {'
    """

    def block(selector: str, props: dict) -> str:
        return selector + " {\n" + "".join(f"  --{k}: {v};\n" for k, v in props.items()) + "}\n"

    return (
        "/* generated from viz.style.PAGE and viz.style.JUPYTER: change colours there */\n"
        + block(":root", PAGE)
        + block("body.immunoviz-notebook", JUPYTER)
    )


#: vis-network draws the label inside these shapes, so the fill must contrast with it. (A cylinder,
#: "database", as wide as its label grows as tall: it is a glyph in a chip, like the other glyphs.)
SHAPES_WITH_LABEL_INSIDE = frozenset({"box", "dashedBox", "ellipse", "circle", "text"})


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


def kind_style(kind: str, index: int = 0) -> tuple[str, str]:
    """Colour and marker symbol of an event kind (a kind we do not know gets the ``index``-th of the palette)."""
    return KIND_STYLE.get(kind) or (OKABE_ITO[index % len(OKABE_ITO)], SYMBOLS[index % len(SYMBOLS)])


def plotly_template(pal: Palette | None = None):
    """The plotly template every immunoviz chart uses: our fonts, ink and colourway.

    One per colourway, made once (a chart explorer draws a figure on every choice, and building the
    template took a fifth of that): do not change it; ``fig.update_layout(template=...)`` copies it."""
    return _template(tuple(pal.colours().values()) if pal else ())


@cache
def _template(colourway: tuple[str, ...]):
    import plotly.graph_objects as go
    import plotly.io as pio

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
        template.layout.colorway = list(colourway)
    return template


# ---------------------------------------------------------------------------
# glyphs: the node shapes and line styles as inline SVG, for legends and static pictures


def _points(pts) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def _star(r_out: float = 10.0, r_in: float = 4.2):
    return [
        (
            (r_out if i % 2 == 0 else r_in) * math.cos(math.radians(-90 + 36 * i)),
            (r_out if i % 2 == 0 else r_in) * math.sin(math.radians(-90 + 36 * i)),
        )
        for i in range(10)
    ]


def _hexagon(r: float = 9.0):
    return [(r * math.cos(math.radians(60 * i)), r * math.sin(math.radians(60 * i))) for i in range(6)]


#: Each vis-network shape as an SVG element centred on 0,0 about 20 units across; ``{style}`` takes its paint.
GLYPHS = {
    "dot": '<circle r="8"{style}/>',
    "circle": '<circle r="9"{style}/>',
    "square": '<rect x="-7.5" y="-7.5" width="15" height="15"{style}/>',
    "box": '<rect x="-10.5" y="-7" width="21" height="14" rx="3"{style}/>',
    "dashedBox": '<rect x="-10.5" y="-7" width="21" height="14" rx="3" stroke-dasharray="3 2"{style}/>',
    "ellipse": '<ellipse rx="10.5" ry="7"{style}/>',
    "diamond": '<polygon points="0,-10 10,0 0,10 -10,0"{style}/>',
    "triangle": '<polygon points="0,-9.5 9.5,7.5 -9.5,7.5"{style}/>',
    "triangleDown": '<polygon points="0,9.5 9.5,-7.5 -9.5,-7.5"{style}/>',
    "star": f'<polygon points="{_points(_star())}"{{style}}/>',
    "hexagon": f'<polygon points="{_points(_hexagon())}"{{style}}/>',
    "database": '<path d="M-8,-6 v12 a8,3 0 0 0 16,0 v-12 a8,3 0 0 0 -16,0 a8,3 0 0 0 16,0"{style}/>',
}


def glyph_svg(shape: str, colour: str) -> Markup:
    """A 24-pixel inline SVG of a node shape in a colour, for legends.

    Examples
    --------
    >>> from viz.style import glyph_svg
    >>> 'fill="#0072b2"' in glyph_svg("diamond", "#0072b2")
    True
    """
    paint = f' fill="{escape(colour)}" stroke="{INK}" stroke-width="1.5"'
    body = GLYPHS.get(shape, GLYPHS["dot"]).format(style=paint)
    return Markup(
        f'<svg class="glyph" width="24" height="24" viewBox="-12 -12 24 24" aria-hidden="true" '
        f'focusable="false">{body}</svg>'
    )


def line_svg(line: str, arrow: str) -> Markup:
    """A 44-pixel inline SVG of a relation's line style and arrow head, for legends."""
    dash = {"solid": "", "dashed": ' stroke-dasharray="6 4"', "dotted": ' stroke-dasharray="1.5 3.5"'}[line]
    head = {
        "arrow": f'<polygon points="42,6 33,1.5 33,10.5" fill="{EDGE}"/>',
        "bar": f'<line x1="41" y1="0" x2="41" y2="12" stroke="{EDGE}" stroke-width="2.5"/>',
        "none": "",
    }[arrow]
    end = 33 if arrow == "arrow" else 40
    return Markup(
        f'<svg class="glyph-line" width="44" height="12" viewBox="0 0 44 12" aria-hidden="true" '
        f'focusable="false"><line x1="1" y1="6" x2="{end}" y2="6" stroke="{EDGE}" '
        f'stroke-width="2"{dash}/>{head}</svg>'
    )
