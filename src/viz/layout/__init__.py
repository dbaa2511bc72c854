"""Positions for concept graphs: pure, seeded ``*_layout`` functions, and how readable they are.

Every ``*_layout`` function takes a networkx graph and returns ``{node: (x, y)}``
in screen units (y grows downwards, as on a canvas). The same graph and seed
always give the same positions, whatever the hash seed of the process.

- :func:`layered_layout` puts the data's ranks in columns, left to right, and
  orders each column with igraph's Sugiyama layout, dot's median sweeps and
  sifting, then simulated annealing on the drawing as the reader sees it;
- :func:`circular_layout` keeps ranked nodes on a ring in rank order (the steps
  of the cancer-immunity cycle) and orders the rest around it, each beside the
  steps it links to, with the fewest crossings;
- :func:`force_layout` is igraph's Fruchterman-Reingold, then overlap removal
  on the boxes of the nodes and their labels;
- :func:`manual_layout` keeps the positions a map file drew (``x``/``y`` in
  ``view_concepts.csv``), scaled to our labels.

:func:`view_layout` picks the layout a view asks for and returns its :class:`Drawing`:
the positions with the label sides, bowed edges, wrap width and hubs a page draws. On a
layered or circular map, :func:`edge_shapes` then draws each edge that would run under a
chip it does not end at as one of vis-network's curves (:data:`SHAPES`) that runs clear.

Labels are part of the layout: a node is drawn as its category's glyph with the
label beside it (:data:`SIDES`), or as a shape that holds its label. The
:class:`Box` of a node says how much room both take; :func:`overlaps`,
:func:`crossings` and :func:`fit_scale` measure a layout as a reader sees it.

The package, in the manner of networkx's drawing package, from the bottom up:
:mod:`~viz.layout.labels` (text widths, wrapping, label boxes and sides),
:mod:`~viz.layout.measure` (edges as drawn, crossings, overlaps, fit, story
steps), the layouts :mod:`~viz.layout.force`, :mod:`~viz.layout.circular` and
:mod:`~viz.layout.layered`, :mod:`~viz.layout.route` (edges round chips), and ``_view`` (which
layout a view gets, cached).
"""

from viz.layout._view import Drawing, view_layout
from viz.layout.circular import circular_layout
from viz.layout.force import force_layout, remove_overlaps
from viz.layout.labels import (
    BIG,
    CANVAS,
    CHIP_GLYPH,
    CHIP_PAD,
    FONT,
    GLYPH,
    HUBS,
    LABEL_GAP,
    LABEL_WIDTH,
    LEADING,
    READABLE_PX,
    SIDES,
    Box,
    columns,
    hubs,
    label_box,
    label_sides,
    node_boxes,
    text_width,
    wrap,
    wrap_width,
)
from viz.layout.layered import layered_layout
from viz.layout.manual import manual_layout
from viz.layout.measure import (
    MAX_ZOOM,
    PRESENTER_MAP,
    ROUNDNESS,
    STEP_PX,
    AsDrawn,
    as_drawn,
    control_points,
    crossings,
    curve_via,
    edge_curves,
    extent,
    fit_scale,
    framed_px,
    overlaps,
    presenter_stage,
    readability,
    step_parts,
    step_px,
)
from viz.layout.route import SHAPES, edge_shapes

__all__ = [
    "BIG",
    "CANVAS",
    "CHIP_GLYPH",
    "CHIP_PAD",
    "FONT",
    "GLYPH",
    "HUBS",
    "LABEL_GAP",
    "LABEL_WIDTH",
    "LEADING",
    "MAX_ZOOM",
    "PRESENTER_MAP",
    "READABLE_PX",
    "ROUNDNESS",
    "SHAPES",
    "SIDES",
    "STEP_PX",
    "AsDrawn",
    "Box",
    "Drawing",
    "as_drawn",
    "circular_layout",
    "columns",
    "control_points",
    "crossings",
    "curve_via",
    "edge_curves",
    "edge_shapes",
    "extent",
    "fit_scale",
    "force_layout",
    "framed_px",
    "hubs",
    "label_box",
    "label_sides",
    "layered_layout",
    "manual_layout",
    "node_boxes",
    "overlaps",
    "presenter_stage",
    "readability",
    "remove_overlaps",
    "step_parts",
    "step_px",
    "text_width",
    "view_layout",
    "wrap",
    "wrap_width",
]
