"""The build: every map, chart and lesson of a dataset as an offline site, rebuilt incrementally.

:func:`build_site` plans the pages of a dataset (a map per view, the charts
whose tables have rows, a page per lesson notebook), makes what changed, takes
the rest from the previous build, adds the images (headless Chromium) and the
index, and swaps the new site in only when everything succeeded
(:func:`viz.export.building`): a failure leaves the previous site untouched.

**Incremental.** A page is a function of the package code and of the tables it
reads. While a page is made, :meth:`viz.data.Dataset.tracking` records which
tables it reads; the site's manifest (the ``.immunoviz-site`` file) keeps, for
every page, those tables' fingerprints and the code's. The next build reuses a
page whose inputs are unchanged without making it again, and an image whose
page is unchanged without opening a browser. Every file whose bytes are
unchanged is linked from the previous site instead of written, so it keeps its
modification time: after a change, only the pages that show it are new. A
build that reuses nothing gives the same bytes, so the cache never changes
what a clean build produces.

Educational material, not medical advice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from viz import _browser, cache, charts, export, graph, history, interchange, lessons, maps, render, slides, svg
from viz.interchange.dataset import net_map

__all__ = ["NOTEBOOKS_SECTION", "SITE_MARKER", "Build", "Page", "build_site", "plan"]

#: Marks a folder as an immunoviz site (so a build never replaces anything else) and holds its manifest.
SITE_MARKER = ".immunoviz-site"
#: The heading of the index section that lists the rendered notebooks.
NOTEBOOKS_SECTION = "Notebooks: the lessons, run and rendered"
#: Bumped when the manifest's form changes; an older manifest is ignored (everything is made afresh).
MANIFEST_VERSION = 1
SHARED = render.Assets("../assets/")


@dataclass
class Page:
    """One page of the site: what the index says about it, and how to make it."""

    kind: str  # "map", "chart", "history" (the map and the timeline linked), "slides" (a topic's lecture) or "notebook"
    id: str
    title: str
    description: str
    topic: str
    make: Callable[[], str] = field(repr=False)
    #: for maps: the object whose static SVG is drawn beside the page (set by ``make``)
    drawing: object = field(default=None, repr=False)
    labels: list[str] = field(default_factory=list)
    image: str | None = None
    #: for lessons: the notebook, and what its page depends on besides the code
    source: Path | None = None
    key: str = ""

    @property
    def href(self) -> str:
        folder = {"map": "maps/", "chart": "charts/", "notebook": "notebooks/", "history": "", "slides": "slides/"}[
            self.kind
        ]
        return f"{folder}{self.id}.html"

    @property
    def stem(self) -> str:
        """File name of its images: maps and charts may share an id (both have "resistance")."""
        return self.id if self.kind == "history" else f"{self.kind}-{self.id}"


@dataclass
class Build:
    """What a build did: the index it wrote, and which files are new and which were kept."""

    index: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)  # pages made afresh (the rest were taken from the last build)


def plan(ds, *, downloads: Sequence[str] = ()) -> list[Page]:
    """The map, history and chart pages of a dataset, in index order (notebooks are added by :func:`build_site`).

    Examples
    --------
    >>> from viz import data, site
    >>> pages = site.plan(data.load())
    >>> [p.href for p in pages][:2]
    ['maps/cycle.html', 'maps/three_es.html']
    """
    pages: list[Page] = []
    topics = ds.topics["title"]
    for view in graph.view_ids(ds):
        spec = ds.views.loc[view]
        topic = str(topics.get(spec["topic"], spec["topic"]))
        pages.append(Page("map", view, spec["title"], spec["intro"], topic, make=None))
        pages[-1].make = _map_maker(ds, pages[-1], downloads)
    if len(ds.events) and history.default_view(ds) is not None:
        timeline = charts.declared(ds, "timeline").get("topic")  # beside the timeline on the index
        topic = str(topics.get(timeline, "History"))
        page = Page("history", "history", history.TITLE, HISTORY_DESCRIPTION, topic, make=None)
        page.make = _history_maker(ds, page)
        pages.append(page)
    for chart in charts.site_charts(ds):
        page = Page("chart", chart.id, chart.title, chart.description, chart.topic, make=None)

        def make(chart=chart) -> str:
            return render.render_chart(
                chart.figure,
                title=chart.title,
                description=chart.description,
                chart_id=chart.id,
                assets=SHARED,
                home="../index.html",
                version=ds.version,
                disclaimer=ds.site["disclaimer"],
            )

        page.make = make
        pages.append(page)
    shown = {*ds.views["topic"], *(p.topic for p in pages if p.kind == "chart")}
    for tid, title in zip(ds.topics["id"], ds.topics["title"], strict=True):  # a lecture per topic with maps or charts
        if tid in shown or title in shown:
            page = Page("slides", str(tid), f"Lecture slides: {title}", SLIDES_DESCRIPTION, str(title), make=None)
            page.make = partial(lambda t: slides.render_deck(slides.plan_deck(ds, topic=t), assets=SHARED), tid)
            pages.append(page)
    return pages


SLIDES_DESCRIPTION = (
    "The topic's maps as a lecture: a slide per story step, with speaker notes (press S) and the sources; "
    "arrow keys or Space to step through, offline."
)


def download_name(view: str, fmt: str) -> str:
    """Where ``immunoviz build --format`` puts a map's file for another tool."""
    return f"downloads/{view}{interchange.EXTENSIONS[fmt]}"


