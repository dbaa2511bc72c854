"""Pages as strings: our Jinja2 templates, one Content-Security-Policy, the map payload.

Nothing here writes a file (:mod:`viz.export` does). Every page is rendered with
autoescaping on; table text reaches scripts only as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped; every
page carries a Content-Security-Policy (:func:`csp`) that allows only our own
scripts (by hash, or from the site's ``assets/`` folder) and no network at all.

A page finds vis-network, plotly.js and our scripts either inlined
(:data:`INLINE`, one self-contained file) or in a site's shared ``assets/``
folder (:class:`Assets` with a prefix).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from viz import DISCLAIMER, __version__, style
from viz.paths import PACKAGE_DIR, STATIC_DIR, TEMPLATES_DIR, vis_network_assets

__all__ = [
    "HISTORY_SCRIPTS",
    "INLINE",
    "MAP_SCRIPTS",
    "MAP_STYLES",
    "SITE_ASSETS",
    "Assets",
    "Script",
    "csp",
    "json_for_script",
    "map_iframe",
    "map_payload",
    "render_chart",
    "render_history",
    "render_history_body",
    "render_index",
    "render_map",
    "render_map_body",
    "render_report",
    "render_template",
    "safe_url",
    "srcdoc_iframe",
]


# ---------------------------------------------------------------------------
# escaping

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(obj) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    Compact, with sorted keys (reproducible), and with the characters that could
    end the script element or start markup written as ``\\uXXXX`` escapes.

    Examples
    --------
    >>> from viz.render import json_for_script
    >>> json_for_script({"b": "</script>", "a": 1})
    '{"a":1,"b":"\\\\u003c/script\\\\u003e"}'
    """
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group()], text)


def safe_url(url: object) -> str:
    """The URL if it is http(s), else ``#``: a second guard after validation.

    Examples
    --------
    >>> from viz.render import safe_url
    >>> safe_url("https://pubmed.ncbi.nlm.nih.gov/23890059/"), safe_url("javascript:alert(1)")
    ('https://pubmed.ncbi.nlm.nih.gov/23890059/', '#')
    """
    text = str(url or "")
    return text if re.match(r"^https?://[^\s<>\"']+$", text) else "#"


# ---------------------------------------------------------------------------
# assets


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _static(name: str) -> str:
    return _read(STATIC_DIR / name)


@cache
def vis_css() -> str:
    """vis-network's stylesheet without the button images of the editing toolbar we never show."""
    css = _read(vis_network_assets()[1])
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    return "".join(r for r in rules if "url(" not in r)


#: plotly.js with the trace types our charts draw, built from its npm release (``vendor/plotly/README.md``).
PLOTLY_DIR = PACKAGE_DIR / "vendor" / "plotly"


@cache
def plotly_js() -> str:
    """The plotly.js every page and notebook of ours loads: a partial bundle of plotly.js 4 (the release plotly.py
    7.1 carries) with only the trace types our charts draw (1.3 MB against the full bundle's 4.8 MB, most of it
    maps and WebGL; a chart page opens in about a third of the time)."""
    return _read(PLOTLY_DIR / "plotly.min.js")


def vis_js() -> str:
    """The vis-network bundle that the installed pyvis carries."""
    return _read(vis_network_assets()[0])


#: The shared files of a site's ``assets/`` folder: name -> how to make its text.
SITE_ASSETS: dict[str, Callable[[], str]] = {
    "vis-network.min.js": vis_js,
    "vis-network.css": vis_css,
    "plotly.min.js": plotly_js,
    "immunoviz.css": lambda: style.css_root() + _static("immunoviz.css"),
    "immunoviz-dom.js": lambda: _static("dom.js"),
    "immunoviz-map.js": lambda: _static("map.js"),
    "immunoviz-exercise.js": lambda: _static("exercise.js"),
    "immunoviz-build.js": lambda: _static("build.js"),
    "immunoviz-chart.js": lambda: _static("chart.js"),
    "immunoviz-flows.js": lambda: _static("flows.js"),
    "immunoviz-index.js": lambda: _static("index.js"),
    "immunoviz-history.js": lambda: _static("history.js"),
}


