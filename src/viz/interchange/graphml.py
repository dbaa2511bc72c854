"""GraphML (http://graphml.graphdrawing.org/): plain, as yEd saves it (yWorks extensions), as Gephi,
Cytoscape or networkx write it.

Labels, positions and colours come from yEd's node graphics (``y:NodeLabel``, ``y:Geometry`` -- its
top left corner -- and ``y:Fill``) when there are any, else from data keys with the usual names
(``label``/``name``, ``x``/``y``, ``color`` or ``r``/``g``/``b``). A node that holds a graph of its own
(a yEd group) is a group, and becomes the category of the nodes inside it; so does a data key named
``category``, ``group``, ``type`` or ``class``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from viz.interchange import _xml
from viz.interchange.model import Concept, Group, Link, Map, clean_text, number

__all__ = ["NAMESPACE", "read", "write"]

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
YWORKS = "http://www.yworks.com/xml/graphml"
LABEL_KEYS = ("label", "name", "title", "shared name", "shared_name")
VERB_KEYS = ("label", "verb", "relation", "interaction", "name", "type")
GROUP_KEYS = ("category", "group", "type", "class", "kind", "modularity_class", "modularity class")
TEXT_KEYS = ("description", "summary", "note", "tooltip")
#: Data keys that hold what the tables keep elsewhere, or layout: read without a word.
QUIET_KEYS = frozenset(
    {
        "x",
        "y",
        "z",
        "r",
        "g",
        "b",
        "color",
        "colour",
        "size",
        "width",
        "height",
        "url",
        "id",
        "selected",
        "suid",
        "directed",
        "weight",
        "source",
        "target",
    }
)


def _geometry(gfx: _xml.Element) -> tuple[str, float | None, float | None, float | None, float | None, str | None]:
    """Label, centre, size and fill of a yEd node graphics element (the active realizer of a group)."""
    realizers = next(gfx.iter("Realizers"), None)
    if realizers is not None and realizers.children:
        active = int(realizers.attrs.get("active", "0") or 0)
        gfx = realizers.children[min(active, len(realizers.children) - 1)]
    label = next((el.text for el in gfx.iter("NodeLabel")), "")
    geo, fill = next(gfx.iter("Geometry"), None), next(gfx.iter("Fill"), None)
    x = y = w = h = None
    if geo is not None:
        try:
            w, h = float(geo.attrs.get("width", 0)), float(geo.attrs.get("height", 0))
            x, y = float(geo.attrs["x"]) + w / 2, float(geo.attrs["y"]) + h / 2
        except (KeyError, ValueError):
            x = y = w = h = None
    colour = fill.attrs.get("color") if fill is not None and fill.attrs.get("transparent") != "true" else None
    return label, x, y, w, h, _hex(colour)


def _hex(value: str | None) -> str | None:
    v = (value or "").strip().lstrip("#")
    if len(v) in (6, 8) and all(ch in "0123456789abcdefABCDEF" for ch in v):
        return "#" + v[:6].lower()
    return None


def read(data: bytes, name: str) -> Map:
    """Read a GraphML file into a :class:`~viz.interchange.model.Map`."""
    root = _xml.root(data, name, "graphml", "GraphML")
    m = Map(name, "graphml")
    keys: dict[str, tuple[str, str]] = {}  # id -> (attr.name lower case, yfiles.type)
    for k in root.findall("key"):
        keys[k.attrs.get("id", "")] = ((k.attrs.get("attr.name") or "").lower(), k.attrs.get("yfiles.type", ""))
    graph = root.find("graph")
    if graph is None:
        return m
    for d in graph.findall("data"):
        if keys.get(d.attrs.get("key", ""), ("", ""))[0] in ("description", "title", "label") and d.alltext().strip():
            m.title = clean_text(d.alltext())
    directed = graph.attrs.get("edgedefault", "directed") == "directed"
    dropped_keys: set[str] = set()
    _nodes(m, graph, keys, None, dropped_keys)
    for edge in graph.iter("edge"):
        _edge(m, edge, keys, directed)
    for el in graph.iter("hyperedge"):
        m.drop(el.line, "a hyperedge (a link between more than two nodes)")
    return m


def _data(el: _xml.Element, keys: dict) -> tuple[dict[str, str], _xml.Element | None]:
    values, gfx = {}, None
    for d in el.findall("data"):
        attr, yfiles = keys.get(d.attrs.get("key", ""), ("", ""))
        if yfiles in ("nodegraphics", "edgegraphics"):
            gfx = d
        elif attr:
            values[attr] = d.alltext()
    return values, gfx


def _nodes(m: Map, graph: _xml.Element, keys: dict, group: str | None, dropped_keys: set) -> None:
    for node in graph.findall("node"):
        key = node.attrs.get("id", "")
        values, gfx = _data(node, keys)
        label, x, y, w, h, colour = _geometry(gfx) if gfx is not None else ("", None, None, None, None, None)
        label = label or next((values[k] for k in LABEL_KEYS if values.get(k)), "")
        colour = colour or _hex(values.get("color") or values.get("colour")) or _rgb(values)
        inner = node.find("graph")
        if inner is not None:
            m.groups[key] = Group(key, clean_text(label) or key, colour, node.line)
            if group:
                m.drop(
                    node.line,
                    f"the group '{clean_text(label) or key}' sits in another group: each of their "
                    "concepts is in the innermost one",
                )
            _nodes(m, inner, keys, key, dropped_keys)
            continue
        if x is None and number(values.get("x")) is not None and number(values.get("y")) is not None:
            x, y = number(values["x"]), number(values["y"])
        c = Concept(key, label or key, node.line, colour=colour, x=x, y=y, width=w, height=h)
        c.text = next((values[k] for k in TEXT_KEYS if values.get(k)), "")
        c.group = group
        attr = next((k for k in GROUP_KEYS if values.get(k)), None)
        if c.group is None and attr:
            gkey = f"{attr}:{values[attr]}"
            title = values[attr] if attr in ("category", "group", "class", "kind") else f"{attr} {values[attr]}"
            m.groups.setdefault(gkey, Group(gkey, clean_text(title), colour, node.line))
            c.group = gkey
        for k in sorted(set(values) - set(LABEL_KEYS) - set(TEXT_KEYS) - set(GROUP_KEYS) - QUIET_KEYS - dropped_keys):
            dropped_keys.add(k)
            m.drop(node.line, f"the node attribute '{clean_text(k)}' (no column of the tables holds it)")
        for port in node.findall("port"):
            m.drop(port.line, "a port of a node (links join whole concepts)")
        m.concepts.append(c)


def _rgb(values: dict) -> str | None:
    try:
        r, g, b = (int(float(values[k])) for k in ("r", "g", "b"))
    except (KeyError, ValueError):
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


def _edge(m: Map, edge: _xml.Element, keys: dict, directed: bool) -> None:
    a, b = edge.attrs.get("source", ""), edge.attrs.get("target", "")
    if a in m.groups or b in m.groups:
        m.drop(edge.line, "a link to a group (the tables link concepts, not categories)")
        return
    values, gfx = _data(edge, keys)
    verb = ""
    if gfx is not None:
        verb = next((el.text for el in gfx.iter("EdgeLabel")), "")
        arrows = next(gfx.iter("Arrows"), None)
        if arrows is not None:
            start, end = arrows.attrs.get("source", "none"), arrows.attrs.get("target", "none")
            if start != "none" and end == "none":
                a, b = b, a
            directed = start != "none" or end != "none"
    verb = verb or next((values[k] for k in VERB_KEYS if values.get(k)), "")
    if "directed" in edge.attrs:
        directed = edge.attrs["directed"] == "true"
    m.links.append(Link(a, b, verb, edge.line, directed))


def write(m: Map) -> str:
    """Write a map as GraphML: plain data keys (label, category, x, y, color; networkx, igraph and Gephi read
    them) and yEd's graphics (boxes where our map draws them, in their category's colour, with the verbs as
    edge labels)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<graphml xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:y="{YWORKS}" '
        f'xsi:schemaLocation="{NAMESPACE} http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd">',
        '  <key id="d0" for="graph" attr.name="description" attr.type="string"/>',
        '  <key id="d1" for="node" yfiles.type="nodegraphics"/>',
        '  <key id="d2" for="node" attr.name="label" attr.type="string"/>',
        '  <key id="d3" for="node" attr.name="category" attr.type="string"/>',
        '  <key id="d4" for="node" attr.name="x" attr.type="double"/>',
        '  <key id="d5" for="node" attr.name="y" attr.type="double"/>',
        '  <key id="d6" for="node" attr.name="color" attr.type="string"/>',
        '  <key id="d7" for="edge" yfiles.type="edgegraphics"/>',
        '  <key id="d8" for="edge" attr.name="label" attr.type="string"/>',
        '  <graph id="G" edgedefault="directed">',
        f'    <data key="d0">{escape(m.title or m.name)}</data>',
    ]
    for i, c in enumerate(m.concepts):
        g = m.groups.get(c.group or "")
        colour = (g.colour if g else None) or c.colour or "#ffffff"
        w, h, x, y = c.width or 160.0, c.height or 40.0, c.x or 0.0, c.y or 0.0
        out += [
            f'    <node id="n{i}">',
            '      <data key="d1"><y:ShapeNode>'
            f'<y:Geometry x="{x - w / 2:g}" y="{y - h / 2:g}" width="{w:g}" height="{h:g}"/>'
            f'<y:Fill color="{colour.upper()}" transparent="false"/>'
            f"<y:NodeLabel>{escape(c.label)}</y:NodeLabel>"
            '<y:Shape type="roundrectangle"/></y:ShapeNode></data>',
            f'      <data key="d2">{escape(c.label)}</data>',
            *([f'      <data key="d3">{escape(g.label)}</data>'] if g else []),
            f'      <data key="d4">{x:g}</data>',
            f'      <data key="d5">{y:g}</data>',
            f'      <data key="d6">{colour}</data>',
            "    </node>",
        ]
    ids = {c.key: f"n{i}" for i, c in enumerate(m.concepts)}
    for i, k in enumerate(m.links):
        head = "standard" if k.directed else "none"
        out += [
            f'    <edge id="e{i}" source="{ids[k.source]}" target="{ids[k.target]}">',
            f'      <data key="d7"><y:PolyLineEdge><y:Arrows source="none" target="{head}"/>'
            f"<y:EdgeLabel>{escape(k.verb)}</y:EdgeLabel></y:PolyLineEdge></data>",
            f'      <data key="d8">{escape(k.verb)}</data>',
            "    </edge>",
        ]
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)