def _map_maker(ds, page: Page, downloads: Sequence[str] = ()) -> Callable[[], str]:
    def make() -> str:
        net = maps.view_map(ds, page.id)
        page.drawing = net
        page.labels = sorted({n["label"] for n in net.nodes})
        links = [(interchange.NAMES[f], f"../{download_name(page.id, f)}") for f in downloads]
        return render.render_map(
            net, assets=SHARED, image=f"../images/{page.stem}.svg", home="../index.html", downloads=links
        )

    return make


HISTORY_DESCRIPTION = (
    "The therapy map and the timeline side by side: pick a concept to light up its events, "
    "click an event to see its concepts, and move the year cursor to watch the field grow."
)


def _history_maker(ds, page: Page) -> Callable[[], str]:
    def make() -> str:
        linked = history.history_page(ds)
        page.labels = sorted({n["label"] for n in linked.net.nodes})
        return linked.render(assets=render.Assets("assets/"), home="index.html")

    return make


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(out: Path) -> dict:
    try:
        manifest = json.loads((out / SITE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("version") == MANIFEST_VERSION else {}


def build_site(
    ds,
    out: Path | str,
    *,
    images: bool = True,
    notebooks: Path | str | None = None,
    downloads: Sequence[str] = (),
    log: Callable[[str], None] = lambda s: None,
) -> Build:
    """Build every map and chart of a dataset into ``out`` (and its lessons, with ``notebooks``).

    Parameters
    ----------
    ds
        A :class:`viz.data.Dataset`.
    out
        The site folder. It is replaced as a whole when the build succeeds; a folder
        that holds files immunoviz did not write is refused.
    images
        Make a PNG of every map and chart, and an SVG of every chart, in headless
        Chromium (maps always get an SVG, drawn without a browser). Without
        Chromium the build goes on without them and says so.
    notebooks
        A folder of ``NN-topic.ipynb`` lessons: each is run on ``ds`` (several at
        once, while the maps and charts are made) and written as
        ``notebooks/NN-topic.html``.
    downloads
        Formats of :data:`viz.interchange.FORMATS`: every map is also written in each, as
        ``downloads/VIEW.cxl`` and so on, and its page links to them.
    log
        Called with one line per page and a summary.

    Returns
    -------
    Build
        ``index`` is ``out/index.html``; ``written`` and ``kept`` list the files
        that are new and those kept from the previous build.

    Raises
    ------
    viz.export.ExportError
        Saying what failed; the previous site is then untouched.
    """
    out = Path(out)
    export.check_replaceable(out, marker=SITE_MARKER)
    old = _read_manifest(out) if out.is_dir() else {}
    code = cache.code_fingerprint()
    tables = ds.fingerprints
    old_pages = old.get("pages", {}) if old.get("code") == code else {}
    manifest: dict = {"version": MANIFEST_VERSION, "code": code, "pages": {}, "images": {}}
    report = Build(index=out / "index.html")
    lesson_pages = _lesson_pages(notebooks, tables)
    keep_lessons = {p.href for p in lesson_pages if old_pages.get(p.href, {}).get("key") == p.key}
    with (
        export.building(out, previous=out if old else None) as stage,
        _running(ds, [p for p in lesson_pages if p.href not in keep_lessons]) as running,
    ):
        pages = plan(ds, downloads=downloads)
        for name, make in render.SITE_ASSETS.items():
            stage.write_text(f"assets/{name}", make())
        fresh: list[Page] = []
        for page in pages:
            before = old_pages.get(page.href)
            same = before and before.get("downloads", []) == list(downloads if page.kind == "map" else ())
            if same and all(tables.get(t) == fp for t, fp in before["tables"].items()) and stage.has_old(page.href):
                stage.keep(page.href)
                page.labels = list(before.get("labels", []))
                entry = before
            else:
                with ds.tracking() as used:
                    html = page.make()
                stage.write_text(page.href, html)
                entry = {"tables": {t: tables[t] for t in sorted(used)}, "labels": page.labels}
                if page.kind == "map" and downloads:
                    entry["downloads"] = list(downloads)
                fresh.append(page)
                report.made.append(page.href)
            entry = {**entry, "sha": stage.sha(page.href)}
            manifest["pages"][page.href] = entry
            log(f"  {page.kind:<7} {page.href}" + ("" if page in fresh else " (unchanged)"))
        for page in pages:
            if page.kind == "map":
                name = f"images/{page.stem}.svg"
                if page.drawing is None:  # the page was kept: so is its picture
                    stage.keep(name)
                else:
                    stage.write_text(name, svg.render_map_svg(page.drawing))
                page.image = name
                for fmt in downloads:  # the map for other tools: made with its page, or kept with it
                    if page.drawing is None and stage.has_old(download_name(page.id, fmt)):
                        stage.keep(download_name(page.id, fmt))
                    else:
                        drawn = page.drawing if page.drawing is not None else maps.view_map(ds, page.id)
                        m = net_map(ds, drawn, page.id)
                        stage.write_text(download_name(page.id, fmt), interchange.write(m, fmt))
        if images:
            _images(stage, pages, old.get("images", {}), manifest, log)
        stems = [p.id for p in lesson_pages]
        for page in lesson_pages:
            before = old_pages.get(page.href, {})
            if page.href in keep_lessons and stage.has_old(page.href):
                stage.keep(page.href)
                page.title, page.description, page.topic = before["title"], before["description"], before["topic"]
            else:
                _lesson_page(ds, stage, page, running[page.href], stems)
                report.made.append(page.href)
            manifest["pages"][page.href] = {
                "key": page.key,
                "sha": stage.sha(page.href),
                "title": page.title,
                "description": page.description,
                "topic": page.topic,
            }
            log(f"  notebook {page.href}" + ("" if page.href in report.made else " (unchanged)"))
        stage.write_text("index.html", _index(ds, [*pages, *lesson_pages]))
        stage.write_text(SITE_MARKER, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    report.written, report.kept = stage.written, stage.kept
    log(f"  {len(report.written)} files written, {len(report.kept)} unchanged")
    cache.trim()
    return report


def _images(stage, pages: list[Page], old_images: dict, manifest: dict, log: Callable[[str], None]) -> None:
    """PNG of every map, chart and history page, and SVG of every chart: kept when their page is unchanged,
    else made in headless Chromium."""
    todo = []
    for page in pages:
        if page.kind not in ("map", "chart", "history"):
            continue
        names = [f"images/{page.stem}.png"] + ([f"images/{page.stem}.svg"] if page.kind == "chart" else [])
        page_sha = stage.sha(page.href)
        if all(old_images.get(n) == page_sha and stage.has_old(n) for n in names):
            for n in names:
                stage.keep(n)
                manifest["images"][n] = page_sha
            page.image = names[0]
        else:
            todo.append(page)
    if not todo:
        return
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError:  # pragma: no cover - playwright is a dependency
        PlaywrightError = RuntimeError
    current = None
    try:
        for page, fmt, blob in _browser.snapshots(stage.root, todo):
            current = page.href
            name = f"images/{page.stem}.{fmt}"
            stage.write_bytes(name, blob)
            manifest["images"][name] = stage.sha(page.href)
            if fmt == "png":
                page.image = name
        log(f"  images images/*.png, images/*.svg ({len(todo)} pages drawn in Chromium)")
    except _browser.BrowserUnavailable as exc:
        log(f"  images skipped: {exc} (or build with --no-images)")
    except _browser.PageFailed as exc:
        raise export.ExportError(f"Chromium could not draw {exc}") from None
    except PlaywrightError as exc:
        raise export.ExportError(
            f"Chromium could not draw the page after {current or 'the start'}: {str(exc).splitlines()[0]}"
        ) from None


# ---------------------------------------------------------------------------
# lessons


def _lesson_pages(folder: Path | str | None, tables: dict[str, str]) -> list[Page]:
    """A page for each lesson of ``folder``, keyed by the notebook and every table (a lesson may read any)."""
    if folder is None:
        return []
    data = [f"{t}={fp}" for t, fp in sorted(tables.items())]
    pages = []
    for path in lessons.notebook_files(folder):
        page = Page("notebook", path.stem, path.stem, "", "", make=None, source=path)
        page.key = cache.fingerprint([path.read_bytes(), *data])
        pages.append(page)
    return pages


@contextmanager
def _running(ds, pages: list[Page]) -> Iterator[dict[str, Future]]:
    """Start running some lessons in the background; yields ``{href: future}``.

    Kernels are separate processes, so threads keep every core busy while the maps
    are made; on the way out (also after a failure) lessons not yet started are cancelled.
    """
    if not pages:
        yield {}
        return
    pool = ThreadPoolExecutor(max_workers=min(lessons.jobs(), len(pages)), thread_name_prefix="notebook")
    try:
        yield {p.href: pool.submit(lessons.execute, p.source, data_dir=ds.root) for p in pages}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _lesson_page(ds, stage, page: Page, future: Future, stems: list[str]) -> None:
    """Render a lesson that has run as its page (waiting for the run to end)."""
    try:
        nb = future.result()
        title, description = lessons.describe(nb)
        html = lessons.render_lesson(
            nb,
            name=page.source.name,
            title=title or page.id,
            version=ds.version,
            notebooks=stems,
            disclaimer=ds.site["disclaimer"],
        )
    except lessons.NotebookError as exc:
        raise export.ExportError(f"notebook {exc}; fix it, or build without the notebooks (--no-notebooks)") from None
    page.title, page.description, page.topic = title or page.id, description, lessons.topic(nb, ds)
    stage.write_text(page.href, html)


# ---------------------------------------------------------------------------
# the index


def _index(ds, pages: list[Page]) -> str:
    # sections in the order of topics.csv, then the notebooks together (each card names its topic)
    topics: dict[str, list[Page]] = {str(t): [] for t in ds.topics["title"]}
    for p in pages:
        topics.setdefault(NOTEBOOKS_SECTION if p.kind == "notebook" else p.topic, []).append(p)
    topics = {t: entries for t, entries in topics.items() if entries}
    search = sorted({(label, p.href, p.title) for p in pages for label in p.labels})
    return render.render_index(
        title=ds.site["title"],
        topics=topics,
        search=[{"label": lab, "href": href, "map": title} for lab, href, title in search],
        version=ds.version,
        counts=ds.counts(),
        subtitle=ds.site["subtitle"],
        disclaimer=ds.site["disclaimer"],
        search_example=ds.site["search_example"] or (search[0][0] if search else ""),
    )