def script_hash(text: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows one inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@dataclass(frozen=True)
class Script:
    """A script either inlined (``text``) or loaded from the site's assets (``src``).

    A ``deferred`` script (named so) is in the page but runs only when the page's own script asks for it
    (``immunoviz.dom.loadDeferred(name)``, in ``static/dom.js``): the history page draws its map before
    it loads plotly.js for the timeline. Inlined, it still needs its hash in the page's policy.
    """

    text: str = ""
    src: str = ""
    deferred: str = ""

    def later(self, name: str) -> Script:
        """This script, deferred under ``name``."""
        return Script(self.text, self.src, name)


@dataclass(frozen=True)
class Assets:
    """Where a page finds vis-network, plotly.js and our own scripts and styles.

    ``prefix=None`` inlines everything (one self-contained file); a prefix such
    as ``"../assets/"`` points at the site's shared copies.
    """

    prefix: str | None = None

    def script(self, name: str) -> Script:
        if self.prefix is None:
            return Script(text=SITE_ASSETS[name]().replace("</script", "<\\/script"))
        return Script(src=self.prefix + name)

    def style(self, name: str) -> dict:
        if self.prefix is None:
            return {"text": SITE_ASSETS[name]()}
        return {"href": self.prefix + name}


INLINE = Assets()


def csp(inline_scripts: Iterable[str] = (), *, shared: bool = False, frames: bool = False) -> str:
    """The Content-Security-Policy of a page: its own scripts only, and no network at all.

    Parameters
    ----------
    inline_scripts
        The text of every inline script the page may run (allowed by hash).
    shared
        The page also loads scripts from the site's own files (``'self' file:``).
    frames
        The page holds ``srcdoc`` iframes (a notebook page with maps): frames of the
        page's own origin, and the fonts nbconvert's stylesheet embeds, are allowed.

    Examples
    --------
    >>> from viz.render import csp
    >>> csp(["alert(1)"]).split("; ")[1]
    "script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    hashes = sorted({script_hash(s) for s in inline_scripts})
    script_src = " ".join([*(["'self' file:"] if shared else []), *hashes]) or "'none'"
    font_src = "'self' file: data:" if frames else "'none'"
    frame_src = "'self' file: data: blob:" if frames else "'none'"
    return (
        "default-src 'none'; "
        f"script-src {script_src}; "
        "style-src 'self' file: 'unsafe-inline'; "
        "img-src 'self' file: data: blob:; "
        f"font-src {font_src}; connect-src 'none'; media-src 'none'; object-src 'none'; "
        f"frame-src {frame_src}; worker-src 'none'; form-action 'none'; base-uri 'none'"
    )


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = lambda obj: Markup(json_for_script(obj))
    env.filters["safe_url"] = safe_url
    env.globals.update(immunoviz_version=__version__, glyph_svg=style.glyph_svg, line_svg=style.line_svg)
    return env


def render_template(name: str, **context) -> str:
    """One of our templates (``src/viz/templates/``) rendered with ``context``: text autoescaped, undefined names
    an error, and the filters every page uses (``script_json``, ``safe_url``).

    Examples
    --------
    >>> from viz import render
    >>> render.render_template("_head.html", csp="default-src 'none'").split("\\n")[0]
    '<meta charset="utf-8">'
    """
    return _env().get_template(name).render(**context)


def _page(
    template: str,
    *,
    assets: Assets,
    scripts: list[Script],
    styles: tuple[str, ...] = (),
    disclaimer: str | None = None,
    **context,
) -> str:
    """A page from one of our templates; ``disclaimer`` is the notice of the tables' topic (:data:`DISCLAIMER`)."""
    sheets = [assets.style(name) for name in (*styles, "immunoviz.css")]
    policy = csp([s.text for s in scripts if s.text], shared=any(s.src for s in scripts))
    return (
        _env()
        .get_template(template)
        .render(scripts=scripts, styles=sheets, csp=policy, disclaimer=disclaimer or DISCLAIMER, **context)
    )


# ---------------------------------------------------------------------------
# maps


#: A node's own vis-network options that the page passes on (the rest come from its category's group).
NODE_LOOK = ("shape", "color", "font", "size", "text", "widthConstraint")


def map_payload(net, *, summaries: bool = True) -> dict:
    """The one JSON payload ``static/map.js`` reads to draw a map, in any host (page, notebook, slides).

    Node and edge styles shared by a category or relation type are stored once instead of on every
    element. The keys:

    ``options``
        vis-network's options, without ``groups``; ``nodeGroups`` the style of each category's nodes.
    ``nodes``
        ``[id, label, category, x, y, step, first year, {other vis-network options}?]`` per concept.
    ``edgeTypes``, ``edges``
        the style of each relation type; ``[from index, to index, relation type, {other options}?]`` per
        relation (indices into ``nodes``).
    ``concepts``
        ``{id: {column: text or list}}``: the concepts' text fields (empty ones left out) and ``sources``.
    ``fields``
        ``[[column, title, is list], ...]``: the text fields to show, in schema order; the first is the
        lead (a concept's summary), the rest are listed under their titles.
    ``notes``
        ``{"from|relation|to": {column: text}}``: the relations' texts (``note``) and ``sources``.
    ``sources``
        ``{id: {"citation", "url"}}``.
    ``categories``, ``relations``
        the legend (:class:`viz.model.LegendCategory`, :class:`viz.model.LegendRelation` as objects).
    ``steps``, ``parts``, ``replay``, ``presenter``, ``title``, ``id``
        the story captions, the steps shown in parts (``{"5": [[ids], [ids]]}``), whether the map has a
        year slider, whether it opens in presenter mode.
    ``colours``
        the highlight states (:data:`viz.style.MAP_STATES`).
    ``version``, ``skeleton``
        the data version and the concepts a build-from-a-skeleton exercise starts from
        (``static/exercise.js``: which map and data a student's result file is for).
    ``sides``, ``hubs``, ``geometry``
        where labels go beside glyphs, the concepts labelled first on a big map, and the label and
        zoom geometry (:meth:`viz.model.Geometry.payload`).

    ``summaries=False`` leaves the lead field out: a map page's text version holds it (after each
    concept's name), and the page script reads it there.
    """
    node_groups = net.vis_options.get("groups", {})
    nodes = []
    for n in net.nodes:
        group = n.get("group", "")
        base = node_groups.get(group, {})
        extra = {k: v for k, v in n.items() if k in NODE_LOOK and base.get(k) != v}
        row = [n["id"], n["label"], group, n["x"], n["y"], n.get("step", 1), n.get("year")]
        if extra:
            row.append(extra)
        nodes.append(row)
    edge_types: dict[str, dict] = {}
    index = {n["id"]: i for i, n in enumerate(net.nodes)}
    edges = []
    for e in net.edges:
        rel = e.get("rel", "")
        look = {k: v for k, v in e.items() if k in ("arrows", "dashes", "color", "hidden")}
        base = edge_types.setdefault(rel, look)
        row = [index[e["from"]], index[e["to"]], rel]
        extra = {k: v for k, v in look.items() if base.get(k) != v}
        if "smooth" in e:  # an edge's shape is its own (the layout routes each edge), never its type's
            extra["smooth"] = e["smooth"]
        if base.get("hidden") and "hidden" not in e:  # shown, though its type's first edge is hidden
            extra["hidden"] = False
        if extra:
            row.append(extra)
        edges.append(row)
    page = net.page
    lead = page.fields[0].name if page.fields and not summaries else None
    concepts = {k: {f: v for f, v in c.items() if v and f != lead} for k, c in page.concepts.items()}
    return {
        "id": page.id,
        "options": {k: v for k, v in net.vis_options.items() if k != "groups"},
        "nodeGroups": node_groups,
        "nodes": nodes,
        "edgeTypes": edge_types,
        "edges": edges,
        # empty fields and notes are left out: at 1,000 concepts they were a sixth of the file
        "concepts": {k: t for k, t in concepts.items() if t or summaries},
        "fields": [[f.name, f.title, f.is_list] for f in page.fields],
        "notes": {k: {f: v for f, v in n.items() if v} for k, n in page.notes.items() if any(n.values())},
        "sources": page.sources,
        "categories": [dataclasses.asdict(c) for c in page.categories],
        "relations": [dataclasses.asdict(r) for r in page.relations],
        "steps": list(page.steps),
        "parts": {str(k): [list(p) for p in parts] for k, parts in sorted(page.parts.items())},
        "replay": page.replay,
        "presenter": page.presenter,
        "title": page.title,
        "colours": style.MAP_STATES,
        "sides": page.sides,
        "hubs": list(page.hubs),
        "geometry": page.geometry.payload(),
        # the build exercises (static/exercise.js): which map and data version a result file is for
        "version": page.version,
        "skeleton": list(page.skeleton),
    }


#: The scripts a host loads, in this order, before it mounts a map (``immunoviz.mountMap``), and the
#: stylesheets the map's markup needs: names in :data:`SITE_ASSETS`.
#: exercise.js and build.js make "Build it", a plug-in (immunoviz.plugins) that every map mounted after them with a
#: tools slot gets: the page, the widget. They come before map.js, which mounts a map page's map as it runs.
MAP_SCRIPTS = (
    "vis-network.min.js",
    "immunoviz-dom.js",
    "immunoviz-exercise.js",
    "immunoviz-build.js",
    "immunoviz-map.js",
)
MAP_STYLES = ("vis-network.css", "immunoviz.css")


def _map_context(
    net, *, uid: str, embedded: bool = False, fill: bool = False, image: str | None = None, text_version: bool = False
) -> dict:
    """What ``_map_body.html`` needs to draw the map's markup."""
    return {
        "page": net.page,
        "uid": uid,
        "embedded": embedded,
        "image": image,
        "text_version": text_version,
        "page_root": False,
        "fill": fill,
        "with_timeline": False,
        "n_nodes": len(net.nodes),
        "n_edges": len(net.edges),
    }


def render_map_body(net, *, uid: str = "m-", embedded: bool = True, fill: bool = True) -> str:
    """The map's markup alone (toolbar, legend, canvas, story bar, panel): what a host mounts a map in.

    Every ``id`` in it starts with ``uid``, so that several maps can share one document (a notebook's
    widgets, a deck's slides); ``static/map.js`` finds the parts by their ``data-iv`` attribute.
    ``embedded`` draws the legend as a strip above the map and the panel over it while a concept is
    selected; ``fill`` makes the map fill the height of the element that holds it. The host
    loads :data:`MAP_SCRIPTS` and :data:`MAP_STYLES` and calls
    ``immunoviz.mountMap(element, map_payload(net), {})`` on the element holding it.

    Examples
    --------
    >>> from viz import data, maps, render
    >>> body = render.render_map_body(maps.view_map(data.load(), "checkpoints"), uid="w1-")
    >>> 'id="w1-search"' in body and 'data-iv="canvas"' in body and "data-iv-page" not in body
    True
    """
    return _env().get_template("_map_body.html").render(**_map_context(net, uid=uid, embedded=embedded, fill=fill))


def render_map(
    net,
    *,
    assets: Assets = INLINE,
    image: str | None = None,
    home: str | None = None,
    embedded: bool = False,
    downloads: Sequence[tuple[str, str]] = (),
) -> str:
    """The HTML page of a concept map (a string; nothing is written).

    Parameters
    ----------
    net
        A :class:`viz.maps.ConceptMap`.
    assets
        :data:`INLINE` for one self-contained file, or the site's shared assets.
    image
        Relative path of the map's static picture, used by the print stylesheet.
    home
        Relative link back to the site index, if the page is part of a site.
    embedded
        The page is shown in a notebook's output: the map across the whole frame, no page heading.
    downloads
        ``(name, relative link)`` of the map's files for other tools (``immunoviz build --format``).

    Examples
    --------
    >>> from viz import data, maps, render
    >>> page = render.render_map(maps.view_map(data.load(), "checkpoints"))
    >>> page.startswith("<!doctype html>"), "not medical advice" in page
    (True, True)
    """
    scripts = [assets.script(name) for name in MAP_SCRIPTS]
    page = net.page
    labels = {n["id"]: n["label"] for n in net.nodes}
    by_category = []
    for cat in page.categories:
        items = [n for n in net.nodes if n.get("group") == cat.id]
        items.sort(key=lambda n: (n["label"].lower(), n["id"]))
        by_category.append({"label": cat.label, "concepts": items})
    outgoing: dict[str, list] = {}
    rel_label = {r.id: r.label for r in page.relations}
    for e in net.edges:
        outgoing.setdefault(e["from"], []).append((rel_label.get(e["rel"], e["rel"]), labels[e["to"]], e["to"]))
    return _page(
        "map.html",
        assets=assets,
        scripts=scripts,
        styles=MAP_STYLES[:1],
        **{**_map_context(net, uid="", embedded=embedded, image=image, text_version=True), "page_root": True},
        payload=map_payload(net, summaries=False),  # the text version holds them
        by_category=by_category,
        lead=page.fields[0].name if page.fields else None,
        more_fields=page.fields[1:],
        outgoing={k: sorted(v) for k, v in outgoing.items()},
        home=home,
        version=page.version,
        disclaimer=page.disclaimer,
        downloads=list(downloads),
    )


def map_iframe(net, *, height: int = 820) -> str:
    """HTML of a sandboxed ``<iframe srcdoc>`` showing a map: how a notebook shows it inline.

    The iframe holds the same self-contained page that :func:`render_map` makes: it
    needs no server, no files beside the notebook and no network, and it works where
    pyvis's own ``show()`` is blank (VS Code, pyvis issue #116). Its scripts run, but
    it cannot reach the notebook.
    """
    return srcdoc_iframe(render_map(net, embedded=True), title=net.page.title, height=height)


def srcdoc_iframe(page: str, *, title: str, height: int = 780) -> str:
    """HTML of a sandboxed ``<iframe srcdoc>`` holding a whole page (see :func:`map_iframe`).

    Examples
    --------
    >>> from viz.render import srcdoc_iframe
    >>> srcdoc_iframe("<p>a & b</p>", title="Demo", height=100).split(" sandbox=")[0]
    '<iframe class="immunoviz-map" title="Demo" srcdoc="&lt;p&gt;a &amp; b&lt;/p&gt;"'
    """
    return (
        f'<iframe class="immunoviz-map" title="{escape(title)}" srcdoc="{escape(page)}" '
        f'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'style="width:100%;height:{int(height)}px;border:1px solid {style.LINE};border-radius:8px"></iframe>'
    )


# ---------------------------------------------------------------------------
# the history page: a map and the timeline, linked


def render_history(
    net,
    fig,
    history: dict,
    *,
    title: str,
    intro: str = "",
    assets: Assets = INLINE,
    home: str | None = None,
    version: str = "",
) -> str:
    """The HTML page of a map and the timeline side by side, each filtering the other.

    ``net`` is a :class:`viz.maps.ConceptMap`, ``fig`` the timeline figure and
    ``history`` the page script's payload (:func:`viz.history.history_payload`);
    :func:`viz.history.history_page` makes all three.

    Examples
    --------
    >>> from viz import data, history
    >>> page = history.history_page(data.load()).render()
    >>> "immunoviz-history" in page and "not medical advice" in page
    True
    """
    # plotly.js last and deferred: history.js loads it once the map is drawn, so the map comes first
    scripts = [assets.script(name) for name in HISTORY_SCRIPTS if name != "plotly.min.js"]
    scripts.append(assets.script("plotly.min.js").later("plotly"))
    page = net.page
    order = {c.id: i for i, c in enumerate(page.categories)}
    labels = history["labels"]
    concepts = []
    for n in sorted(net.nodes, key=lambda n: (order.get(n.get("group"), len(order)), n["label"].lower(), n["id"])):
        ids = history["about"].get(n["id"], [])
        if ids:
            concepts.append(
                {
                    "id": n["id"],
                    "label": n["label"],
                    "events": ids,
                    "narrower": [labels.get(c, c) for c in history["narrower"].get(n["id"], [])],
                }
            )
    return _page(
        "history.html",
        assets=assets,
        scripts=scripts,
        styles=("vis-network.css",),
        title=title,
        intro=intro,
        **{**_map_context(net, uid="", text_version=True), "page_root": True, "with_timeline": True},
        payload=map_payload(net),
        figure_json=figure_json(fig, "history"),
        history=history,
        concepts=concepts,
        on_map={n["id"] for n in net.nodes},
        home=home,
        version=version or page.version,
    )


#: The scripts a host loads, in this order, before it mounts the history (``immunoviz.mountHistory``).
HISTORY_SCRIPTS = (
    "vis-network.min.js",
    "plotly.min.js",
    "immunoviz-dom.js",
    "immunoviz-map.js",
    "immunoviz-history.js",
)


def render_history_body(net, history: dict, *, uid: str = "h-", fill: bool = True) -> str:
    """The history's markup alone (the map and the timeline with their tools and panel), for a host.

    As :func:`render_map_body`: every ``id`` starts with ``uid``; the host loads :data:`HISTORY_SCRIPTS`
    and :data:`MAP_STYLES`, mounts the map on the element holding it (``immunoviz.mountMap``), then the
    timeline (``immunoviz.mountHistory``). ``history`` is :func:`viz.history.history_payload`'s.
    """
    context = {**_map_context(net, uid=uid, fill=fill), "with_timeline": True, "history": history}
    return _env().get_template("_history_body.html").render(**context)


# ---------------------------------------------------------------------------
# charts and the index


def figure_json(fig, chart_id: str) -> str:
    """A figure as JSON with trace uids fixed from ``chart_id`` (plotly.js would draw random ones into SVG)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure(fig)  # a copy
    for i, trace in enumerate(fig.data):
        trace.uid = f"{chart_id}-{i}"
    if isinstance(fig.layout.meta, dict) and "table" in fig.layout.meta:  # the page shows it as HTML
        fig.layout.meta = {k: v for k, v in fig.layout.meta.items() if k != "table"}
    return pio.to_json(fig, validate=False, pretty=False, remove_uids=False)


def render_chart(
    fig,
    *,
    title: str | None = None,
    description: str = "",
    chart_id: str = "chart",
    assets: Assets = INLINE,
    home: str | None = None,
    version: str = "",
    disclaimer: str | None = None,
) -> str:
    """The HTML page of a plotly figure, with plotly.js inlined or shared.

    ``disclaimer`` is the notice of the tables' topic (``Dataset.site["disclaimer"]``);
    :data:`viz.DISCLAIMER` without one.

    Examples
    --------
    >>> from viz import charts, data, render
    >>> page = render.render_chart(charts.timeline_figure(data.load()), chart_id="timeline")
    >>> "Plotly.newPlot" in page
    True
    """
    scripts = [assets.script(n) for n in ("plotly.min.js", "immunoviz-flows.js", "immunoviz-chart.js")]
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return _page(
        "chart.html",
        assets=assets,
        scripts=scripts,
        title=title or (fig.layout.title.text or "Chart"),
        description=description or meta.get("description", ""),
        summary=meta.get("summary", []),
        table=meta.get("table"),
        chart_id=f"chart-{chart_id}",
        figure_json=figure_json(fig, chart_id),
        home=home,
        version=version,
        disclaimer=disclaimer,
    )


def render_index(
    *,
    title: str,
    topics: Mapping[str, list],
    search: list[dict],
    version: str,
    counts: Mapping[str, int],
    subtitle: str = "",
    disclaimer: str | None = None,
    search_example: str = "",
) -> str:
    """The site's index page: a card per page, grouped by topic, and the concept search.

    ``topics`` maps a heading to its entries (objects with ``kind``, ``title``,
    ``description``, ``topic``, ``href`` and ``image``). ``subtitle``, ``disclaimer``
    and ``search_example`` are the site's wording (``Dataset.site``).
    """
    return _page(
        "index.html",
        assets=Assets("assets/"),
        scripts=[Script(src="assets/immunoviz-index.js")],
        title=title,
        topics=topics,
        search=search,
        version=version,
        counts=counts,
        subtitle=subtitle,
        disclaimer=disclaimer,
        search_example=search_example,
    )


# ---------------------------------------------------------------------------
# reports: the pages of a class's build exercises (viz.grading)


def render_report(template: str, *, title: str, version: str, disclaimer: str | None = None, **context) -> str:
    """A page with no script, from one of our templates: the class results and a student's comparison.

    Everything is inlined (one file to hand round), text is autoescaped, and the page's policy allows no
    script at all.

    Examples
    --------
    >>> from markupsafe import Markup
    >>> from viz import render
    >>> page = render.render_report("class.html", title="<b>", version="1", picture=Markup("<svg></svg>"),
    ...                             bands=[], tallies=[], graded=[], refused=[("x.json", "x.json: <i>")], problem=None,
    ...                             mean=0, clock=str)
    >>> "script-src &#39;none&#39;" in page, "&lt;i&gt;" in page, "<i>" in page
    (True, True, False)
    """
    return _page(
        template,
        assets=INLINE,
        scripts=[],
        title=title,
        version=version,
        disclaimer=disclaimer,
        **context,
    )
