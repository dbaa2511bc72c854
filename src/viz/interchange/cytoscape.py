"""Cytoscape.js JSON (``cy.json()``, and the ``.cyjs`` files Cytoscape desktop exports; https://js.cytoscape.org/).

``elements`` holds ``nodes`` and ``edges`` (or one list of elements with a ``group``); each has its
``data`` (``id``, ``label`` or ``name``; an edge's ``source``, ``target`` and ``label`` or
``interaction``) and a node its ``position``, a centre. A compound node (the ``parent`` of others)
is a group and becomes their category; so does ``data.category``.
"""

from __future__ import annotations

import json

from viz.interchange import _json
from viz.interchange.graphml import GROUP_KEYS, LABEL_KEYS, TEXT_KEYS, VERB_KEYS
from viz.interchange.model import Concept, FileError, Group, Link, Map, clean_text, refuse_many

__all__ = ["elements", "read", "write"]


def elements(doc) -> tuple[list, list] | None:
    """The node and edge elements of a Cytoscape.js document, or None if it is not one.

    ``elements`` may hold ``nodes`` and ``edges`` or one list of elements; a document may also be that
    list, or have its ``nodes`` (each with its ``data``) and ``edges`` at the top.
    """
    items = doc.get("elements") if isinstance(doc, dict) else doc
    if (
        isinstance(doc, dict)
        and items is None
        and isinstance(doc.get("nodes"), list)
        and doc["nodes"]
        and all(isinstance(n, dict) and "data" in n for n in doc["nodes"])
    ):
        items = doc
    if isinstance(items, dict) and isinstance(items.get("nodes", []), list):
        return [n for n in items.get("nodes", []) if isinstance(n, dict)], [
            e for e in items.get("edges", []) or [] if isinstance(e, dict)
        ]
    if isinstance(items, list) and items and all(isinstance(el, dict) and "data" in el for el in items):
        nodes = [el for el in items if el.get("group") == "nodes" or "source" not in el.get("data", {})]
        return nodes, [el for el in items if el not in nodes]
    return None


def read(data: bytes, name: str) -> Map:
    """Read a Cytoscape.js JSON file into a :class:`~viz.interchange.model.Map`."""
    doc = _json.load(data, name)
    text = data.decode("utf-8-sig")
    found = elements(doc)
    if found is None:
        raise FileError(name, "not a Cytoscape.js file: it has no 'elements' with nodes and edges", 1, 1)
    nodes, edges = found
    refuse_many(name, len(nodes))
    lines, ends = _json.id_lines(text), _json.id_lines(text, "source")
    m = Map(name, "cytoscape")
    if isinstance(doc, dict):
        info = doc.get("data") if isinstance(doc.get("data"), dict) else {}
        m.title = clean_text(info.get("name") or info.get("title") or "")
        if doc.get("style"):
            line = text.count("\n", 0, max(text.find('"style"'), 0)) + 1
            m.drop(line, "the style sheet (colours and shapes come from categories.csv and relation_types.csv)")
    parents = {str(n.get("data", {}).get("parent")) for n in nodes if n.get("data", {}).get("parent") is not None}
    for n in nodes:
        d = n.get("data") if isinstance(n.get("data"), dict) else {}
        key = str(d.get("id"))
        line = lines.get(key, 1)
        label = next((str(d[k]) for k in LABEL_KEYS if d.get(k) not in (None, "")), key)
        if key in parents:
            m.groups[key] = Group(key, clean_text(label), None, line)
            continue
        c = Concept(key, label, line, text=next((str(d[k]) for k in TEXT_KEYS if d.get(k)), ""))
        pos = n.get("position")
        if isinstance(pos, dict) and all(isinstance(pos.get(k), int | float) for k in ("x", "y")):
            c.x, c.y = float(pos["x"]), float(pos["y"])
        if d.get("parent") is not None:
            c.group = str(d["parent"])
        else:
            attr = next((k for k in GROUP_KEYS if d.get(k) not in (None, "")), None)
            if attr:
                gkey = f"{attr}:{d[attr]}"
                m.groups.setdefault(gkey, Group(gkey, clean_text(d[attr]), _hex(d.get("color")), line))
                c.group = gkey
        c.colour = _hex(d.get("color"))
        m.concepts.append(c)
    for e in edges:
        d = e.get("data") if isinstance(e.get("data"), dict) else {}
        line = lines.get(str(d.get("id")), 1) if "id" in d else ends.get(str(d.get("source")), 1)
        a, b = str(d.get("source")), str(d.get("target"))
        if a in m.groups or b in m.groups:
            m.drop(line, "a link to a compound node (it became a category; the tables link concepts)")
            continue
        verb = next((str(d[k]) for k in VERB_KEYS if k != "name" and d.get(k) not in (None, "")), "")
        m.links.append(Link(a, b, verb, line, d.get("directed", True) is not False))
    return m


def _hex(value: object) -> str | None:
    v = str(value or "").strip().lstrip("#")
    return f"#{v.lower()}" if len(v) == 6 and all(ch in "0123456789abcdefABCDEF" for ch in v) else None


def write(m: Map) -> str:
    """Write a map as Cytoscape.js JSON (``cytoscape({container, ...json})`` draws it as we do): positions,
    labels, each node's category and colour in its data, the verbs as edge labels, and a style that shows them."""
    nodes, edges = [], []
    for c in m.concepts:
        g = m.groups.get(c.group or "")
        data = {"id": c.key, "label": c.label, "name": c.label, "value": c.key}  # name, value: for networkx
        if g:
            data["category"] = g.label
        data["color"] = (g.colour if g else None) or c.colour or "#999999"
        nodes.append({"data": data, "position": {"x": c.x or 0.0, "y": c.y or 0.0}})
    for i, k in enumerate(m.links, start=1):
        edges.append(
            {"data": {"id": f"e{i}", "source": k.source, "target": k.target, "label": k.verb, "directed": k.directed}}
        )
    style = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "background-color": "data(color)",
                "text-valign": "bottom",
                "text-wrap": "wrap",
                "text-max-width": "170px",
            },
        },
        {
            "selector": "edge",
            "style": {
                "label": "data(label)",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "font-size": "11px",
            },
        },
        {"selector": "edge[!directed]", "style": {"target-arrow-shape": "none"}},
    ]
    doc = {"data": {"name": m.title or m.name}, "elements": {"nodes": nodes, "edges": edges}, "style": style}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
