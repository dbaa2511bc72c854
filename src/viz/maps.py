"""Graph + positions -> a styled pyvis network. Pure: nothing here writes files.

:func:`concept_map` is the drawing function; :func:`view_map` composes the
pipeline for one view of a dataset (graph -> layout -> map). The returned
:class:`ConceptMap` is a ``pyvis.network.Network`` whose ``nodes``, ``edges``
and ``options`` hold everything vis-network needs, and whose ``page`` holds
what our page template adds around it: title, introduction, legend, story
steps, concept texts and their sources. :func:`viz.render.render_map` turns it
into a page and :func:`viz.export.write_map` into a file.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
from pyvis.network import Network

from viz import DISCLAIMER, render
from viz import exercise as _exercise
from viz import graph as _graph
from viz import layout as _layout
from viz.model import Field, Geometry, LegendCategory, LegendRelation, MapPage
from viz.style import BACKGROUND, EDGE, FONT_STACK, INK, SHAPES_WITH_LABEL_INSIDE, Palette, palette

__all__ = ["ConceptMap", "concept_map", "laid_out_map", "node_boxes", "view_map"]

#: Node label size and glyph radius, in the layout's units (the layouts leave room for labels this size).
#: Presenter mode does not change them: it gives the map the whole width of the window, so the page
#: draws the same picture larger without labels running into each other.
FONT_SIZE = _layout.FONT
NODE_SIZE = _layout.GLYPH
#: On the map of everything, the page labels up to this many hubs when it opens (the best linked, as
#: long as their labels keep clear of each other); the rest as the reader zooms in.
HUBS = 1000
#: Node attributes that say how a concept is drawn; every other one is text for the panel.
DRAWN = frozenset({"label", "category", "shape", "first_year", "step", "rank", "skeleton", "x", "y"})
#: Edge attributes that say how a relation is drawn; every other one is text for the panel.
DRAWN_EDGE = frozenset({"relation"})


class ConceptMap(Network):
    """A pyvis network with the page content immunoviz adds around it.

    In Jupyter it shows itself as the same offline page, in a sandboxed iframe
    (:func:`viz.render.map_iframe`).
    """

    def __init__(self, *, directed: bool = True):
        super().__init__(height="100%", width="100%", directed=directed, cdn_resources="remote")
        self.page: MapPage = MapPage()
        self.vis_options: dict = {}

    def __repr__(self) -> str:
        return f"<ConceptMap {self.page.id!r}: {len(self.nodes)} concepts, {len(self.edges)} relations>"

    def _repr_html_(self) -> str:  # shown inline by Jupyter, JupyterLab and VS Code
        return render.map_iframe(self)


def _text_fields(attrs: Mapping, drawn: frozenset) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items() if k not in drawn}


def concept_map(
    g: nx.MultiDiGraph,
    pos: Mapping,
    *,
    pal: Palette,
    sources: Mapping[str, Mapping[str, str]] | None = None,
    fields: Mapping[str, str] | None = None,
    sides: Mapping | None = None,
    curves: Mapping | None = None,
    wrap: float = _layout.LABEL_WIDTH,
    hubs: list | None = None,
    presenter: bool = False,
    title: str | None = None,
    intro: str | None = None,
) -> ConceptMap:
    """Draw a concept graph at the given positions as a styled pyvis network.

    Parameters
    ----------
    g
        A graph from :func:`viz.graph.view_graph` (or any graph whose nodes carry
        ``label`` and ``category``). Every other node and edge attribute (summary,
        detail, aliases, sources, note, and any column a course author adds) is
        text for the page's panel.
    pos
        ``{node: (x, y)}`` from a ``*_layout`` function; physics stays off, so
        these are where the nodes are drawn.
    pal
        Colours, shapes and line styles (:func:`viz.style.palette`).
    sources
        ``{source id: {"citation", "url"}}`` for the side panel's links.
    fields
        ``{column: title}`` of the concepts table, in schema order (:meth:`viz.data.Dataset.field_titles`):
        the text columns the panel, the text version and the tooltips show, under these titles. By
        default every text attribute the nodes carry, titled by its name.
    sides
        ``{node: "inside" | "right" | "left" | "below"}``: where each label goes (:func:`viz.layout.label_sides`);
        the page draws the labels beside glyphs itself. By default a glyph's label hangs below it.
    curves
        ``{(a, b): smooth option}``: the edges drawn curved, as vis-network's ``smooth`` options
        (:func:`viz.layout.route.edge_shapes`); a kind alone (``"curvedCW"``) bows with the layout's roundness.
    wrap
        The width, in layout units, at which labels wrap.
    hubs
        Nodes whose labels are drawn even when the map is zoomed too far out to read the rest.
    presenter
        Open the page in presenter mode (the map across the whole window, larger text), for projection.

    Returns
    -------
    ConceptMap

    Examples
    --------
    >>> import networkx as nx
    >>> from viz import data, maps, style
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("pd1", label="PD-1", category="molecule", summary="A brake on T cells.")
    >>> net = maps.concept_map(g, {"pd1": (0, 0)}, pal=style.palette(data.load()))
    >>> net.nodes[0]["label"], net.page.concepts["pd1"]
    ('PD-1', {'summary': 'A brake on T cells.'})
    """
    net = ConceptMap(directed=True)
    sides = dict(sides or {})
    curves = dict(curves or {})
    used_categories: list[str] = []
    for n in sorted(g.nodes, key=str):
        attrs = g.nodes[n]
        cat = pal.categories[attrs["category"]]
        if cat.id not in used_categories:
            used_categories.append(cat.id)
        x, y = pos[n]
        label = attrs.get("label", str(n))
        lines = _layout.wrap(label, wrap)
        shape = {"chip": "box", "inside": cat.vis_shape()["shape"]}.get(sides.get(n, "inside"), "dot")
        net.add_node(
            str(n),
            label=label,
            shape=shape,
            **(_ellipse_size(label, lines, wrap) if shape == "ellipse" else {}),
            group=cat.id,  # colour and label colour come from the group (vis-network's groups option)
            x=float(x),
            y=float(y),
            step=int(attrs.get("step", 1)),
            year=attrs.get("first_year"),
            **({"text": "\n".join(lines)} if len(lines) > 1 else {}),  # the label as the layout wrapped it
        )
    used_relations: list[str] = []
    for a, b, key, attrs in sorted(g.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        rel = pal.relations[attrs.get("relation", key)]
        if rel.id not in used_relations and not attrs.get("hidden"):
            used_relations.append(rel.id)
        arrows = {"to": {"enabled": rel.arrow != "none", "type": "bar" if rel.arrow == "bar" else "arrow"}}
        extra = {"hidden": True} if attrs.get("hidden") else {}
        if (a, b) in curves:  # a vis-network smooth option, or a kind drawn with the layout's roundness
            how = curves[(a, b)]
            extra["smooth"] = {
                "enabled": True,
                **({"type": how, "roundness": _layout.ROUNDNESS} if isinstance(how, str) else how),
            }
        net.add_edge(
            str(a),
            str(b),
            rel=rel.id,
            arrows=arrows,
            dashes=rel.dashes,
            color=EDGE,
            title=f"{g.nodes[a].get('label', a)} {rel.label} {g.nodes[b].get('label', b)}",
            **extra,
        )
    cats = [pal.categories[c] for c in sorted(used_categories, key=lambda c: pal.categories[c].order)]
    look = {g.nodes[n]["category"]: "glyph" if sides.get(n) in ("right", "left", "below") else sides.get(n) for n in g}
    net.vis_options = _vis_options(FONT_SIZE, NODE_SIZE)
    net.vis_options["groups"] = {c.id: _group(c, look.get(c.id, "inside")) for c in cats}
    rels = [pal.relations[r] for r in pal.relations if r in used_relations]
    concepts = {str(n): _text_fields(g.nodes[n], DRAWN) for n in sorted(g.nodes, key=str)}
    notes = {
        f"{a}|{key}|{b}": _text_fields(attrs, DRAWN_EDGE)
        for a, b, key, attrs in sorted(g.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1])))
    }
    cited = sorted({s for t in (*concepts.values(), *notes.values()) for s in t.get("sources") or ()})
    net.page = MapPage(
        id=g.graph.get("id", "map"),
        title=title or g.graph.get("title", "Concept map"),
        intro=intro if intro is not None else g.graph.get("intro", ""),
        topic=g.graph.get("topic", ""),
        steps=tuple(g.graph.get("steps", ())),
        replay=bool(g.graph.get("replay", False)),
        version=g.graph.get("version", ""),
        disclaimer=g.graph.get("disclaimer") or DISCLAIMER,
        example=_search_example(g, g.graph.get("search_example", "")),
        presenter=presenter,
        categories=tuple(LegendCategory(c.id, c.label, c.colour, c.shape, c.description, c.font_colour) for c in cats),
        relations=tuple(LegendRelation(r.id, r.label, r.line, r.arrow, r.description, r.directed) for r in rels),
        concepts=concepts,
        notes=notes,
        fields=_fields(concepts, fields),
        sides={str(n): side for n, side in sorted(sides.items(), key=lambda x: str(x[0])) if side != "inside"},
        hubs=tuple(str(n) for n in hubs or ()),
        skeleton=tuple(_exercise.skeleton(g)),  # what the build-from-a-skeleton exercise draws
        sources={s: dict(sources[s]) for s in cited if sources and s in sources},
        geometry=Geometry(wrap=wrap),
    )
    net.page = net.page.replace(parts=_step_parts(net))
    return net


def node_boxes(net) -> dict[str, _layout.Box]:
    """``{concept: Box}``: what each concept of a map takes when drawn, its label included (in the layout's units).

    Examples
    --------
    >>> from viz import data, maps
    >>> box = maps.node_boxes(maps.view_map(data.load(), "checkpoints"))["pd1"]
    >>> box.w > box.h > 0
    True
    """
    cats = {c.id: c for c in net.page.categories}
    sides = net.page.sides
    wrap = net.page.geometry.wrap
    return {
        n["id"]: _layout.label_box(
            n["label"],
            shape=cats[n["group"]].shape if n["group"] in cats else "box",
            side=sides.get(n["id"], "inside"),
            width=wrap,
        )
        for n in net.nodes
    }


def _step_parts(net) -> dict[int, tuple[tuple[str, ...], ...]]:
    """``{step: parts}`` of the story steps whose new concepts are too far apart to show at once at
    :data:`viz.layout.STEP_PX` on a projector (:func:`viz.layout.step_parts` on
    :func:`viz.layout.presenter_stage`): the page shows them part after part."""
    if not net.page.steps:
        return {}
    at = {n["id"]: (n["x"], n["y"]) for n in net.nodes}
    boxes = node_boxes(net)
    fresh: dict[int, list[str]] = {}
    for n in net.nodes:
        fresh.setdefault(n["step"], []).append(n["id"])
    captions = net.page.steps
    parts = {
        k: _layout.step_parts(at, boxes, ids, _layout.presenter_stage(captions[k - 1] if k <= len(captions) else ""))
        for k, ids in sorted(fresh.items())
    }
    return {k: tuple(tuple(p) for p in groups) for k, groups in parts.items() if len(groups) > 1}


#: Concept columns that are not text for the reader: references to other tables.
REFERENCES = frozenset({"id", "sources"})


def _fields(concepts: Mapping[str, Mapping], titles: Mapping[str, str] | None) -> tuple[Field, ...]:
    """The concept columns the panel, the text version and the tooltips show, in schema order, with their
    titles (``titles`` from the schema; without it, every column the concepts carry, titled by its name)."""
    present: dict[str, bool] = {}
    for texts in concepts.values():
        for k, v in texts.items():
            present[k] = present.get(k, False) or isinstance(v, list | tuple)
    names = list(titles) if titles is not None else list(present)
    return tuple(
        Field(k, (titles or {}).get(k) or k.replace("_", " ").capitalize(), present.get(k, False))
        for k in names
        if k in present and k not in DRAWN and k not in REFERENCES
    )


def _group(c, look: str) -> dict:
    """vis-network's options for the nodes of a category, drawn as ``look``.

    ``inside``: a shape that holds its label, which vis-network draws. ``chip``: a box with room before
    the label for the category's glyph, which the page draws. ``glyph``: the page draws the glyph and
    its label (on a map too big to label whole); vis-network keeps an unseen dot to click and to end
    the edges at.
    """
    fill = {"background": c.colour, "border": INK}
    if look == "glyph":
        clear = {"background": "rgba(0,0,0,0)", "border": "rgba(0,0,0,0)"}
        return {"shape": "dot", "color": {**clear, "highlight": clear, "hover": clear}, "font": {"size": 0}}
    if look == "chip":
        fill = {"background": BACKGROUND, "border": INK}
        pad_x, pad_y = _layout.CHIP_PAD
        return {
            "shape": "box",
            "color": {**fill, "highlight": fill, "hover": fill},
            "font": {"color": INK, "strokeWidth": 0, "align": "left"},
            "margin": {"top": pad_y, "bottom": pad_y, "left": pad_x + _layout.CHIP_GLYPH, "right": pad_x},
            "borderWidth": 1,
            "shapeProperties": {"borderRadius": 4},
        }
    inside = c.shape in SHAPES_WITH_LABEL_INSIDE
    return {
        **c.vis_shape(),
        "color": {**fill, "highlight": fill, "hover": fill},
        "font": {"color": c.font_colour, "strokeWidth": 0} if inside else {"color": c.font_colour, "size": 0},
    }


def _search_example(g: nx.MultiDiGraph, preferred: str) -> str:
    """The label a map's search box offers as an example: the site's if the map shows it, else its best-linked one."""
    labels = {str(g.nodes[n].get("label", n)) for n in g.nodes}
    if preferred in labels or not labels:
        return preferred if labels else ""
    degree = dict(nx.Graph(g).degree())
    best = min(g.nodes, key=lambda n: (-degree.get(n, 0), str(g.nodes[n].get("label", n)).lower(), str(n)))
    return str(g.nodes[best].get("label", best))


def _ellipse_size(label: str, lines: list[str], wrap: float) -> dict:
    """The constraint that draws an ellipse round its label's corners instead of through them.

    vis-network sizes an ellipse from its label alone (as wide as the text plus its height, twice as tall),
    so a long one-line label's ends ran into the outline ("Immune surveillance" on the Three Es map). A
    minimum width for the label sets the ellipse's (``width = label width + label height``, a label being
    the font size tall a line): 1.3 x the text, where the text's corners fall well inside it
    (0.77^2 + 0.5^2 = 0.84 of the way out), and never wider than the box the layout gave it
    (:func:`viz.layout.label_box`), which keeps its neighbours clear.
    """
    text = max(_layout.text_width(line, FONT_SIZE) for line in lines)
    box = _layout.label_box(label, shape="ellipse", side="inside", width=wrap, font=FONT_SIZE)
    return {"widthConstraint": {"minimum": round(min(1.3 * text, box.w) - FONT_SIZE * len(lines), 1)}}


def _vis_options(font_size: float, node_size: float) -> dict:
    """vis-network options: no physics (positions come from Python), fast drawing."""
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": True, "iterations": 200, "fit": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
            "hideEdgesOnDrag": False,
        },
        "nodes": {
            "size": node_size,
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "font": {"size": font_size, "face": FONT_STACK, "strokeWidth": 4, "strokeColor": BACKGROUND},
            "margin": 8,
            "widthConstraint": False,  # labels come wrapped, as the layout measured them
        },
        "edges": {
            "smooth": False,
            "width": 1.4,
            "selectionWidth": 2.5,
            "arrowStrikethrough": False,
            "color": {"inherit": False},
        },
    }


def view_map(ds, view: str, *, presenter: bool = False, seed: int = 7) -> ConceptMap:
    """Build the map of one view of a dataset: graph -> layout -> styled network.

    Examples
    --------
    >>> from viz import data, maps
    >>> net = maps.view_map(data.load(), "checkpoints")
    >>> len(net.nodes) > 0
    True
    """
    g = _graph.view_graph(ds, view)
    sources = {i: {"citation": r.citation, "url": r.url} for i, r in ds.sources.iterrows()}
    fields = ds.field_titles("concepts")
    return laid_out_map(g, pal=palette(ds), sources=sources, fields=fields, presenter=presenter, seed=seed)


def laid_out_map(
    g: nx.MultiDiGraph,
    *,
    pal: Palette,
    sources: Mapping[str, Mapping[str, str]] | None = None,
    fields: Mapping[str, str] | None = None,
    presenter: bool = False,
    seed: int = 7,
) -> ConceptMap:
    """Lay out a concept graph as its view asks (``g.graph["layout"]``) and draw it: layout -> styled network.

    What :func:`view_map` does after it has built the graph; the benchmarks call it on synthetic graphs.

    Examples
    --------
    >>> import networkx as nx
    >>> from viz import data, maps, style
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("pd1", label="PD-1", category="molecule", summary="A brake on T cells.")
    >>> g.add_node("pdl1", label="PD-L1", category="molecule", summary="Its ligand.")
    >>> g.add_edge("pdl1", "pd1", key="is_a", relation="is_a")
    'is_a'
    >>> net = maps.laid_out_map(g, pal=style.palette(data.load()))
    >>> sorted(n["id"] for n in net.nodes)
    ['pd1', 'pdl1']
    """
    drawing = _layout.view_layout(g, seed=seed)
    return concept_map(
        g,
        drawing.pos,
        pal=pal,
        sources=sources,
        fields=fields,
        sides=drawing.sides,
        curves=drawing.curves,
        wrap=drawing.wrap,
        hubs=drawing.hubs,
        presenter=presenter,
    )
