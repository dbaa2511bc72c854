"""Labels as a layout sees them: how wide text is drawn, where it wraps, the box a node and its
label take, and which side of its glyph the label goes.

Everything here is measured without a browser: :func:`text_width` uses the advance of each
character in the pages' font, as Chromium draws it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Mapping
from typing import NamedTuple

import networkx as nx

from viz.style import SHAPES_WITH_LABEL_INSIDE

__all__ = [
    "BIG",
    "CANVAS",
    "FONT",
    "GLYPH",
    "HUBS",
    "LABEL_WIDTH",
    "SIDES",
    "Box",
    "columns",
    "hubs",
    "label_box",
    "label_sides",
    "node_boxes",
    "text_width",
    "wrap",
    "wrap_width",
]

Positions = dict[Hashable, tuple[float, float]]


#: Label size, glyph radius and the width at which labels wrap, in layout units. On screen a label
#: is ``FONT x zoom`` pixels high, so a layout is readable when it fits the screen at a zoom near 1.
FONT = 15.0
GLYPH = 9.0
LABEL_WIDTH = 170.0
#: Line height, in ems.
LEADING = 1.25
#: The map a layout is shaped for: what a 1280 x 720 projector leaves for it in presenter mode, under
#: the legend and above the story's caption.
CANVAS = (1180.0, 480.0)
#: Where a node's label goes: in its shape; in a box with the node's glyph before it (a "chip": edges
#: meet the box, never run through the label); or beside its glyph.
SIDES = ("inside", "chip", "right", "left", "below")

#: vis-network shapes that hold their label (the others are glyphs with the label beside them).
LABEL_INSIDE = SHAPES_WITH_LABEL_INSIDE
#: A map with more nodes than this is for zooming into: its categories are held together in regions, and
#: only its hubs are labelled when it opens (:func:`hubs`).
BIG = 100
#: On such a map, the page labels up to this many hubs when it opens (the best linked, as long as their
#: labels keep clear of each other); the rest as the reader zooms in.
HUBS = 1000
#: Gap between a glyph and its label, between two columns, and between two rows.
LABEL_GAP = 5.0
COLUMN_GAP = 56.0
ROW_GAP = 5.0
#: Between two nodes of a folded column, room for the links that pass to the other half.
FOLD_GAP = 16.0
#: The label size, in pixels, a whole map must keep on :data:`CANVAS`.
READABLE_PX = 12.0
#: The room in a chip: around the text, and before it for the glyph.
CHIP_PAD = (8.0, 5.0)
CHIP_GLYPH = 2 * GLYPH + LABEL_GAP + 4.0

#: Advance of each character in ems, as Chromium draws 15 px system-ui on Debian (DejaVu Sans, one of
#: the widest common sans-serif faces, so labels measured with it fit in the narrower ones too).
_EMS = {
    " ": 0.318,
    "&": 0.78,
    "(": 0.39,
    ")": 0.39,
    "+": 0.838,
    ",": 0.318,
    "-": 0.361,
    ".": 0.318,
    "/": 0.337,
    "0": 0.636,
    "1": 0.636,
    "2": 0.636,
    "3": 0.636,
    "4": 0.636,
    "5": 0.636,
    "6": 0.636,
    "7": 0.636,
    "8": 0.636,
    "9": 0.636,
    ":": 0.337,
    ";": 0.337,
    "A": 0.684,
    "B": 0.686,
    "C": 0.698,
    "D": 0.77,
    "E": 0.632,
    "F": 0.575,
    "G": 0.775,
    "H": 0.752,
    "I": 0.295,
    "J": 0.295,
    "K": 0.656,
    "L": 0.557,
    "M": 0.863,
    "N": 0.748,
    "O": 0.787,
    "P": 0.603,
    "Q": 0.787,
    "R": 0.695,
    "S": 0.635,
    "T": 0.611,
    "U": 0.732,
    "V": 0.684,
    "W": 0.989,
    "X": 0.685,
    "Y": 0.611,
    "Z": 0.685,
    "a": 0.613,
    "b": 0.635,
    "c": 0.55,
    "d": 0.635,
    "e": 0.615,
    "f": 0.352,
    "g": 0.635,
    "h": 0.634,
    "i": 0.278,
    "j": 0.278,
    "k": 0.579,
    "l": 0.278,
    "m": 0.974,
    "n": 0.634,
    "o": 0.612,
    "p": 0.635,
    "q": 0.635,
    "r": 0.411,
    "s": 0.521,
    "t": 0.392,
    "u": 0.634,
    "v": 0.592,
    "w": 0.818,
    "x": 0.592,
    "y": 0.592,
    "z": 0.525,
}


def text_width(text: str, font: float = FONT) -> float:
    """About how wide ``text`` is drawn in the pages' sans-serif font of ``font`` units (no browser needed).

    Examples
    --------
    >>> from viz.layout import text_width
    >>> round(text_width("PD-1"))
    36
    """
    return font * sum(_EMS.get(ch, 0.62) for ch in text)


def wrap(label: str, max_width: float = LABEL_WIDTH, font: float = FONT) -> list[str]:
    """The lines a label is drawn in: words wrapped at ``max_width`` (a long word gets a line of its own).

    Examples
    --------
    >>> from viz.layout import wrap
    >>> wrap("Tumour-infiltrating lymphocyte therapy")
    ['Tumour-infiltrating', 'lymphocyte therapy']
    """
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(lines[-1] + " " + word, font) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class Box(NamedTuple):
    """The room a node and its label take, in layout units: width, height, and where the
    box's centre lies relative to the node's position (a label beside a glyph pulls it over)."""

    w: float
    h: float
    dx: float = 0.0
    dy: float = 0.0


@functools.lru_cache(maxsize=1 << 16)  # pure; a big map's slides ask for the same boxes millions of times
def label_box(
    label: str,
    *,
    shape: str = "box",
    side: str = "below",
    width: float = LABEL_WIDTH,
    font: float = FONT,
    size: float = GLYPH,
) -> Box:
    """The :class:`Box` of a node drawn as ``shape`` with its label at ``side``.

    Examples
    --------
    >>> from viz.layout import label_box
    >>> box = label_box("PD-1", shape="diamond", side="right")
    >>> box.dx > 0 and box.h < 2 * box.w
    True
    """
    lines = wrap(label, width, font)
    tw = max(text_width(line, font) for line in lines)
    th = LEADING * font * len(lines)
    if side == "chip":
        return Box(CHIP_GLYPH + tw + 2 * CHIP_PAD[0], max(2 * size, th) + 2 * CHIP_PAD[1])
    if side == "inside":
        w, h = tw + 16.0, th + 12.0  # vis-network's margin around the text
        if shape == "ellipse":
            w, h = w * 1.2, h * 1.2
        elif shape == "circle":
            w = h = max(w, h)
        return Box(w, h)
    glyph = 2.0 * size
    if side in ("right", "left"):
        w = glyph + LABEL_GAP + tw
        return Box(w, max(glyph, th), (w / 2 - size) * (1 if side == "right" else -1), 0.0)
    h = glyph + LABEL_GAP + th
    return Box(max(glyph, tw), h, 0.0, h / 2 - size)


def label_sides(g: nx.Graph, pos: Positions) -> dict:
    """Where each node's label goes.

    A shape that holds its label keeps it inside; a glyph and its label share a chip. On a map too
    large to label whole (more than :data:`BIG` nodes), every node is its category's glyph, with the
    label below it, so that the page can leave most labels out until the reader zooms in.
    """
    if len(g) > BIG:
        return dict.fromkeys(g.nodes, "below")
    return {n: _side(g, n) for n in g.nodes}


def _side(g: nx.Graph, n) -> str:
    """Where a node's label goes on a map small enough to label whole."""
    return "inside" if g.nodes[n].get("shape") in LABEL_INSIDE else "chip"


