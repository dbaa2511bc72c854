"""CmapTools CXL (the XML that CmapTools saves and exports; https://cmap.ihmc.us/xml/CXL.html).

A CXL map has concepts and linking phrases, both drawn as boxes, joined by connections: concept ->
phrase -> concept. A phrase joined to several concepts on either side stands for one proposition per
pair ("cells -- make up --> tissues, organs"), so it becomes one link per pair, with the phrase as verb.
Positions (``x``/``y`` of an appearance) are centres; colours are ``r,g,b,a``.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from viz.interchange import _xml
from viz.interchange.model import Concept, Group, Link, Map, clean_text, number

__all__ = ["NAMESPACE", "read", "write"]

NAMESPACE = "http://cmap.ihmc.us/xml/cmap/"
#: Lists of a CXL map that the tables cannot hold, and why.
_DROPPED_LISTS = {
    "image-list": "embedded images (the tables hold text, not pictures)",
    "resource-group-list": "resources attached to concepts (files and links; cite them in sources.csv instead)",
    "proposition-list": "a list of propositions (read from the connections instead)",
}


def _colour(value: str | None) -> str | None:
    """``r,g,b,a`` (CXL) as ``#rrggbb``; a transparent colour as None."""
    parts = (value or "").split(",")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        return None
    r, g, b, a = (min(255, int(p)) for p in parts)
    return None if a == 0 else f"#{r:02x}{g:02x}{b:02x}"


def read(data: bytes, name: str) -> Map:
    """Read a CXL file into a :class:`~viz.interchange.model.Map`."""
    root = _xml.root(data, name, "cmap", "CXL")
    m = Map(name, "cxl")
    meta = root.find("res-meta")
    if meta is not None and meta.find("title") is not None:
        m.title = clean_text(meta.find("title").alltext())
    body = root.find("map")
    if body is None:
        return m
    for tag, why in _DROPPED_LISTS.items():
        for el in body.findall(tag):
            if el.children:
                m.drop(el.line, f"{len(el.children)} {why}")
    looks = {a.attrs.get("id"): a for a in _children(body, "concept-appearance-list")}
    default = _default_colour(body)
    concepts: dict[str, Concept] = {}
    parents: dict[str, str] = {}
    for el in _children(body, "concept-list"):
        key = el.attrs.get("id", "")
        look = looks.get(key)
        attrs = look.attrs if look is not None else {}
        comment = " ".join(p for p in (el.attrs.get("short-comment"), el.attrs.get("long-comment")) if p)
        colour = _colour(attrs.get("background-color"))
        c = Concept(
            key,
            el.attrs.get("label", ""),
            el.line,
            text=comment,
            colour=colour if colour != default else None,
            x=number(attrs.get("x")),
            y=number(attrs.get("y")),
            width=number(attrs.get("width")),
            height=number(attrs.get("height")),
        )
        if attrs.get("background-image"):
            m.drop(look.line, f"the picture behind '{clean_text(c.label)}' (the tables hold text, not pictures)")
        concepts[key] = c
        m.concepts.append(c)
        if el.attrs.get("parent-id"):
            parents[key] = el.attrs["parent-id"]
    for c in m.concepts:  # a nested node: its container becomes the category of what it holds
        parent = parents.get(c.key)
        if parent in concepts:
            holder = concepts[parent]
            m.groups.setdefault(parent, Group(parent, holder.label, holder.colour, holder.line))
            c.group = parent
            m.drop(
                c.line,
                f"'{clean_text(c.label)}' is nested in '{clean_text(holder.label)}': kept as a concept of "
                f"the category '{clean_text(holder.label)}'",
            )
    phrases = {el.attrs.get("id", ""): el for el in _children(body, "linking-phrase-list")}
    into: dict[str, list[tuple[str, int]]] = {}
    out_of: dict[str, list[tuple[str, int]]] = {}
    for el in _children(body, "connection-list"):
        a, b = el.attrs.get("from-id", ""), el.attrs.get("to-id", "")
        if a in concepts and b in concepts:
            m.links.append(Link(a, b, "", el.line))
        elif a in concepts and b in phrases:
            into.setdefault(b, []).append((a, el.line))
        elif a in phrases and b in concepts:
            out_of.setdefault(a, []).append((b, el.line))
        else:
            m.drop(el.line, "a connection between two linking phrases, or to something that is not in the map")
    for key, el in phrases.items():
        verb = el.attrs.get("label", "")
        sources, targets = into.get(key, []), out_of.get(key, [])
        if not sources or not targets:
            side = "no concept before it" if not sources else "no concept after it"
            m.drop(el.line, f"the linking phrase '{clean_text(verb)}', which has {side}")
            continue
        for a, _ in sources:
            for b, line in targets:
                m.links.append(Link(a, b, verb, line))
    return m


