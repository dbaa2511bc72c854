"""The only module that writes files: offline HTML maps and charts, images, the site.

Every page is rendered from our own Jinja2 templates with autoescaping on.
Table text reaches scripts only as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, and every page carries a
Content-Security-Policy that allows only our own scripts (by hash or from the
site's ``assets/`` folder) and no network at all.

Files are written atomically (temporary file, then rename); :func:`write_site`
builds into a temporary folder and swaps it in only when everything
succeeded, so a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import plotly.graph_objects as go
import plotly.io as pio

from viz import DISCLAIMER, __version__
from viz.paths import STATIC_DIR, TEMPLATES_DIR, vis_network_assets

__all__ = [
    "ExportError",
    "json_for_script",
    "render_chart",
    "render_map",
    "write_chart",
    "write_map",
    "write_site",
]

#: Marks a folder as an immunoviz site, so a build never replaces anything else.
SITE_MARKER = ".immunoviz-site"
#: The heading of the index section that lists the rendered notebooks.
NOTEBOOKS_SECTION = "Notebooks: the lessons, run and rendered"


class ExportError(Exception):
    """Writing the output failed; the message says what happened and how to fix it."""


# ---------------------------------------------------------------------------
# escaping and assets

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(obj) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    Compact, with sorted keys (reproducible), and with the characters that could
    end the script element or start markup written as ``\\uXXXX`` escapes.
    """
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group()], text)


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def vis_css() -> str:
    """vis-network's stylesheet without the button images of the editing toolbar we never show."""
    css = _read(vis_network_assets()[1])
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    return "".join(r for r in rules if "url(" not in r)


@cache
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _static(name: str) -> str:
    return _read(STATIC_DIR / name)


@dataclass(frozen=True)
class Script:
    """A script either inlined (``text``) or loaded from the site's assets (``src``)."""

    text: str = ""
    src: str = ""

    @property
    def csp(self) -> str:
        digest = hashlib.sha256(self.text.encode("utf-8")).digest()
        return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@dataclass(frozen=True)
class Assets:
    """Where a page finds vis-network, plotly.js and our own scripts and styles.

    ``prefix=None`` inlines everything (one self-contained file); a prefix such
    as ``"../assets/"`` points at the site's shared copies.
    """

    prefix: str | None = None

    def script(self, name: str, text: Callable[[], str]) -> Script:
        if self.prefix is None:
            return Script(text=text().replace("</script", "<\\/script"))
        return Script(src=self.prefix + name)

    def style(self, name: str, text: Callable[[], str]) -> dict:
        if self.prefix is None:
            return {"text": text()}
        return {"href": self.prefix + name}


INLINE = Assets()
#: The shared files of a site's ``assets/`` folder: name -> how to make it.
SITE_ASSETS: dict[str, Callable[[], str]] = {
    "vis-network.min.js": lambda: _read(vis_network_assets()[0]),
    "vis-network.css": vis_css,
    "plotly.min.js": plotly_js,
    "immunoviz.css": lambda: _static("immunoviz.css"),
    "immunoviz-map.js": lambda: _static("map.js"),
    "immunoviz-chart.js": lambda: _static("chart.js"),
    "immunoviz-index.js": lambda: _static("index.js"),
}


