"""JSON Canvas 1.0 (Obsidian's open format, MIT licence; https://jsoncanvas.org/spec/1.0/).

Nodes are text, file, link or group boxes (``x``/``y`` their top left corner, whole pixels); edges join
two nodes, with an optional label and an arrow at either end. A node inside a group's box belongs to
that group (the innermost one), which becomes its category; a colour is a preset ``"1"``..``"6"`` or hex.
"""

from __future__ import annotations

import json
import re

from viz.interchange import _json
from viz.interchange.model import Concept, FileError, Group, Link, Map, clean_text, refuse_many

__all__ = ["PRESETS", "read", "write"]

#: The spec's six preset colours, by name (apps choose the shades; these are Obsidian's).
PRESETS = {
    "1": ("red", "#e93147"),
    "2": ("orange", "#ec7500"),
    "3": ("yellow", "#e0ac00"),
    "4": ("green", "#08b94e"),
    "5": ("cyan", "#00bfbc"),
    "6": ("purple", "#7852ee"),
}
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
#: Markdown's marks at the start of a line (a heading, a list item, a quote): not part of a label.
_MARKDOWN = re.compile(r"^\s*(#{1,6}\s+|[-*+]\s+|>\s*|\d+[.)]\s+)")


def colour(value: object) -> tuple[str | None, str | None]:
    """A canvas colour as ``(name, "#rrggbb")``: a preset by its name, a hex colour by itself."""
    if not isinstance(value, str):
        return None, None
    if value in PRESETS:
        return PRESETS[value]
    found = _HEX.match(value.strip())
    if not found:
        return None, None
    h = found.group(1).lower()
    h = "".join(ch * 2 for ch in h) if len(h) == 3 else h
    return None, f"#{h}"


def _first_line(text: str) -> tuple[str, str]:
    """A text node's label (its first line, without Markdown marks) and the rest of its text."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "", ""
    first = lines[0].strip()
    label = first[1:] if first.startswith("\\") else _MARKDOWN.sub("", first).strip()  # \# is a literal #
    return label, " ".join(line.strip() for line in lines[1:])


def _int(node: dict, key: str) -> float | None:
    value = node.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def read(data: bytes, name: str) -> Map:
    """Read a JSON Canvas file into a :class:`~viz.interchange.model.Map`."""
    doc = _json.load(data, name)
    text = data.decode("utf-8-sig")
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes", []), list):
        raise FileError(name, "not a JSON Canvas file: it has no list of nodes", 1, 1)
    m = Map(name, "canvas")
    nodes = [n for n in doc.get("nodes", []) if isinstance(n, dict)]
    refuse_many(name, len(nodes))
    lines = _json.id_lines(text)
    boxes = {}
    for n in nodes:
        x, y, w, h = (_int(n, k) for k in ("x", "y", "width", "height"))
        if None not in (x, y, w, h):
            boxes[str(n.get("id"))] = (x, y, w, h)
    groups = [n for n in nodes if n.get("type") == "group"]
    for g in groups:
        key = str(g.get("id"))
        name_, hex_ = colour(g.get("color"))
        line = lines.get(str(g.get("id")), 1)
        m.groups[key] = Group(key, str(g.get("label") or name_ or "Group"), hex_, line)
        if g.get("background"):
            m.drop(line, f"the background picture of the group '{clean_text(g.get('label'))}' (pictures are not kept)")

    def inside(key: str) -> str | None:
        if key not in boxes:
            return None
        x, y, w, h = boxes[key]
        cx, cy = x + w / 2, y + h / 2
        holders = [
            (boxes[gk][2] * boxes[gk][3], gk)
            for gk in m.groups
            if gk in boxes
            and gk != key
            and boxes[gk][0] <= cx <= boxes[gk][0] + boxes[gk][2]
            and boxes[gk][1] <= cy <= boxes[gk][1] + boxes[gk][3]
        ]
        return min(holders)[1] if holders else None

    for n in nodes:
        kind, key = n.get("type"), str(n.get("id"))
        line = lines.get(key, 1)
        if kind == "group":
            outer = inside(key)
            if outer:
                m.drop(
                    line,
                    f"the group '{clean_text(m.groups[key].label)}' sits in the group "
                    f"'{clean_text(m.groups[outer].label)}': each of their concepts is in the innermost one",
                )
            continue
        if kind == "text":
            label, rest = _first_line(str(n.get("text") or ""))
        elif kind == "file":
            label, rest = str(n.get("file") or ""), ""
            m.drop(line, f"the file node '{clean_text(label)}': its name is kept, not the file itself")
        elif kind == "link":
            label, rest = str(n.get("url") or ""), ""
            m.drop(line, f"the link node '{clean_text(label)}': its address is kept as text, not as a link")
        else:
            m.drop(line, f"a node of type '{clean_text(kind)}', which JSON Canvas 1.0 does not define")
            continue
        name_, hex_ = colour(n.get("color"))
        x, y, w, h = boxes.get(key, (None, None, None, None))
        c = Concept(key, label or key, line, text=rest, group=inside(key), colour=hex_)
        if x is not None:
            c.x, c.y, c.width, c.height = x + w / 2, y + h / 2, w, h
        if name_ and not c.group:
            m.groups.setdefault(f"colour:{name_}", Group(f"colour:{name_}", name_, hex_, line))
            c.group = f"colour:{name_}"
        m.concepts.append(c)
    for e in doc.get("edges", []) if isinstance(doc.get("edges"), list) else []:
        if not isinstance(e, dict):
            continue
        line = lines.get(str(e.get("id")), 1)
        a, b = str(e.get("fromNode")), str(e.get("toNode"))
        start, end = e.get("fromEnd", "none"), e.get("toEnd", "arrow")
        if a in m.groups or b in m.groups:
            m.drop(line, "a link to a group (the tables link concepts, not categories)")
            continue
        if start == "arrow" and end != "arrow":
            a, b = b, a
        if start == "arrow" and end == "arrow":
            m.drop(line, "an arrow head at both ends: kept as a link in the direction it was drawn")
        if e.get("color"):
            m.drop(line, "the colour of a link (links are styled by their verb)")
        m.links.append(Link(a, b, str(e.get("label") or ""), line, directed=end == "arrow" or start == "arrow"))
    return m


def write(m: Map) -> str:
    """Write a map as a JSON Canvas: a text node per concept in its category's colour, an edge per link."""
    nodes, edges = [], []
    for c in m.concepts:
        w, h = round(c.width or 160), round(c.height or 40)
        text = f"\\{c.label}" if _MARKDOWN.match(c.label) or c.label.startswith("\\") else c.label
        node = {
            "id": c.key,
            "type": "text",
            "text": text,
            "x": round((c.x or 0) - w / 2),
            "y": round((c.y or 0) - h / 2),
            "width": w,
            "height": h,
        }
        hex_ = m.groups[c.group].colour if c.group in m.groups else c.colour
        if hex_:
            node["color"] = hex_
        nodes.append(node)
    for i, k in enumerate(m.links, start=1):
        edges.append(
            {
                "id": f"e{i}",
                "fromNode": k.source,
                "toNode": k.target,
                "toEnd": "arrow" if k.directed else "none",
                "label": k.verb,
            }
        )
    return json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False, indent="\t") + "\n"
