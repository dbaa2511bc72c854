"""Static pictures of maps: an SVG drawing at the laid-out positions, for print, slides and
handouts, made without a browser.

It draws what the page draws: chips (a glyph and its label in a box), shapes that hold their label,
and on a map too big to label whole its glyphs with the labels of its best-linked concepts; edges
straight or bowed as on the page, ending at the boxes' borders with their arrow heads; the same
colours, line styles and wrapped labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from markupsafe import escape

from viz import layout, style
from viz.maps import node_boxes
from viz.model import LegendCategory

__all__ = ["MapPicture", "render_map_svg"]

#: How many labels a picture of a map too big to label whole shows (the best linked that keep clear).
HUB_LABELS = 40


def _clip(p: tuple[float, float], q: tuple[float, float], box: layout.Box) -> tuple[float, float]:
    """Where the segment from ``p`` (a node, centre of ``box``) towards ``q`` leaves the box."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    if dx == dy == 0:
        return p
    tx = (box.w / 2) / abs(dx) if dx else math.inf
    ty = (box.h / 2) / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return (p[0] + dx * t, p[1] + dy * t)


def _text(lines: list[str], x: float, y: float, *, anchor: str, colour: str) -> str:
    """Lines of text centred on ``y``, one under the other."""
    size = layout.FONT
    lead = layout.LEADING * size
    top = y - lead * (len(lines) - 1) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + i * lead:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (
        f'<text font-size="{size:g}" text-anchor="{anchor}" dominant-baseline="central" fill="{colour}">{spans}</text>'
    )


def _glyph(shape: str, colour: str, x: float, y: float, r: float = layout.GLYPH) -> str:
    paint = f' fill="{escape(colour)}" stroke="{style.INK}" stroke-width="{1.5 * 10 / r:.2f}"'
    body = style.GLYPHS.get(shape, style.GLYPHS["dot"]).format(style=paint)
    return f'<g transform="translate({x:.1f},{y:.1f}) scale({r / 10:.2f})">{body}</g>'


def render_map_svg(net, **options) -> str:
    """A static SVG drawing of a concept map at its laid-out positions: ``MapPicture(net).render(**options)``
    (:meth:`MapPicture.render` says what the options do). For many pictures of one map, make one
    :class:`MapPicture` and render it many times.

    Examples
    --------
    >>> from viz import data, maps, svg
    >>> picture = svg.render_map_svg(maps.view_map(data.load(), "checkpoints"))
    >>> picture.startswith("<svg") and "PD-1" in picture
    True
    >>> step = svg.render_map_svg(maps.view_map(data.load(), "checkpoints"), show=["pd1"], uid="s1-")
    >>> "PD-1" in step, "PD-L1" in step, 'id="s1-arrow"' in step
    (True, False, True)
    """
    return MapPicture(net).render(**options)