def _csp(scripts: list[Script]) -> str:
    hashes = " ".join(s.csp for s in scripts if s.text)
    sources = "'self' file:" if any(s.src for s in scripts) else ""
    script_src = " ".join(x for x in (sources, hashes) if x) or "'none'"
    return (
        "default-src 'none'; "
        f"script-src {script_src}; "
        "style-src 'self' file: 'unsafe-inline'; "
        "img-src 'self' file: data: blob:; "
        "font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
        "frame-src 'none'; worker-src 'none'; form-action 'none'; base-uri 'none'"
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
    env.filters["script_json"] = lambda obj: jinja2.utils.markupsafe.Markup(json_for_script(obj))
    env.filters["safe_url"] = safe_url
    env.globals.update(disclaimer=DISCLAIMER, immunoviz_version=__version__, glyph_svg=glyph_svg, line_svg=line_svg)
    return env


def _page(template: str, *, assets: Assets, scripts: list[Script], **context) -> str:
    styles = [assets.style("vis-network.css", vis_css)] if template == "map.html" else []
    styles.append(assets.style("immunoviz.css", lambda: _static("immunoviz.css")))
    return _env().get_template(template).render(scripts=scripts, styles=styles, csp=_csp(scripts), **context)


# ---------------------------------------------------------------------------
# maps


def map_payload(net) -> dict:
    """What the page script needs, compacted: node and edge styles shared by a
    category or relation type are stored once instead of on every element."""
    node_groups = net.vis_options.get("groups", {})
    nodes = []
    for n in net.nodes:
        group = n.get("group", "")
        base = node_groups.get(group, {})
        extra = {k: v for k, v in n.items() if k in ("shape", "color", "font", "size") and base.get(k) != v}
        row = [n["id"], n["label"], group, n["x"], n["y"], n.get("step", 1), n.get("year")]
        if extra:
            row.append(extra)
        nodes.append(row)
    edge_types: dict[str, dict] = {}
    index = {n["id"]: i for i, n in enumerate(net.nodes)}
    edges = []
    for e in net.edges:
        rel = e.get("rel", "")
        style = {k: v for k, v in e.items() if k in ("arrows", "dashes", "color")}
        base = edge_types.setdefault(rel, style)
        row = [index[e["from"]], index[e["to"]], rel]
        extra = {k: v for k, v in style.items() if base.get(k) != v}
        if extra:
            row.append(extra)
        edges.append(row)
    page = net.page
    return {
        "options": {k: v for k, v in net.vis_options.items() if k != "groups"},
        "nodeGroups": node_groups,
        "nodes": nodes,
        "edgeTypes": edge_types,
        "edges": edges,
        # empty fields and notes are left out: at 1,000 concepts they were a sixth of the file
        "concepts": {k: {f: v for f, v in c.items() if v} for k, c in page.get("concepts", {}).items()},
        "notes": {k: {f: v for f, v in n.items() if v} for k, n in page.get("notes", {}).items() if any(n.values())},
        "sources": page.get("sources", {}),
        "categories": page.get("categories", []),
        "relations": page.get("relations", []),
        "steps": page.get("steps", []),
        "replay": page.get("replay", False),
        "presenter": page.get("presenter", False),
        "title": page.get("title", ""),
    }


def render_map(net, *, assets: Assets = INLINE, image: str | None = None, home: str | None = None) -> str:
    """The HTML page of a concept map (a string; nothing is written).

    Parameters
    ----------
    net
        A :class:`viz.maps.ConceptMap`.
    assets
        :data:`INLINE` for one self-contained file, or the site's shared assets.
    image
        Relative path of the map's static PNG, used by the print stylesheet.
    home
        Relative link back to the site index, if the page is part of a site.
    """
    scripts = [
        assets.script("vis-network.min.js", lambda: _read(vis_network_assets()[0])),
        assets.script("immunoviz-map.js", lambda: _static("map.js")),
    ]
    page = net.page
    labels = {n["id"]: n["label"] for n in net.nodes}
    by_category = []
    for cat in page.get("categories", []):
        items = sorted((n for n in net.nodes if n.get("group") == cat["id"]), key=lambda n: n["label"].lower())
        by_category.append({**cat, "concepts": items})
    outgoing: dict[str, list] = {}
    rel_label = {r["id"]: r["label"] for r in page.get("relations", [])}
    for e in net.edges:
        outgoing.setdefault(e["from"], []).append((rel_label.get(e["rel"], e["rel"]), labels[e["to"]], e["to"]))
    return _page(
        "map.html",
        assets=assets,
        scripts=scripts,
        page=page,
        payload=map_payload(net),
        by_category=by_category,
        outgoing={k: sorted(v) for k, v in outgoing.items()},
        image=image,
        home=home,
        n_nodes=len(net.nodes),
        n_edges=len(net.edges),
        version=page.get("version", ""),
    )


def write_map(
    net, path: Path | str, *, assets: Assets = INLINE, image: str | None = None, home: str | None = None
) -> Path:
    """Write a concept map as one HTML file (self-contained unless ``assets`` says otherwise)."""
    return _write_text(Path(path), render_map(net, assets=assets, image=image, home=home))


# ---------------------------------------------------------------------------
# charts


def render_chart(
    fig,
    *,
    title: str | None = None,
    description: str = "",
    chart_id: str = "chart",
    assets: Assets = INLINE,
    home: str | None = None,
    version: str = "",
) -> str:
    """The HTML page of a plotly figure, with plotly.js inlined or shared."""
    scripts = [
        assets.script("plotly.min.js", plotly_js),
        assets.script("immunoviz-chart.js", lambda: _static("chart.js")),
    ]
    fig = go.Figure(fig)  # a copy: fixed trace uids (plotly.js would draw random ones into SVG class names)
    for i, trace in enumerate(fig.data):
        trace.uid = f"{chart_id}-{i}"
    figure_json = pio.to_json(fig, validate=False, pretty=False, remove_uids=False)
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return _page(
        "chart.html",
        assets=assets,
        scripts=scripts,
        title=title or (fig.layout.title.text or "Chart"),
        description=description or meta.get("description", ""),
        summary=meta.get("summary", []),
        chart_id=f"chart-{chart_id}",
        figure_json=figure_json,
        home=home,
        version=version,
    )


def write_chart(
    fig,
    path: Path | str,
    *,
    dataset=None,
    assets: Assets = INLINE,
    chart_id: str | None = None,
    home: str | None = None,
) -> Path:
    """Write a plotly figure as one HTML page (plotly.js inlined unless ``assets`` says otherwise)."""
    path = Path(path)
    html = render_chart(
        fig, chart_id=chart_id or path.stem, assets=assets, home=home, version=getattr(dataset, "version", "")
    )
    return _write_text(path, html)


# ---------------------------------------------------------------------------
# the site


@dataclass
class SiteEntry:
    """One page of the site index."""

    kind: str  # "map", "chart" or "notebook"
    id: str
    title: str
    description: str
    topic: str
    href: str
    image: str | None = None
    labels: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """File name of its images: maps and charts may share an id (both have "resistance")."""
        return f"{self.kind}-{self.id}"


def write_site(
    ds,
    out: Path | str,
    *,
    images: bool = True,
    notebooks: Path | str | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> Path:
    """Build every map and chart of a dataset into ``out`` and return ``out/index.html``.

    With ``notebooks`` (a folder of ``NN-topic.ipynb`` lessons), each lesson is
    also run on ``ds`` (see :mod:`viz.notebook_site`; several at once, while the
    maps and charts are drawn) and written as ``notebooks/NN-topic.html``.

    The site is built in a temporary folder beside ``out`` and swapped in only
    when everything succeeded: a failure leaves the previous site untouched and
    raises :class:`ExportError` saying what failed.
    """
    from viz import charts, graph, maps

    out = Path(out)
    _check_replaceable(out)
    with _building(out) as tmp, _running_notebooks(ds, notebooks) as lessons:
        shared = Assets("../assets/")
        (tmp / "assets").mkdir()
        for name, make in SITE_ASSETS.items():
            _write_text(tmp / "assets" / name, make())
        entries: list[SiteEntry] = []
        maps_by_id: dict = {}
        full = graph.concept_graph(ds)
        for view in graph.view_ids(ds):
            net = maps.view_map(ds, view)
            maps_by_id[view] = net
            spec = ds.views.loc[view]
            _write_text(
                tmp / "maps" / f"{view}.html",
                render_map(net, assets=shared, image=f"../images/map-{view}.svg", home="../index.html"),
            )
            entries.append(
                SiteEntry(
                    "map",
                    view,
                    spec["title"],
                    spec["intro"],
                    spec["topic"],
                    f"maps/{view}.html",
                    labels=sorted(full.nodes[n]["label"] for n in {x["id"] for x in net.nodes}),
                )
            )
            log(f"  map    maps/{view}.html ({len(net.nodes)} concepts, {len(net.edges)} relations)")
        for chart in charts.site_charts(ds):
            _write_text(
                tmp / "charts" / f"{chart.id}.html",
                render_chart(
                    chart.figure,
                    title=chart.title,
                    description=chart.description,
                    chart_id=chart.id,
                    assets=shared,
                    home="../index.html",
                    version=ds.version,
                ),
            )
            entries.append(
                SiteEntry("chart", chart.id, chart.title, chart.description, chart.topic, f"charts/{chart.id}.html")
            )
            log(f"  chart  charts/{chart.id}.html")
        for entry in entries:
            if entry.kind == "map":
                _write_text(tmp / "images" / f"{entry.stem}.svg", render_map_svg(maps_by_id[entry.id]))
                entry.image = f"images/{entry.stem}.svg"
        if images:
            _photograph(tmp, entries, log)
        entries += _write_notebook_pages(ds, tmp, lessons, log)
        index = _render_index(ds, entries)
        _write_text(tmp / "index.html", index)
        _write_text(tmp / SITE_MARKER, "This folder is written by `immunoviz build`; it is replaced on each build.\n")
    return out / "index.html"


@contextmanager
def _running_notebooks(ds, folder: Path | str | None) -> Iterator[list]:
    """Start running the lesson notebooks of ``folder`` in the background: yields ``[(path, future)]``.

    Kernels are separate processes, so threads are enough to keep every core busy;
    on the way out (also after a failure) notebooks not yet started are cancelled.
    """
    if folder is None:
        yield []
        return
    from concurrent.futures import ThreadPoolExecutor

    from viz import notebook_site

    paths = notebook_site.notebook_files(folder)
    if not paths:
        yield []
        return
    pool = ThreadPoolExecutor(max_workers=min(notebook_site.jobs(), len(paths)), thread_name_prefix="notebook")
    try:
        yield [(p, pool.submit(notebook_site.execute, p, data_dir=ds.root)) for p in paths]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _write_notebook_pages(ds, site: Path, lessons: list, log: Callable[[str], None]) -> list[SiteEntry]:
    """Render the executed lessons as ``notebooks/NN-topic.html``; returns their index entries."""
    if not lessons:
        return []
    import time

    from viz import notebook_site

    started = time.perf_counter()
    stems = [p.stem for p, _ in lessons]
    entries = []
    for path, future in lessons:
        try:
            nb = future.result()
            title, description = notebook_site.describe(nb)
            page = notebook_site.render(
                nb, name=path.name, title=title or path.stem, version=ds.version, notebooks=stems
            )
        except notebook_site.NotebookError as exc:
            raise ExportError(f"notebook {exc}; fix it, or build without the notebooks (--no-notebooks)") from None
        href = f"notebooks/{path.stem}.html"
        _write_text(site / href, page)
        entries.append(
            SiteEntry("notebook", path.stem, title or path.stem, description, notebook_site.topic(nb, ds), href)
        )
        log(f"  notebook {href}")
    log(f"  notebooks: {len(entries)} run and rendered (waited {time.perf_counter() - started:.1f} s for them)")
    return entries


def _photograph(site: Path, entries: list[SiteEntry], log: Callable[[str], None]) -> None:
    """PNG of every map and chart, and SVG of every chart, made in headless Chromium."""
    from viz import _browser

    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError:  # pragma: no cover - playwright is a dependency
        PlaywrightError = RuntimeError
    current = None
    try:
        for entry, fmt, blob in _browser.snapshots(site, entries):
            current = entry.href
            _write_bytes(site / "images" / f"{entry.stem}.{fmt}", blob)
            if fmt == "png":
                entry.image = f"images/{entry.stem}.png"
        log(f"  images images/*.png, images/*.svg ({len(entries)} pages)")
    except _browser.BrowserUnavailable as exc:
        log(f"  images skipped: {exc} (or build with --no-images)")
    except PlaywrightError as exc:
        raise ExportError(
            f"Chromium could not draw the page after {current or 'the start'}: {str(exc).splitlines()[0]}"
        ) from None


def _render_index(ds, entries: list[SiteEntry]) -> str:
    scripts = [Script(src="assets/immunoviz-index.js")]
    topics: dict[str, list[SiteEntry]] = {}
    for e in entries:  # notebooks together in one section; each card names its topic
        topics.setdefault(NOTEBOOKS_SECTION if e.kind == "notebook" else e.topic, []).append(e)
    search = sorted({(label, e.href, e.title) for e in entries for label in e.labels})
    return _page(
        "index.html",
        assets=Assets("assets/"),
        scripts=scripts,
        title=ds.title or "immunoviz",
        topics=topics,
        search=[{"label": lab, "href": href, "map": title} for lab, href, title in search],
        version=ds.version,
        counts=ds.counts(),
    )


def _check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).exists():
        raise ExportError(
            f"{out} already holds files that immunoviz did not write; refusing to replace it "
            "(choose an empty or new folder with --out)"
        )


@contextmanager
def _building(out: Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``out``; on success swap it in, on failure remove it."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=parent))
        tmp.chmod(0o755)
    except OSError as exc:
        raise ExportError(_explain(exc, parent)) from None
    try:
        yield tmp
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            try:
                os.replace(out, old / "site")
            except OSError:
                old.rmdir()  # nothing was moved; leave no empty folder behind
                raise
        try:
            os.replace(tmp, out)
        except OSError:
            if old is not None:  # put the previous site back
                os.replace(old / "site", out)
                old.rmdir()
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(_explain(exc, out) + f"; the previous {out} is untouched") from None
    except ExportError as exc:  # a page could not be written: name it as part of the new site, not the temp folder
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(f"{str(exc).replace(str(tmp), str(out))}; the previous {out} is untouched") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _explain(exc: OSError, where: Path) -> str:
    reasons = {
        errno.ENOSPC: "the disk is full; free some space and build again",
        errno.EDQUOT: "the disk quota is used up; free some space and build again",
        errno.EACCES: "permission denied; choose a folder you can write to with --out",
        errno.EPERM: "permission denied; choose a folder you can write to with --out",
        errno.EROFS: "the disk is read-only; choose another folder with --out",
    }
    target = exc.filename or where
    return f"could not write {target}: " + reasons.get(exc.errno, exc.strerror or str(exc))


def _write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (a temporary file, then a rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(_explain(exc, path)) from None
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(_explain(exc, path)) from None
    return path


# ---------------------------------------------------------------------------
# legend glyphs (inline SVG, so the legend needs no image files)


def _points(pts) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def _star(r_out: float = 10.0, r_in: float = 4.2):
    import math

    return [
        (
            (r_out if i % 2 == 0 else r_in) * math.cos(math.radians(-90 + 36 * i)),
            (r_out if i % 2 == 0 else r_in) * math.sin(math.radians(-90 + 36 * i)),
        )
        for i in range(10)
    ]


def _hexagon(r: float = 9.0):
    import math

    return [(r * math.cos(math.radians(60 * i)), r * math.sin(math.radians(60 * i))) for i in range(6)]


_GLYPHS = {
    "dot": '<circle r="8"{style}/>',
    "circle": '<circle r="9"{style}/>',
    "square": '<rect x="-7.5" y="-7.5" width="15" height="15"{style}/>',
    "box": '<rect x="-10.5" y="-7" width="21" height="14" rx="3"{style}/>',
    "dashedBox": '<rect x="-10.5" y="-7" width="21" height="14" rx="3" stroke-dasharray="3 2"{style}/>',
    "ellipse": '<ellipse rx="10.5" ry="7"{style}/>',
    "diamond": '<polygon points="0,-10 10,0 0,10 -10,0"{style}/>',
    "triangle": '<polygon points="0,-9.5 9.5,7.5 -9.5,7.5"{style}/>',
    "triangleDown": '<polygon points="0,9.5 9.5,-7.5 -9.5,-7.5"{style}/>',
    "star": f'<polygon points="{_points(_star())}"{{style}}/>',
    "hexagon": f'<polygon points="{_points(_hexagon())}"{{style}}/>',
    "database": '<path d="M-8,-6 v12 a8,3 0 0 0 16,0 v-12 a8,3 0 0 0 -16,0 a8,3 0 0 0 16,0"{style}/>',
}


def glyph_svg(shape: str, colour: str) -> jinja2.utils.markupsafe.Markup:
    """A 24-pixel inline SVG of a node shape in a colour, for legends."""
    from markupsafe import Markup, escape

    style = f' fill="{escape(colour)}" stroke="#1b1b1f" stroke-width="1.5"'
    body = _GLYPHS.get(shape, _GLYPHS["dot"]).format(style=style)
    return Markup(
        f'<svg class="glyph" width="24" height="24" viewBox="-12 -12 24 24" aria-hidden="true" '
        f'focusable="false">{body}</svg>'
    )


def line_svg(line: str, arrow: str) -> jinja2.utils.markupsafe.Markup:
    """A 44-pixel inline SVG of a relation's line style and arrow head, for legends."""
    from markupsafe import Markup

    dash = {"solid": "", "dashed": ' stroke-dasharray="6 4"', "dotted": ' stroke-dasharray="1.5 3.5"'}[line]
    head = {
        "arrow": '<polygon points="42,6 33,1.5 33,10.5" fill="#5b5f66"/>',
        "bar": '<line x1="41" y1="0" x2="41" y2="12" stroke="#5b5f66" stroke-width="2.5"/>',
        "none": "",
    }[arrow]
    end = 33 if arrow == "arrow" else 40
    return Markup(
        f'<svg class="glyph-line" width="44" height="12" viewBox="0 0 44 12" aria-hidden="true" '
        f'focusable="false"><line x1="1" y1="6" x2="{end}" y2="6" stroke="#5b5f66" '
        f'stroke-width="2"{dash}/>{head}</svg>'
    )


def safe_url(url: object) -> str:
    """The URL if it is http(s), else ``#``: a second guard after validation."""
    text = str(url or "")
    return text if re.match(r"^https?://[^\s<>\"']+$", text) else "#"


# ---------------------------------------------------------------------------
# a static SVG of a map (for print and handouts; no browser needed)


def render_map_svg(net, *, margin: float = 60.0) -> str:
    """A static SVG drawing of a concept map at its laid-out positions.

    Same colours, shapes, line styles and labels as the interactive page,
    without the page around it: for slides, handouts and print.
    """
    import math

    from markupsafe import escape

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
        f'width="{width:.0f}" height="{height:.0f}" font-family="system-ui, -apple-system, Segoe UI, Roboto, '
        f'Helvetica, Arial, sans-serif" role="img">',
        f"<title>{escape(net.page.get('title', 'Concept map'))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b5f66"/></marker>'
        '<marker id="bar" viewBox="0 0 4 12" refX="2" refY="6" markerWidth="4" markerHeight="12" orient="auto">'
        '<rect x="0" y="0" width="3" height="12" fill="#5b5f66"/></marker></defs>',
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
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
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#5b5f66" '
            f'stroke-width="1.4"{dash}{marker}/>'
        )
    for n in sorted(nodes.values(), key=lambda n: n["id"]):
        group = net.vis_options.get("groups", {}).get(n.get("group"), {})
        colour = n.get("color") or group.get("color") or {"background": "#999999"}
        colour = colour["background"] if isinstance(colour, dict) else colour
        glyph = _GLYPHS.get(shapes.get(n.get("group"), n.get("shape", "dot")), _GLYPHS["dot"]).format(
            style=f' fill="{escape(colour)}" stroke="#1b1b1f" stroke-width="1.5"'
        )
        parts.append(f'<g transform="translate({n["x"]:.1f},{n["y"]:.1f}) scale(1.5)">{glyph}</g>')
        parts.append(
            f'<text x="{n["x"]:.1f}" y="{n["y"] + 34:.1f}" font-size="{font}" text-anchor="middle" '
            f'fill="#1b1b1f" stroke="#ffffff" stroke-width="4" paint-order="stroke">'
            f"{escape(n['label'])}</text>"
        )
    parts.append("</svg>\n")
    return "\n".join(parts)
