"""The map as a typed model: what every host draws (the page, the notebook widget, the slides, the SVG).

:func:`viz.maps.concept_map` fills a :class:`MapPage` beside the pyvis network it draws (the nodes,
edges and vis-network options stay pyvis's own); :func:`viz.render.map_payload` turns both into the
one JSON payload that ``static/map.js`` reads. Nothing here draws or writes anything.

Examples
--------
>>> from viz import data, maps
>>> page = maps.view_map(data.load(), "checkpoints").page
>>> page.id, [f.title for f in page.fields][:2]
('checkpoints', ['Summary', 'More detail'])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from viz import DISCLAIMER
from viz import layout as _layout

__all__ = ["Field", "Geometry", "LegendCategory", "LegendRelation", "MapPage"]


@dataclass(frozen=True)
class LegendCategory:
    """A kind of concept as the legend shows it: its colour, glyph and the colour of a label drawn on it."""

    id: str
    label: str
    colour: str
    shape: str
    description: str
    font: str


@dataclass(frozen=True)
class LegendRelation:
    """A relation type as the legend shows it: its line (solid, dashed, dotted) and arrow head."""

    id: str
    label: str
    line: str
    arrow: str
    description: str
    directed: bool = True


@dataclass(frozen=True)
class Field:
    """A text column of the concepts table that the panel, the text version and the tooltips show.

    ``title`` is the column's title in the schema; ``is_list`` says the cell holds a list (shown joined).
    """

    name: str
    title: str
    is_list: bool = False


@dataclass(frozen=True)
class Geometry:
    """How the page draws labels and frames the map, in the layout's units (the layout measured with these).

    ``max_zoom`` and ``max_zoom_presenter`` cap how far a small story step is blown up; ``step_px`` is
    the size at which a step shows what it reveals; a map with hubs labels them at ``hub_px`` while it
    is zoomed out below ``all_px``, and names its regions at ``region_px``.
    """

    font: float = _layout.FONT
    glyph: float = _layout.GLYPH
    gap: float = _layout.LABEL_GAP
    leading: float = _layout.LEADING
    wrap: float = _layout.LABEL_WIDTH
    max_zoom: float = 1.25
    max_zoom_presenter: float = _layout.MAX_ZOOM
    step_px: float = _layout.STEP_PX
    hub_px: float = 14.0
    all_px: float = 9.0
    region_px: float = 20.0

    def payload(self) -> dict:
        """The geometry as the page script reads it (camelCase keys)."""
        return {
            "font": self.font,
            "glyph": self.glyph,
            "gap": self.gap,
            "leading": self.leading,
            "wrap": self.wrap,
            "maxZoom": self.max_zoom,
            "maxZoomPresenter": self.max_zoom_presenter,
            "stepPx": self.step_px,
            "hubPx": self.hub_px,
            "allPx": self.all_px,
            "regionPx": self.region_px,
        }


@dataclass(frozen=True)
class MapPage:
    """Everything a map shows besides vis-network's nodes and edges.

    ``concepts`` maps a concept id to its text fields (``{column: value}``, lists as lists) and
    ``notes`` a relation (``"from|relation|to"``) to its text fields; ``fields`` are the concept
    columns to show, in schema order, with their titles; ``sides`` says where a label is drawn when it
    is not inside its shape; ``hubs`` are the concepts labelled first on a big map; ``sources`` are
    the citations (``{id: {"citation", "url"}}``) the concepts and relations cite; ``parts`` splits a
    story step whose new concepts are too far apart to read at once (``{step: (part, ...)}``, each part a
    tuple of concept ids), which the page then shows one part after another.
    """

    id: str = "map"
    title: str = "Concept map"
    intro: str = ""
    topic: str = ""
    steps: tuple[str, ...] = ()
    parts: Mapping[int, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    replay: bool = False
    version: str = ""
    disclaimer: str = DISCLAIMER
    example: str = ""
    presenter: bool = False
    categories: tuple[LegendCategory, ...] = ()
    relations: tuple[LegendRelation, ...] = ()
    concepts: Mapping[str, dict] = field(default_factory=dict)
    notes: Mapping[str, dict] = field(default_factory=dict)
    fields: tuple[Field, ...] = ()
    sides: Mapping[str, str] = field(default_factory=dict)
    hubs: tuple[str, ...] = ()
    skeleton: tuple[str, ...] = ()
    sources: Mapping[str, dict] = field(default_factory=dict)
    geometry: Geometry = field(default_factory=Geometry)

    def replace(self, **changes) -> MapPage:
        """A copy with some fields changed (the page is frozen).

        Examples
        --------
        >>> MapPage(id="a").replace(title="B").title
        'B'
        """
        return dataclasses.replace(self, **changes)