class MapPicture:
    """The pictures of one map (:func:`render_map_svg`): what depends on the map alone (each concept's box and
    label, each link's control points and the box they span) is worked out once, so that a lecture's many
    pictures of one map each cost what they show, not the whole map (a 5,000-concept map's 374 slides).
    The map must not change while its pictures are made.

    Examples
    --------
    >>> from viz import data, maps, svg
    >>> picture = svg.MapPicture(maps.view_map(data.load(), "checkpoints"))
    >>> ["PD-L1" in picture.render(show=shown, uid=f"s{k}-") for k, shown in enumerate([["pd1"], ["pd1", "pdl1"]])]
    [False, True]
    """

    def __init__(self, net) -> None:
        self.net = net
        self.all = {n["id"]: n for n in net.nodes}
        self.cats = {c.id: c for c in net.page.categories}
        self.groups = net.vis_options.get("groups", {})
        self.sides = net.page.sides
        self.wrap = net.page.geometry.wrap
        self.hubs = net.page.hubs
        self.boxes = node_boxes(net)
        pos = {i: (n["x"], n["y"]) for i, n in self.all.items()}
        # every concept's box as left, right, top, bottom, in the map's order
        self.ids = list(self.all)
        self.rects = np.array(
            [
                (x + b.dx - b.w / 2, x + b.dx + b.w / 2, y + b.dy - b.h / 2, y + b.dy + b.h / 2)
                for i, (x, y) in pos.items()
                for b in (self.boxes[i],)
            ],
            dtype=float,
        ).reshape(-1, 4)
        # every link with its control points and the box they span (a curve lies within its control points)
        self.links = []
        for e in net.edges:
            if e.get("hidden") or e["from"] not in pos or e["to"] not in pos:
                continue
            ctrl = layout.control_points(pos[e["from"]], pos[e["to"]], e.get("smooth") or None)
            self.links.append((e, ctrl))
        self.spans = np.array([_span(c) for _, c in self.links], dtype=float).reshape(-1, 4)

    def render(
        self,
        *,
        margin: float = 30.0,
        show: Iterable[str] | None = None,
        dim: Iterable[str] = (),
        frame: Iterable[str] | None = None,
        least: tuple[float, float] = (0.0, 0.0),
        uid: str = "",
        marks: Mapping[tuple[str, str, str], Mapping] | None = None,
        extra: Sequence[Mapping] = (),
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """One picture of the map.

        Parameters
        ----------
        show
            Draw only these concepts (and the links between them); all by default. A story step's picture
            shows what the step has revealed by then.
        dim
            Concepts drawn faded, as the page dims them (a step's picture: what the earlier steps revealed).
        frame
            The picture shows only the part of the map around these concepts (all shown, by default).
        least
            The width and height the picture shows at least, around the frame's centre (so that a frame of one
            small concept is not blown up).
        uid
            Prefix of the picture's ids, so that several pictures can share one page.
        marks
            ``{(from, relation, to): look}``: links drawn their own way (a build exercise's verdicts, the class's
            heat). A look has ``colour``, ``width``, ``dashes`` (a list, or false), ``mark`` (a short text drawn
            on the link) and ``title`` (what the link says when pointed at).
        extra
            Links that are not the map's, drawn straight on top: looks with ``from`` and ``to`` as well.
        labels
            ``{concept: text}`` said instead of a concept's label (a student's placement in a blank).
        margin
            Room around the frame, in the map's units.
        """
        net = self.net
        nodes = self.all
        if show is not None:
            shown = set(show)
            nodes = {i: n for i, n in nodes.items() if i in shown}
        faded = set(dim)
        if not nodes:
            return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
        cats, groups, sides, hubs, boxes = self.cats, self.groups, self.sides, self.hubs, self.boxes
        pos = {i: (n["x"], n["y"]) for i, n in nodes.items()}
        labelled = set()
        if hubs:  # a map too big to label whole: glyphs, and the labels of the best linked that keep clear
            chosen: list = []
            for i in (h for h in hubs if h in nodes):
                # the chosen keep clear of each other: only the new one's pairs can overlap
                if not any(layout.overlaps({i: pos[i], k: pos[k]}, boxes, pad=4.0) for k in chosen):
                    chosen.append(i)
                    if len(chosen) >= HUB_LABELS:
                        break
            labelled = set(chosen)
            glyph = layout.Box(2 * layout.GLYPH, 2 * layout.GLYPH)
            ends = dict.fromkeys(nodes, glyph)
        else:
            ends = boxes
        framed = [i for i in (nodes if frame is None else frame) if i in nodes] or list(nodes)
        left, top, right, bottom = layout.extent({i: pos[i] for i in framed}, boxes if not hubs else ends)
        grow_x, grow_y = max(0.0, least[0] - (right - left)) / 2, max(0.0, least[1] - (bottom - top)) / 2
        left, right, top, bottom = left - grow_x, right + grow_x, top - grow_y, bottom + grow_y
        x0, y0 = left - margin, top - margin
        width, height = right - left + 2 * margin, bottom - top + 2 * margin + (40 if hubs else 0)

        # only what the picture shows is drawn: a step of a big map frames a small part of it (a 5,000-concept
        # map's lecture came to 283 MB when every slide drew every concept); a curve lies within its control points
        def within(spans: np.ndarray) -> np.ndarray:  # which of these (left, right, top, bottom) the picture shows
            return (
                (spans[:, 0] <= x0 + width) & (spans[:, 1] >= x0) & (spans[:, 2] <= y0 + height) & (spans[:, 3] >= y0)
            )

        nodes = {i: nodes[i] for i in (self.ids[k] for k in np.flatnonzero(within(self.rects))) if i in nodes}
        lines = {i: (n.get("text") or n["label"]).split("\n") for i, n in nodes.items()}
        for i, text in (labels or {}).items():
            if i in lines:
                lines[i] = layout.wrap(text, self.wrap)
        links = [
            self.links[k]
            for k in np.flatnonzero(within(self.spans))
            if self.links[k][0]["from"] in pos and self.links[k][0]["to"] in pos
        ]
        for e in extra:
            if not e.get("hidden") and e["from"] in pos and e["to"] in pos:
                ctrl = layout.control_points(pos[e["from"]], pos[e["to"]], e.get("smooth") or None)
                if within(np.array([_span(ctrl)]))[0]:
                    links.append((e, ctrl))
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
            f'width="{width:.0f}" height="{height:.0f}" font-family="{escape(style.FONT_STACK)}" role="img">',
            f"<title>{escape(net.page.title)}</title>",
            f'<defs><marker id="{escape(uid)}arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{style.EDGE}"/></marker>'
            f'<marker id="{escape(uid)}bar" viewBox="0 0 4 12" refX="2" refY="6" markerWidth="4" markerHeight="12" '
            'orient="auto">'
            f'<rect x="0" y="0" width="3" height="12" fill="{style.EDGE}"/></marker>'
            # the same heads for links drawn wider (marks): sized in the drawing's units, not by the line's width
            f'<marker id="{escape(uid)}arrow-wide" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="11" '
            'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{style.EDGE}"/></marker>'
            f'<marker id="{escape(uid)}bar-wide" viewBox="0 0 4 12" refX="2" refY="6" markerWidth="5" '
            'markerHeight="16" '
            f'markerUnits="userSpaceOnUse" orient="auto"><rect x="0" y="0" width="3" height="12" fill="{style.EDGE}"/>'
            "</marker></defs>",
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{style.BACKGROUND}"/>',
        ]
        marked: list[str] = []
        for e, ctrl in links:
            look = (marks or {}).get((e["from"], e.get("rel", ""), e["to"])) if "colour" not in e else e
            a, b = e["from"], e["to"]
            start = _clip(pos[a], ctrl[1], _centred(ends[a]))
            end = _clip(pos[b], ctrl[-2], _centred(ends[b]))
            dashes = e.get("dashes")
            dash = f' stroke-dasharray="{" ".join(str(v) for v in dashes)}"' if isinstance(dashes, list) else ""
            arrow = e.get("arrows", {}).get("to", {})
            marker = f' marker-end="url(#{escape(uid)}{arrow.get("type", "arrow")})"' if arrow.get("enabled") else ""
            fade = ' opacity="0.3"' if a in faded or b in faded else ""
            # a line, or vis-network's quadratic or cubic curve through the same control points
            points = [start, *ctrl[1:-1], end]
            rest = " ".join(f"{x:.1f},{y:.1f}" for x, y in points[1:])
            path = f"M{start[0]:.1f},{start[1]:.1f} {'LQC'[len(points) - 2]}{rest}"
            if look is None:
                parts.append(
                    f'<path d="{path}" fill="none" stroke="{style.EDGE}" stroke-width="1.4"{dash}{marker}{fade}/>'
                )
                continue
            wide = marker.replace(")", "-wide)") if "colour" not in e else ""
            marked.append(_marked(path, look, _midpoint(points), wide))
        parts += marked
        for i in sorted(nodes):
            if i in faded:  # one group per faded concept: its parts must not add up where they overlap
                parts.append('<g opacity="0.3">')
            n, (x, y), box = nodes[i], pos[i], boxes[i]
            cat = cats.get(n["group"]) or LegendCategory(n["group"], n["group"], style.MUTED, "dot", "", style.INK)
            side = sides.get(i, "inside")
            if hubs:
                parts.append(_glyph(cat.shape, cat.colour, x, y))
                if i in labelled:  # below the glyph, as the page draws it
                    below = y + layout.GLYPH + layout.LABEL_GAP + layout.LEADING * layout.FONT * len(lines[i]) / 2
                    parts.append(_text(lines[i], x, below, anchor="middle", colour=style.INK))
            elif side == "chip":
                left, top_ = x - box.w / 2, y - box.h / 2
                parts.append(
                    f'<rect x="{left:.1f}" y="{top_:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="4" '
                    f'fill="{style.BACKGROUND}" stroke="{style.INK}" stroke-width="1"/>'
                )
                parts.append(_glyph(cat.shape, cat.colour, left + layout.CHIP_PAD[0] + layout.GLYPH, y))
                text_x = left + layout.CHIP_PAD[0] + layout.CHIP_GLYPH
                parts.append(_text(lines[i], text_x, y, anchor="start", colour=style.INK))
            else:
                fill = groups.get(n["group"], {}).get("color", {}).get("background", cat.colour)
                dashed = ' stroke-dasharray="5 3"' if cat.shape == "dashedBox" else ""
                if cat.shape in ("ellipse", "circle"):
                    shape = f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{box.w / 2:.1f}" ry="{box.h / 2:.1f}"'
                else:
                    shape = (
                        f'<rect x="{x - box.w / 2:.1f}" y="{y - box.h / 2:.1f}" width="{box.w:.1f}" '
                        f'height="{box.h:.1f}" rx="4"'
                    )
                parts.append(f'{shape} fill="{escape(fill)}" stroke="{style.INK}" stroke-width="1.5"{dashed}/>')
                parts.append(_text(lines[i], x, y, anchor="middle", colour=cat.font))
            if i in faded:
                parts.append("</g>")
        parts.append("</svg>\n")
        return "\n".join(parts)


