"""Static pictures of maps: an SVG drawing at the laid-out positions, for print,
slides and handouts, made without a browser.

Same colours, shapes, line styles and labels as the interactive page, without
the page around it.
"""

from __future__ import annotations

import math

from markupsafe import escape

from viz import style

__all__ = ["render_map_svg"]


def render_map_svg(net, *, margin: float = 60.0) -> str:
    """A static SVG drawing of a concept map at its laid-out positions.

    Same colours, shapes, line styles and labels as the interactive page,
    without the page around it: for slides, handouts and print.
    """
    nodes = {n["id"]: n for n in net.nodes}
    if not nodes:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
    xs = [n["x"] for n in nodes.values()]
    ys = [n["y"] for n in nodes.values()]
    x0, y0 = min(xs) - margin - 80, min(ys) - margin
    width, height = max(xs) - min(xs) + 2 * margin + 160, max(ys) - min(ys) + 2 * margin + 30
    font = 15
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="{escape(style.FONT_STACK)}" role="img">',
        f"<title>{escape(net.page.get('title', 'Concept map'))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{style.EDGE}"/></marker>'
        '<marker id="bar" viewBox="0 0 4 12" refX="2" refY="6" markerWidth="4" markerHeight="12" orient="auto">'
        f'<rect x="0" y="0" width="3" height="12" fill="{style.EDGE}"/></marker></defs>',
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{style.BACKGROUND}"/>',
    ]
    radius = 16.0
    shapes = {c["id"]: c["shape"] for c in net.page.get("categories", [])}
    for e in net.edges:
        a, b = nodes[e["from"]], nodes[e["to"]]
        dx, dy = b["x"] - a["x"], b["y"] - a["y"]
        d = math.hypot(dx, dy) or 1.0
        ux, uy = dx / d, dy / d
        x1, y1 = a["x"] + ux * radius, a["y"] + uy * radius
        x2, y2 = b["x"] - ux * (radius + 2), b["y"] - uy * (radius + 2)
        dashes = e.get("dashes")
        dash = f' stroke-dasharray="{" ".join(str(v) for v in dashes)}"' if isinstance(dashes, list) else ""
        arrow = e.get("arrows", {}).get("to", {})
        marker = f' marker-end="url(#{arrow.get("type", "arrow")})"' if arrow.get("enabled") else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{style.EDGE}" '
            f'stroke-width="1.4"{dash}{marker}/>'
        )
    for n in sorted(nodes.values(), key=lambda n: n["id"]):
        group = net.vis_options.get("groups", {}).get(n.get("group"), {})
        colour = n.get("color") or group.get("color") or {"background": style.MUTED}
        colour = colour["background"] if isinstance(colour, dict) else colour
        glyph = style.GLYPHS.get(shapes.get(n.get("group"), n.get("shape", "dot")), style.GLYPHS["dot"]).format(
            style=f' fill="{escape(colour)}" stroke="{style.INK}" stroke-width="1.5"'
        )
        parts.append(f'<g transform="translate({n["x"]:.1f},{n["y"]:.1f}) scale(1.5)">{glyph}</g>')
        parts.append(
            f'<text x="{n["x"]:.1f}" y="{n["y"] + 34:.1f}" font-size="{font}" text-anchor="middle" '
            f'fill="{style.INK}" stroke="{style.BACKGROUND}" stroke-width="4" paint-order="stroke">'
            f"{escape(n['label'])}</text>"
        )
    parts.append("</svg>\n")
    return "\n".join(parts)
