"""GEXF 1.1, 1.2 and 1.3 (Gephi's format; https://gexf.net/), with the ``viz`` namespace as found in the wild.

A node's ``viz:position`` is its centre in Gephi's coordinates, whose ``y`` grows upwards (sigma.js
flips it too: jacomyal/sigma.js#272); ``viz:color`` its colour. A node attribute named like a category
(``category``, ``group``, ``Modularity Class`` ...) or a node's parent in a hierarchy (nested
``<nodes>`` or ``pid``) becomes its category. Every namespace spelling is accepted: elements are
matched by local name.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from viz.interchange import _xml
from viz.interchange.graphml import GROUP_KEYS, TEXT_KEYS
from viz.interchange.model import Concept, Group, Link, Map, clean_text, number

__all__ = ["NAMESPACE", "read", "write"]

NAMESPACE = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"


def _colour(el: _xml.Element | None) -> str | None:
    if el is None:
        return None
    if el.attrs.get("hex"):
        v = el.attrs["hex"].lstrip("#")
        return f"#{v.lower()}" if len(v) == 6 else None
    try:
        r, g, b = (max(0, min(255, int(float(el.attrs[k])))) for k in ("r", "g", "b"))
    except (KeyError, ValueError):
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


def read(data: bytes, name: str) -> Map:
    """Read a GEXF file into a :class:`~viz.interchange.model.Map`."""
    root = _xml.root(data, name, "gexf", "GEXF")
    m = Map(name, "gexf")
    meta = root.find("meta")
    if meta is not None:
        m.title = clean_text(next((el.alltext() for el in meta.children if el.tag in ("title", "description")), ""))
    graph = root.find("graph")
    if graph is None:
        return m
    titles: dict[str, str] = {}
    for block in graph.findall("attributes"):
        if block.attrs.get("class") == "node":
            for a in block.findall("attribute"):
                titles[a.attrs.get("id", "")] = a.attrs.get("title") or a.attrs.get("id") or ""
    if graph.attrs.get("mode") == "dynamic" or any(True for _ in graph.iter("spells")):
        m.drop(graph.line, "the times at which nodes and links exist (a dynamic graph): every one is kept, always")
    directed = graph.attrs.get("defaultedgetype", "undirected") != "undirected"
    nodes = graph.find("nodes")
    dropped: set[str] = set()
    pids: dict[str, str] = {}
    if nodes is not None:
        _nodes(m, nodes, titles, None, dropped, pids)
    by_key = {c.key: c for c in m.concepts}
    for c in m.concepts:  # the flat form of a hierarchy: pid names the parent
        if pids.get(c.key) in by_key:
            _make_group(m, by_key[pids[c.key]])
            c.group = pids[c.key]
    m.concepts = [c for c in m.concepts if c.key not in m.groups]
    edges = graph.find("edges")
    for e in edges.findall("edge") if edges is not None else []:
        a, b = e.attrs.get("source", ""), e.attrs.get("target", "")
        if a in m.groups or b in m.groups:
            m.drop(e.line, "a link to a node that holds other nodes (it became a category)")
            continue
        kind = e.attrs.get("type", "directed" if directed else "undirected")
        if "weight" in e.attrs and e.attrs["weight"] not in ("1", "1.0"):
            m.drop(e.line, "the weight of a link (the tables have no weights)")
        m.links.append(Link(a, b, e.attrs.get("label", ""), e.line, kind == "directed"))
    return m


def _make_group(m: Map, c: Concept) -> None:
    if c.key not in m.groups:
        m.groups[c.key] = Group(c.key, c.label, c.colour, c.line)
        m.drop(c.line, f"the node '{clean_text(c.label)}' holds other nodes: it became their category, not a concept")


def _nodes(m: Map, nodes: _xml.Element, titles: dict, parent: Concept | None, dropped: set, pids: dict) -> None:
    for n in nodes.findall("node"):
        key = n.attrs.get("id", "")
        values, shown = {}, {}
        for av in n.iter("attvalue"):
            title = titles.get(av.attrs.get("for", ""), av.attrs.get("for", ""))
            values[title.lower()], shown[title.lower()] = av.attrs.get("value", ""), title
        pos = next((el for el in n.children if el.tag == "position"), None)
        size = next((el for el in n.children if el.tag == "size"), None)
        look = next((el for el in n.children if el.tag == "color"), None)
        c = Concept(key, n.attrs.get("label", "") or key, n.line, colour=_colour(look))
        if pos is not None and number(pos.attrs.get("x")) is not None and number(pos.attrs.get("y")) is not None:
            c.x, c.y = number(pos.attrs["x"]), -number(pos.attrs["y"])
        if size is not None and number(size.attrs.get("value")):
            c.width = c.height = 2 * number(size.attrs["value"])
        c.text = next((values[k] for k in TEXT_KEYS if values.get(k)), "")
        attr = next((k for k in GROUP_KEYS if values.get(k)), None)
        if parent is not None:
            _make_group(m, parent)
            c.group = parent.key
        elif attr:
            gkey = f"{attr}:{values[attr]}"
            title = values[attr] if attr in ("category", "group", "class", "kind") else f"{shown[attr]} {values[attr]}"
            m.groups.setdefault(gkey, Group(gkey, clean_text(title), c.colour, n.line))
            c.group = gkey
        for k in sorted(set(values) - set(TEXT_KEYS) - set(GROUP_KEYS) - dropped):
            dropped.add(k)
            m.drop(n.line, f"the node attribute '{clean_text(shown[k])}' (no column of the tables holds it)")
        if n.attrs.get("pid"):
            pids[key] = n.attrs["pid"]
        m.concepts.append(c)
        inner = n.find("nodes")
        if inner is not None:
            _nodes(m, inner, titles, c, dropped, pids)


def write(m: Map) -> str:
    """Write a map as GEXF 1.3 with the viz extension: positions (``y`` up, as Gephi reads them), colours
    and sizes, the category as a node attribute and the verb as each edge's label."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{NAMESPACE}" xmlns:viz="{VIZ}" version="1.3">',
        "  <meta>",
        "    <creator>immunoviz</creator>",
        f"    <description>{escape(m.title or m.name)}</description>",
        "  </meta>",
        '  <graph defaultedgetype="directed" mode="static">',
        '    <attributes class="node" mode="static">',
        '      <attribute id="category" title="category" type="string"/>',
        "    </attributes>",
        "    <nodes>",
    ]
    for i, c in enumerate(m.concepts):
        g = m.groups.get(c.group or "")
        colour = ((g.colour if g else None) or c.colour or "#999999").lstrip("#")
        r, gg, b = (int(colour[j : j + 2], 16) for j in (0, 2, 4))
        out.append(f'      <node id="n{i}" label={quoteattr(c.label)}>')
        if g:
            out.append(f'        <attvalues><attvalue for="category" value={quoteattr(g.label)}/></attvalues>')
        out += [
            f'        <viz:color r="{r}" g="{gg}" b="{b}"/>',
            f'        <viz:position x="{c.x or 0.0:g}" y="{-(c.y or 0.0):g}" z="0"/>',
            f'        <viz:size value="{max(c.width or 20.0, c.height or 20.0) / 2:g}"/>',
            "      </node>",
        ]
    out += ["    </nodes>", "    <edges>"]
    ids = {c.key: f"n{i}" for i, c in enumerate(m.concepts)}
    for i, k in enumerate(m.links):
        kind = "directed" if k.directed else "mutual"  # both ways: networkx refuses "undirected" in a directed graph
        out.append(
            f'      <edge id="e{i}" source="{ids[k.source]}" target="{ids[k.target]}" type="{kind}" '
            f"label={quoteattr(k.verb)}/>"
        )
    out += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(out)