def _span(ctrl: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    """``(left, right, top, bottom)`` of a link's control points, which hold its line or curve."""
    return min(x for x, _ in ctrl), max(x for x, _ in ctrl), min(y for _, y in ctrl), max(y for _, y in ctrl)


def _midpoint(points: list) -> tuple[float, float]:
    """The middle of a link: a line, or a quadratic or cubic curve through these control points."""
    d = len(points) - 1
    weights = [math.comb(d, i) / 2**d for i in range(d + 1)]
    return (
        sum(w * x for w, (x, _) in zip(weights, points, strict=True)),
        sum(w * y for w, (_, y) in zip(weights, points, strict=True)),
    )


def _marked(path: str, look: Mapping, mid: tuple[float, float], marker: str) -> str:
    """A link drawn its own way (``look``: colour, width, dashes, mark, title), its mark in a halo at its middle."""
    colour = escape(look["colour"])
    dashes = look.get("dashes")
    dash = f' stroke-dasharray="{" ".join(f"{v:g}" for v in dashes)}"' if dashes else ""
    title = f"<title>{escape(look['title'])}</title>" if look.get("title") else ""
    mark = ""
    if look.get("mark"):
        mark = (
            f'<text x="{mid[0]:.1f}" y="{mid[1]:.1f}" font-size="{layout.FONT:g}" font-weight="bold" '
            f'text-anchor="middle" dominant-baseline="central" fill="{colour}" stroke="{style.BACKGROUND}" '
            f'stroke-width="4" paint-order="stroke">{escape(look["mark"])}</text>'
        )
    return (
        f'<g>{title}<path d="{path}" fill="none" stroke="{colour}" stroke-width="{float(look["width"]):g}"'
        f"{dash}{marker}/>{mark}</g>"
    )


def _centred(box: layout.Box) -> layout.Box:
    """The box as the edges see it: centred on the node (a chip and a shape are; a glyph's ends are its own)."""
    return layout.Box(box.w, box.h)