def _children(body: _xml.Element, tag: str) -> list[_xml.Element]:
    found = body.find(tag)
    return found.children if found is not None else []


def _default_colour(body: _xml.Element) -> str | None:
    """The concept colour of the map's default style sheet: a concept of that colour has no category of its own."""
    for sheet in _children(body, "style-sheet-list"):
        if sheet.attrs.get("id") == "_Default_" and sheet.find("concept-style") is not None:
            return _colour(sheet.find("concept-style").attrs.get("background-color"))
    return None


def _rgba(colour: str | None) -> str:
    c = (colour or "#ffffff").lstrip("#")
    return f"{int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},255"


def write(m: Map) -> str:
    """Write a map as CXL that CmapTools opens: one linking phrase per link, halfway along it.

    Positions are rounded to whole pixels and shifted so that the map starts 20 px from the top left
    corner (CmapTools draws nothing at negative coordinates).
    """
    boxes = {c.key: c for c in m.concepts}
    left = min(((c.x or 0) - (c.width or 0) / 2 for c in m.concepts), default=0)
    top = min(((c.y or 0) - (c.height or 0) / 2 for c in m.concepts), default=0)
    dx, dy = round(20 - left), round(20 - top)
    ids = {c.key: f"c{i}" for i, c in enumerate(m.concepts, start=1)}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<cmap xmlns={quoteattr(NAMESPACE)} xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:vcard="http://www.w3.org/2001/vcard-rdf/3.0#">',
        "  <res-meta>",
        f"    <dc:title>{_text(m.title or m.name)}</dc:title>",
        "    <dc:format>x-cmap/x-storable</dc:format>",
        "  </res-meta>",
    ]
    right = max((round((c.x or 0) + (c.width or 0) / 2) + dx for c in m.concepts), default=0) + 20
    bottom = max((round((c.y or 0) + (c.height or 0) / 2) + dy for c in m.concepts), default=0) + 20
    lines.append(f'  <map width="{right}" height="{bottom}">')
    lines.append("    <concept-list>")
    lines += [f"      <concept id={quoteattr(ids[c.key])} label={quoteattr(c.label)}/>" for c in m.concepts]
    lines.append("    </concept-list>")
    lines.append("    <linking-phrase-list>")
    lines += [f'      <linking-phrase id="p{i}" label={quoteattr(k.verb)}/>' for i, k in enumerate(m.links, 1)]
    lines.append("    </linking-phrase-list>")
    lines.append("    <connection-list>")
    for i, k in enumerate(m.links, 1):
        lines.append(f'      <connection id="k{i}a" from-id="{ids[k.source]}" to-id="p{i}"/>')
        lines.append(f'      <connection id="k{i}b" from-id="p{i}" to-id="{ids[k.target]}"/>')
    lines.append("    </connection-list>")
    lines.append("    <concept-appearance-list>")
    for c in m.concepts:
        colour = m.groups[c.group].colour if c.group in m.groups else c.colour
        lines.append(
            f'      <concept-appearance id="{ids[c.key]}" x="{round(c.x or 0) + dx}" y="{round(c.y or 0) + dy}" '
            f'width="{round(c.width or 100)}" height="{round(c.height or 28)}" background-color="{_rgba(colour)}"/>'
        )
    lines.append("    </concept-appearance-list>")
    lines.append("    <linking-phrase-appearance-list>")
    for i, k in enumerate(m.links, 1):
        a, b = boxes[k.source], boxes[k.target]
        x, y = ((a.x or 0) + (b.x or 0)) / 2, ((a.y or 0) + (b.y or 0)) / 2
        lines.append(f'      <linking-phrase-appearance id="p{i}" x="{round(x) + dx}" y="{round(y) + dy}"/>')
    lines.append("    </linking-phrase-appearance-list>")
    lines += ["  </map>", "</cmap>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