def node_boxes(g: nx.Graph, sides: Mapping, *, width: float | None = None) -> dict:
    """:func:`label_box` of every node of ``g``, from its ``label`` and ``shape``, its side and the map's
    :func:`wrap_width`."""
    width = wrap_width(g) if width is None else width
    return {
        n: label_box(a.get("label", str(n)), shape=a.get("shape", "dot"), side=sides.get(n, "below"), width=width)
        for n, a in g.nodes(data=True)
    }


def wrap_width(g: nx.Graph) -> float:
    """Where the labels of a map wrap: on a layered map with few columns, wider than :data:`LABEL_WIDTH`
    (the columns share the width of the screen), so that a tall column needs fewer lines."""
    if g.graph.get("layout") != "layered":
        return LABEL_WIDTH
    count = sum(columns(g)[1].values()) or 1
    room = CANVAS[0] / count - COLUMN_GAP - CHIP_GLYPH - 2 * CHIP_PAD[0]
    return float(min(2 * LABEL_WIDTH, max(LABEL_WIDTH, 10 * (room // 10))))


def columns(g: nx.Graph, *, rank: str = "rank") -> tuple[dict, dict]:
    """The columns of a layered map: ``({node: column}, {column: folds})``, left to right.

    Each rank is a column. A rank too tall to show at :data:`READABLE_PX` on :data:`CANVAS` (its
    labels wrapped at :data:`LABEL_WIDTH`) is split in two side by side, the nodes linked to a column
    on the left first, when both halves hold a quarter of it at least; otherwise it is folded: its
    nodes zig-zag between two or three columns, with room between two nodes of one column for the
    links to the other.
    """
    limit = CANVAS[1] * FONT / READABLE_PX
    rank_of = {n: r if r is not None else 0 for n, r in g.nodes(data=rank)}

    def need(ns) -> float:
        return sum(
            label_box(g.nodes[n].get("label", str(n)), shape=g.nodes[n].get("shape", "dot"), side=_side(g, n)).h
            + ROW_GAP
            for n in ns
        )

    und = nx.Graph()
    und.add_nodes_from(g.nodes)
    und.add_edges_from((a, b) for a, b in g.edges() if a != b)
    column: dict = {}
    fold: dict = {}
    k = 0
    for r in sorted(set(rank_of.values())):
        members = sorted((n for n in g if rank_of[n] == r), key=str)
        parts = [members]
        if need(members) > limit:
            linked = [n for n in members if any(rank_of[m] < r for m in und.neighbors(n))]
            rest = [n for n in members if n not in set(linked)]
            if min(len(linked), len(rest)) >= len(members) / 4:
                parts = [linked, rest]
        for part in parts:
            column.update(dict.fromkeys(part, k))
            fold[k] = min(3, max(1, math.ceil(need(part) / limit)))
            k += 1
    return column, fold


def hubs(g: nx.Graph, most: int) -> list:
    """The ``most`` best-linked nodes, best first (ties by label): the labels a page shows on a map too
    big to label whole, as long as they keep clear of each other on the screen.

    Examples
    --------
    >>> import networkx as nx
    >>> from viz import layout
    >>> layout.hubs(nx.star_graph(5), 2)
    [0, 1]
    """
    return sorted(g.nodes, key=lambda n: (-g.degree(n), str(g.nodes[n].get("label", n)), str(n)))[:most]
