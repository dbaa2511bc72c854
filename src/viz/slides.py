"""Lectures from the tables: a reveal.js deck of the maps' story steps, the charts and the history.

:func:`plan_deck` turns the tables into a :class:`Deck`: a title slide from ``datapackage.json``; for each
view a section with one slide per story step (the map framed on what the step reveals, the earlier steps'
concepts dimmed, the step's text, and speaker notes: the step text, the relations it reveals as sentences
and their sources), or several for a step whose new concepts lie too far apart to be framed with labels of
:data:`LABEL_PX` (a slide per group of nearby ones, "Step 6 of 11 · 1/2"); chart slides; history slides (the
map as it stood at the end of each era, with that era's events); and closing slides listing every source the
deck cites. The order is a deck of ``decks.csv`` (``--deck NAME``), the views named, or the topics and views
in the tables' order.

:func:`render_deck` makes it one self-contained HTML file: reveal.js (vendored from its npm release, see
``vendor/reveal/README.md``), its speaker-view plugin, our stylesheet and script, all inlined, with the
page's Content-Security-Policy allowing exactly these scripts by hash; the file opens offline, from a USB
stick, and sends nothing anywhere. :func:`write_lecture` writes it, and on request its PDF (Chromium prints
reveal.js's print view: a page per slide, each map page the static picture of its step), a handout (a page
per view: the whole map, the steps as a numbered list and the sources) and a PowerPoint file (python-pptx:
a slide per map slide with its picture at twice the slide's pixels and its speaker notes), all or nothing.

Educational material, not medical advice.
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from viz import _browser, charts, export, graph, history, layout, maps, render, svg
from viz.paths import PACKAGE_DIR, STATIC_DIR

__all__ = [
    "Deck",
    "Section",
    "Slide",
    "deck_names",
    "plan_deck",
    "render_deck",
    "render_handout",
    "write_lecture",
]

REVEAL_DIR = PACKAGE_DIR / "vendor" / "reveal"
#: The size reveal.js lays a slide out at, and prints a page at (16:9, as a projector shows it).
SLIDE_SIZE = (1280, 720)
#: The part of a 1280 x 720 slide its map or picture takes (the rest: the heading, the step's text, the notice),
#: as deck.css lays it out (inside its border): :data:`STAGE_WIDTH` wide, and :data:`STAGE_HEIGHT` high less a
#: line for every line of the step's text (30 px type: :data:`TEXT_LINE` high, and, counted short,
#: :data:`LINE_CHARS` characters long).
STAGE_WIDTH = 1222.0
STAGE_HEIGHT = 618.0
TEXT_LINE = 39.0
LINE_CHARS = 60
#: A step's new concepts are drawn with labels this large on the stage (pixels): a step whose new concepts lie
#: too far apart for that is shown in parts, a slide each, each framing a group of nearby new concepts (with
#: their neighbours when their labels stay this large). A picture zooms in at most :data:`MAX_ZOOM` times (so
#: that one small concept is not blown up), and keeps :data:`MARGIN` (map pixels) around what it frames.
LABEL_PX = 24.0
MAX_ZOOM = 2.0
MARGIN = 16.0
#: Citations on one closing slide.
SOURCES_PER_SLIDE = 12
#: The history is told in at most this many eras, each with about the same number of events.
ERAS = 6
EVENTS_PER_ERA = 20
#: Milestones listed on a history slide (the speaker notes list every event of the era).
ERA_MILESTONES = 6


@dataclass(frozen=True)
class Slide:
    """One slide: what it shows, and what the speaker notes say.

    ``kind`` is ``title``, ``map`` (a story step), ``chart``, ``history`` (an era) or ``sources``.
    A map slide names its ``view`` and ``step``, the concepts drawn (``shown``), those the slide reveals
    (``new``, in reading order) and those revealed before (``dimmed``). A step shown in parts (its new concepts
    too far apart to be legible on one slide) is ``parts`` slides, this one its ``part`` (from 1; 0: not split).
    """

    kind: str
    title: str
    text: str = ""
    counter: str = ""
    notes: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    view: str = ""
    step: int = 0
    part: int = 0
    parts: int = 0
    shown: tuple[str, ...] = ()
    new: tuple[str, ...] = ()
    dimmed: tuple[str, ...] = ()
    frame: tuple[str, ...] = ()
    chart: str = ""
    items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Section:
    """A part of the deck: a view's story, a chart, the history or the sources; a vertical stack of slides."""

    kind: str
    id: str
    title: str
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class Deck:
    """A lecture: its title slide's wording, its sections, and what their slides draw."""

    name: str
    title: str
    subtitle: str
    notice: str
    version: str
    sections: tuple[Section, ...]
    #: ``{view: ConceptMap}`` for the map and history sections
    maps: dict = field(default_factory=dict, repr=False, compare=False)
    #: ``{chart id: plotly figure}`` for the chart sections
    figures: dict = field(default_factory=dict, repr=False, compare=False)
    #: ``{source id: {"citation", "url"}}`` of every source the deck cites, in the order first cited
    sources: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def slides(self) -> list[Slide]:
        """Every slide in the order they are shown (the title slide first)."""
        return [s for section in self.sections for s in section.slides]


# ---------------------------------------------------------------------------
# planning: which slides, in what order


def deck_names(ds) -> list[str]:
    """The decks of ``decks.csv``, in the order they first appear.

    Examples
    --------
    >>> from viz import data, slides
    >>> slides.deck_names(data.load("src/viz/scaffold"))
    ['lecture']
    """
    return list(dict.fromkeys(str(d) for d in ds.decks["deck"]))


def _parts(ds, *, views: Sequence[str], deck: str | None, topic: str | None) -> list[tuple[str, str, int | None]]:
    """``[(kind, ref, step)]``: what the deck shows, in order."""
    if deck is not None:
        rows = ds.decks[ds.decks["deck"] == deck]
        if rows.empty:
            raise KeyError(f"no deck '{deck}' in decks.csv; the decks are: {', '.join(deck_names(ds)) or 'none'}")
        return [
            (str(r.kind), "" if pd.isna(r.ref) else str(r.ref), None if pd.isna(r.step) else int(r.step))
            for r in rows.itertuples(index=False)
        ]
    if views:
        known = graph.view_ids(ds)
        for v in views:
            if v not in known:
                raise KeyError(f"no view '{v}'; the views are: {', '.join(known)}")
        return [("view", v, None) for v in views]
    parts: list[tuple[str, str, int | None]] = []
    timeline = charts.declared(ds, "timeline").get("topic")
    for tid in ds.topics["id"]:
        if topic is not None and tid != topic:
            continue
        parts += [("view", str(v), None) for v, t in zip(ds.views["id"], ds.views["topic"], strict=True) if t == tid]
        parts += [("chart", str(c), None) for c, t in zip(ds.charts["id"], ds.charts["topic"], strict=True) if t == tid]
        if tid == timeline and len(ds.events) and history.default_view(ds) is not None:
            parts.append(("history", "", None))
    return parts


def plan_deck(
    ds, views: Sequence[str] = (), *, deck: str | None = None, topic: str | None = None, name: str = ""
) -> Deck:
    """The slides of a lecture, in order.

    Parameters
    ----------
    ds
        A :class:`viz.data.Dataset`.
    views
        The views to show, in this order (each with all its story steps).
    deck
        A deck of ``decks.csv`` instead (its views, steps, charts and history, in its order).
    topic
        Without ``views`` or ``deck``: only this topic's views, charts and history (an id in topics.csv).
        With none of the three, the deck follows every topic, and its views and charts, in the tables' order.

    Raises
    ------
    KeyError
        For a view, deck or topic the tables do not have (the message lists the ones they have).

    Examples
    --------
    >>> from viz import data, slides
    >>> deck = slides.plan_deck(data.load(), ["checkpoints"])
    >>> [s.kind for s in deck.slides][:3], deck.slides[1].counter
    (['title', 'map', 'map'], 'Step 1 of 6')
    """
    if topic is not None and topic not in set(ds.topics["id"]):
        raise KeyError(f"no topic '{topic}'; the topics are: {', '.join(ds.topics['id'])}")
    site = ds.site
    cited: dict[str, dict] = {}
    nets: dict[str, maps.ConceptMap] = {}
    figures: dict = {}
    sections: list[Section] = []
    parts = _parts(ds, views=views, deck=deck, topic=topic)
    by_id = {c.id: c for c in charts.site_charts(ds, [ref for kind, ref, _ in parts if kind == "chart"])}
    for kind, ref, step in parts:
        if kind == "view":
            net = nets.get(ref) or nets.setdefault(ref, maps.view_map(ds, ref, presenter=True))
            steps = [step] if step is not None else None
            sections.append(_view_section(net, ref, steps, cited))
        elif kind == "chart" and ref in by_id:  # a chart with nothing to draw is left out, as on the site
            sections.append(_chart_section(by_id[ref], figures))
        elif kind == "history":
            page = history.history_page(ds, view=ref or None, presenter=True)
            key = f"history-{page.view}"
            nets[key] = page.net
            sections.append(_history_section(ds, page, key, cited))
    topics = dict(zip(ds.topics["id"], ds.topics["title"], strict=True))
    title = Slide(
        "title",
        site["title"] if topic is None else f"{site['title']}: {topics[topic]}",
        text=site["subtitle"],
        notes=(
            site["disclaimer"],
            "Keys: → or Space for the next slide or concept, ← back, S for this speaker view, Esc for an overview "
            "of every slide. On a map slide, click a concept or search for one to see its links and sources.",
        ),
    )
    sections.insert(0, Section("title", "title", title.title, (title,)))
    sources = [(sid, cited[sid]) for sid in cited]
    pages = [sources[i : i + SOURCES_PER_SLIDE] for i in range(0, len(sources), SOURCES_PER_SLIDE)]
    closing = tuple(
        Slide(
            "sources",
            "Sources",
            counter=f"{i} of {len(pages)}" if len(pages) > 1 else "",
            notes=("Every source the slides of this lecture cite, in the order they first come up.",),
            items=tuple((s["citation"], s["url"]) for _, s in page),
        )
        for i, page in enumerate(pages, start=1)
    )
    if closing:
        sections.append(Section("sources", "sources", "Sources", closing))
    return Deck(
        name=deck or topic or "",
        title=title.title,
        subtitle=site["subtitle"],
        notice=site["disclaimer"],
        version=ds.version,
        sections=tuple(sections),
        maps=nets,
        figures=figures,
        sources=cited,
    )


@functools.lru_cache(maxsize=8)  # a deck asks for one map's geometry once per step and per part
def _geometry(net) -> tuple[dict[str, tuple[float, float]], dict[str, layout.Box]]:
    """Where each concept of a map sits, and the box it takes when drawn (:func:`viz.maps.node_boxes`)."""
    return {n["id"]: (n["x"], n["y"]) for n in net.nodes}, maps.node_boxes(net)


def _reading_order(net, ids: Iterable[str]) -> list[str]:
    """Concepts left to right in columns a chip wide, top to bottom within a column (how a reader scans a map)."""
    at, _ = _geometry(net)
    return sorted(ids, key=lambda i: (round(at[i][0] / 120), at[i][1], i))


def _stage(text: str) -> tuple[float, float]:
    """The stage of a 1280 x 720 map slide whose step's text is ``text`` (the text takes what it needs below it).

    Examples
    --------
    >>> from viz.slides import _stage
    >>> _stage("One short line."), _stage("A caption of some length, " * 8)
    ((1222.0, 579.0), (1222.0, 462.0))
    """
    lines = len(textwrap.wrap(text, LINE_CHARS)) or 1
    return STAGE_WIDTH, STAGE_HEIGHT - TEXT_LINE * lines


def _legible(net, ids: Iterable[str], stage: tuple[float, float]) -> bool:
    """Whether a picture framed on these concepts draws labels :data:`LABEL_PX` or larger on ``stage``."""
    at, boxes = _geometry(net)
    return layout.framed_px(at, boxes, ids, stage, max_zoom=MAX_ZOOM, margin=MARGIN, fill=1.0) >= LABEL_PX


def _groups(net, new: Sequence[str], stage: tuple[float, float]) -> list[list[str]]:
    """The new concepts of a step in groups that are each legible on a slide of their own (one group when they all
    are), nearby concepts together, in reading order: :func:`viz.layout.step_parts`, as the map page splits a
    step, on the slide's stage at :data:`LABEL_PX`."""
    at, boxes = _geometry(net)
    return layout.step_parts(at, boxes, new, stage, px=LABEL_PX, max_zoom=MAX_ZOOM, margin=MARGIN, fill=1.0)


def _frame(net, shown: Sequence[str], new: Sequence[str], stage: tuple[float, float]) -> tuple[str, ...]:
    """What a slide's picture frames: its new concepts and the shown concepts they link to, when their labels are
    then :data:`LABEL_PX` or larger on the slide, else the new concepts alone (as the map page frames a step)."""
    if not new:
        return tuple(shown)
    on, fresh = set(shown), set(new)
    around = fresh | {
        b if a in fresh else a
        for e in net.edges
        for a, b in [(e["from"], e["to"])]
        if (a in fresh or b in fresh) and a in on and b in on
    }
    return tuple(sorted(around)) if _legible(net, around, stage) else tuple(new)


def _cite(net, ids: Iterable[str], cited: dict) -> tuple[str, ...]:
    """The sources of some concepts and relations, in order, each once; noted in ``cited``."""
    found = []
    for sid in ids:
        source = net.page.sources.get(sid)
        if source and sid not in found:
            found.append(sid)
            cited.setdefault(sid, {"citation": source["citation"], "url": source["url"]})
    return tuple(found)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _view_section(net, view: str, only: list[int] | None, cited: dict) -> Section:
    page = net.page
    labels = {n["id"]: n["label"] for n in net.nodes}
    step_of = {n["id"]: int(n.get("step", 1)) for n in net.nodes}
    rel_label = {r.id: r.label for r in page.relations}
    captions = list(page.steps)
    count = len(captions)
    numbers = only or (list(range(1, count + 1)) if count else [0])
    # the links' notes in order, and which of them touch each concept: a slide reads only those of its new concepts
    link_notes = [(*key.split("|"), note) for key, note in sorted(page.notes.items())]
    touching: dict = {}
    for n, (a, _, b, _) in enumerate(link_notes):
        for end in {a, b}:
            touching.setdefault(end, []).append(n)
    slides = []
    for k in numbers:
        before = [i for i in labels if step_of[i] < k] if k else []
        revealed = _reading_order(net, [i for i in labels if step_of[i] == k] if k else list(labels))
        text = captions[k - 1] if k else page.intro
        stage = _stage(text)
        # a view without story steps: one slide, the whole map as an overview (too large to read on a slide)
        groups = _groups(net, revealed, stage) if k else [revealed]
        for part, new in enumerate(groups, start=1):
            shown = [*before, *(i for g in groups[:part] for i in g)]
            fresh, on = set(new), set(shown)
            relations, relation_sources = [], []
            for n in sorted({n for i in fresh for n in touching.get(i, ())}):
                a, rel, b, note = link_notes[n]
                if a in on and b in on:
                    line = f"{labels[a]} {rel_label.get(rel, rel.replace('_', ' '))} {labels[b]}"
                    relations.append(_sentence(line) + (f" {_sentence(note['note'])}" if note.get("note") else ""))
                    relation_sources += list(note.get("sources") or ())
            concept_sources = [s for i in new for s in page.concepts.get(i, {}).get("sources") or ()]
            split = len(groups) > 1
            notes = [
                page.intro if k and k == numbers[0] and part == 1 else "",
                text,
                f"This step in {len(groups)} parts, a group of nearby concepts each: part {part}." if split else "",
                "New on this slide: " + ", ".join(labels[i] for i in new) + "." if new else "",
            ]
            counter = f"Step {k} of {count}" if k else ""
            slides.append(
                Slide(
                    "map",
                    page.title or view,
                    text=text,
                    counter=f"{counter} · {part}/{len(groups)}" if split else counter,
                    notes=tuple(n for n in notes if n),
                    relations=tuple(relations),
                    sources=_cite(net, [*concept_sources, *relation_sources], cited),
                    view=view,
                    step=k,
                    part=part if split else 0,
                    parts=len(groups) if split else 0,
                    shown=tuple(sorted(shown)),
                    new=tuple(new),
                    dimmed=tuple(sorted(set(shown) - fresh)),
                    frame=_frame(net, shown, new, stage),
                )
            )
    return Section("view", view, page.title or view, tuple(slides))


def _chart_section(chart, figures: dict) -> Section:
    """A chart's slide, or a slide for each of its parts when it is too dense for one (``chart.parts``: the
    resistance pathways, a class of resistance a slide); ``figures`` gets the figure each one draws."""
    drawn = (
        [(chart.id, "", chart.figure)] if not chart.parts else [(f"{chart.id}-{v}", n, f) for n, v, f in chart.parts]
    )
    slides = []
    for i, (fid, name, fig) in enumerate(drawn, start=1):
        figures[fid] = fig
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        summary = tuple(str(s) for s in meta.get("summary", []))
        counter = f"{name} · {i} of {len(drawn)}" if name else ""
        notes = (chart.description, *summary)
        slides.append(Slide("chart", chart.title, text=chart.description, counter=counter, notes=notes, chart=fid))
    return Section("chart", chart.id, chart.title, tuple(slides))


def _eras(years: list[int]) -> list[tuple[int, int]]:
    """Split the events' years (sorted) into eras of about the same number of events, each whole years.

    Examples
    --------
    >>> from viz.slides import _eras
    >>> _eras([1891, 1976, 1986, 1986, 1992, 1997, 2010, 2011, 2011, 2014, 2015, 2017, 2017, 2018] * 3)
    [(1891, 2010), (2011, 2018)]
    """
    if not years:
        return []
    years = sorted(years)
    n = max(1, min(ERAS, round(len(years) / EVENTS_PER_ERA)))
    bounds, start = [], 0
    for i in range(1, n + 1):
        end = round(i * len(years) / n)
        while end < len(years) and years[end] == years[end - 1]:
            end += 1  # an era ends with a whole year
        if end > start:
            bounds.append((years[start], years[end - 1]))
            start = end
    return bounds


def _history_section(ds, page, key: str, cited: dict) -> Section:
    events = page.payload["events"]
    order = page.payload["order"]
    labels = {n["id"]: n["label"] for n in page.net.nodes}
    born = {n["id"]: n.get("year") for n in page.net.nodes}
    slides = []
    for first, last in _eras([events[e]["year"] for e in order]):
        ids = [e for e in order if first <= events[e]["year"] <= last]
        shown = [i for i in labels if born[i] is None or born[i] <= last]
        about = {c for e in ids for c in events[e]["concepts"] if c in labels}
        milestones = [e for e in ids if events[e]["milestone"]] or ids
        sources = []
        for e in ids:
            for sid in events[e]["sources"]:
                source = page.payload["sources"].get(sid)
                if source and sid not in sources:
                    sources.append(sid)
                    cited.setdefault(sid, dict(source))
        span = f"{first}–{last}" if first != last else str(first)
        slides.append(
            Slide(
                "history",
                f"History, {span}",
                text=f"{len(ids)} dated event{'s' if len(ids) != 1 else ''}; the map as it stood in {last}, "
                "with the concepts they are about picked out.",
                counter=span,
                notes=tuple(
                    f"{events[e]['when']}: {_sentence(events[e]['title'])} {events[e]['summary']}".strip() for e in ids
                ),
                sources=tuple(sources),
                view=key,
                step=last,
                shown=tuple(sorted(shown)),
                new=tuple(_reading_order(page.net, about & set(shown))),
                dimmed=tuple(sorted(set(shown) - about)),
                items=tuple((events[e]["when"], events[e]["title"]) for e in milestones[:ERA_MILESTONES]),
            )
        )
    return Section("history", key, history.TITLE, tuple(slides))


# ---------------------------------------------------------------------------
# the deck as HTML


@cache
def _reveal(name: str) -> str:
    return (REVEAL_DIR / name).read_text(encoding="utf-8")


def _js_template_text(literal: str) -> str:
    r"""The string a JavaScript template literal (without ``${}``) stands for.

    Examples
    --------
    >>> from viz.slides import _js_template_text
    >>> _js_template_text(r"a\\b<\/script>\xA0")
    'a\\b</script>\xa0'
    """
    simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}

    def one(m: re.Match) -> str:
        code = m.group(1)
        if code[0] == "x" and len(code) == 3:
            return chr(int(code[1:], 16))
        return simple.get(code, code)

    return re.sub(r"\\(x[0-9A-Fa-f]{2}|[\s\S])", one, literal)


@cache
def speaker_view_script() -> str:
    """The inline script of reveal.js's speaker view, which ``notes.js`` writes into the window it opens.

    That window inherits the deck's Content-Security-Policy, so the deck allows this script by its hash.

    Examples
    --------
    >>> from viz import slides
    >>> "speaker" in slides.speaker_view_script() and "postMessage" in slides.speaker_view_script()
    True
    """
    source = _reveal("notes.js")
    start = source.index("document.write(`") + len("document.write(`")
    page = _js_template_text(source[start : source.index("`", start)])
    found = re.findall(r"<script>([\s\S]*?)</script>", page)
    if len(found) != 1:  # pragma: no cover - only with another release of notes.js
        raise RuntimeError("the speaker view of this notes.js has no single inline script to allow")
    return found[0]


def _pictures(deck: Deck, numbered: list[tuple[int, Slide]]) -> dict[int, Markup]:
    """``{slide number: picture}`` of these map or history slides; the slides of one map share its
    :class:`viz.svg.MapPicture`, which works out once what depends on the map alone."""
    makers: dict = {}
    pictures = {}
    for i, slide in numbered:
        if slide.view not in makers:
            makers[slide.view] = svg.MapPicture(deck.maps[slide.view])
        pictures[i] = _picture(makers[slide.view], slide, f"p{i}-")
    return pictures


def _picture(picture: svg.MapPicture, slide: Slide, uid: str) -> Markup:
    """The static SVG picture of a map or history slide (``picture``: its map's): what it shows, framed on what
    it reveals."""
    stage = _stage(slide.text)
    least = (stage[0] / MAX_ZOOM - 2 * MARGIN, stage[1] / MAX_ZOOM - 2 * MARGIN)
    frame = slide.frame or slide.shown
    return Markup(picture.render(margin=MARGIN, show=slide.shown, dim=slide.dimmed, frame=frame, least=least, uid=uid))


def deck_payload(deck: Deck) -> dict:
    """What the deck's script reads: reveal.js's settings and the charts' figures."""
    return {
        "reveal": {
            "width": SLIDE_SIZE[0],
            "height": SLIDE_SIZE[1],
            "margin": 0,
            "hash": True,
            "respondToHashChanges": True,
            "navigationMode": "linear",
            "disableLayout": True,
            "center": False,
            "transition": "none",
            "backgroundTransition": "none",
            "controls": True,
            "progress": True,
            "slideNumber": False,
            "pdfSeparateFragments": False,
            "pdfMaxPagesPerSlide": 1,
        },
        "figures": {cid: render.figure_json(fig, cid) for cid, fig in deck.figures.items()},
    }


def render_deck(deck: Deck, *, assets: render.Assets = render.INLINE) -> str:
    """The deck as one self-contained HTML file (a string; nothing is written).

    ``assets`` with a prefix takes plotly.js from a site's shared ``assets/`` folder instead of inlining it.

    Examples
    --------
    >>> from viz import data, slides
    >>> page = slides.render_deck(slides.plan_deck(data.load(), ["checkpoints"]))
    >>> page.startswith("<!doctype html>"), "not medical advice" in page, "<script src=" in page
    (True, True, False)
    """
    scripts = [render.Script(text=_reveal(n).replace("</script", "<\\/script")) for n in ("reveal.js", "notes.js")]
    if deck.figures:
        scripts += [assets.script("plotly.min.js"), assets.script("immunoviz-flows.js")]
    scripts.append(render.Script(text=_static_text("deck.js")))
    texts = [*(s.text for s in scripts if s.text), speaker_view_script()]
    policy = render.csp(texts, shared=any(s.src for s in scripts), frames=True)
    pictures = _pictures(deck, [(i, s) for i, s in enumerate(deck.slides) if s.view])
    return render.render_template(
        "deck.html",
        deck=deck,
        styles=[_reveal("reveal.css"), render.SITE_ASSETS["immunoviz.css"](), _static_text("deck.css")],
        scripts=scripts,
        csp=policy,
        payload=deck_payload(deck),
        pictures=pictures,
    )


def _static_text(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def render_handout(deck: Deck) -> str:
    """A printable handout of the deck's maps: a page per view with the whole map, its steps as a numbered list
    and its sources (HTML for Chromium to print; nothing is written).

    Examples
    --------
    >>> from viz import data, slides
    >>> page = slides.render_handout(slides.plan_deck(data.load(), ["checkpoints"]))
    >>> page.count('class="handout-page"'), "not medical advice" in page
    (1, True)
    """
    pages = []
    for section in deck.sections:
        if section.kind != "view":
            continue
        net = deck.maps[section.id]
        ids = [s for slide in section.slides for s in slide.sources]
        pages.append(
            {
                "title": section.title,
                "intro": net.page.intro,
                "picture": Markup(svg.render_map_svg(net, uid=f"h{len(pages)}-")),
                "steps": [s.text for s in section.slides if s.step and s.part <= 1],  # a step in parts once
                "sources": [deck.sources[s] for s in dict.fromkeys(ids)],
            }
        )
    policy = render.csp([])
    return render.render_template(
        "handout.html",
        deck=deck,
        pages=pages,
        csp=policy,
        styles=[render.SITE_ASSETS["immunoviz.css"](), _static_text("deck.css")],
    )


# ---------------------------------------------------------------------------
# writing: the deck, its PDF, the handout and the PowerPoint file, all or nothing


def write_lecture(
    deck: Deck,
    out: Path | str,
    *,
    pdf: Path | str | None = None,
    handout: Path | str | None = None,
    pptx: Path | str | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> list[Path]:
    """Write the deck to ``out`` and, when asked, its PDF, handout and PowerPoint file; return the paths written.

    Everything is made in a temporary folder first and moved into place only when all of it succeeded: a
    failure (no Chromium for the PDF, say) leaves every earlier file untouched.

    Raises
    ------
    viz.export.ExportError
        Saying what failed.
    """
    html = render_deck(deck)
    wanted = [Path(out), *(Path(p) for p in (pdf, handout, pptx) if p is not None)]
    with tempfile.TemporaryDirectory(prefix="immunoviz-slides-") as tmp:
        work = Path(tmp)
        deck_file = work / "deck.html"
        deck_file.write_text(html, encoding="utf-8")
        made: dict[Path, Path] = {Path(out): deck_file}
        if pdf is not None or handout is not None or pptx is not None:
            try:
                with _browser.launch() as browser:
                    if pdf is not None:
                        made[Path(pdf)] = _print_deck(browser, deck_file, work / "deck.pdf")
                        log(f"  printed {len(deck.slides)} slides")
                    if handout is not None:
                        (work / "handout.html").write_text(render_handout(deck), encoding="utf-8")
                        made[Path(handout)] = _print_handout(browser, work / "handout.html", work / "handout.pdf")
                    if pptx is not None:
                        made[Path(pptx)] = _write_pptx(deck, _step_pictures(browser, deck), work / "deck.pptx")
            except _browser.BrowserUnavailable as exc:
                raise export.ExportError(f"{exc}; the PDF, handout and PowerPoint file need it") from None
            except _browser.PageFailed as exc:
                raise export.ExportError(f"Chromium could not draw {exc}") from None
        for target in wanted:
            export.write_bytes(target, made[target].read_bytes())
    return wanted


def _open(browser, url: str, *, size: tuple[int, int] = SLIDE_SIZE, scale: float = 1):
    page = _browser.offline_context(browser, viewport={"width": size[0], "height": size[1]}, scale=scale).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    _browser.wait_ready(page, errors, url.rsplit("/", 1)[-1])
    return page


def _print_deck(browser, deck_file: Path, target: Path) -> Path:
    """reveal.js's print view (``?print-pdf``): a page per slide, each map page its step's picture."""
    page = _open(browser, deck_file.as_uri() + "?print-pdf")
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    page.context.close()
    return target


def _print_handout(browser, handout_file: Path, target: Path) -> Path:
    page = _open(browser, handout_file.as_uri())
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    page.context.close()
    return target


def _step_pictures(browser, deck: Deck) -> dict[int, bytes]:
    """``{slide number: PNG}`` of every map slide's picture, at twice the pixels of a 1280-pixel-wide slide."""
    parts = []
    numbered = [(i, s) for i, s in enumerate(deck.slides) if s.kind == "map"]
    for i, picture in _pictures(deck, numbered).items():
        parts.append(f'<figure id="p{i}">{picture}</figure>')
    html = (
        '<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;background:#fff}'
        "figure{margin:0;width:1280px;height:600px}figure svg{width:100%;height:100%}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
    context = _browser.offline_context(browser, viewport={"width": 1280, "height": 720}, scale=2)
    page = context.new_page()
    page.set_content(html)
    pictures = {i: page.locator(f"#p{i}").screenshot(animations="disabled") for i, _ in numbered}
    context.close()
    return pictures


def _write_pptx(deck: Deck, pictures: dict[int, bytes], target: Path) -> Path:
    """A PowerPoint file: a slide per map slide of the deck (a story step, or a part of one), its picture across
    the slide, its text and speaker notes."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9, 13.33 x 7.5 inches
    blank = prs.slide_layouts[6]
    width = prs.slide_width
    for i, slide in enumerate(deck.slides):
        if i not in pictures:
            continue
        page = prs.slides.add_slide(blank)
        head = page.shapes.add_textbox(Emu(304800), Emu(76200), width - Emu(609600), Emu(457200))
        head.text_frame.text = f"{slide.title}" + (f" · {slide.counter}" if slide.counter else "")
        head.text_frame.paragraphs[0].runs[0].font.size = Pt(20)
        head.text_frame.paragraphs[0].runs[0].font.bold = True
        top = Emu(533400)
        picture = page.shapes.add_picture(io.BytesIO(pictures[i]), 0, top, width=width)
        picture.name = f"{slide.view} step {slide.step}" + (f" part {slide.part}" if slide.part else "")
        caption = page.shapes.add_textbox(Emu(304800), top + picture.height, width - Emu(609600), Emu(1143000))
        caption.text_frame.word_wrap = True
        caption.text_frame.text = slide.text
        caption.text_frame.paragraphs[0].runs[0].font.size = Pt(16)
        notice = page.shapes.add_textbox(Emu(304800), prs.slide_height - Emu(330200), width - Emu(609600), Emu(254000))
        notice.text_frame.text = deck.notice
        notice.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
        page.notes_slide.notes_text_frame.text = _notes_text(deck, slide)
    prs.save(str(target))
    return target


def _notes_text(deck: Deck, slide: Slide) -> str:
    """A slide's speaker notes as plain text (the deck shows the same as HTML)."""
    lines = list(slide.notes)
    if slide.relations:
        lines += ["Relations:", *(f"- {r}" for r in slide.relations)]
    if slide.sources:
        lines += ["Sources:", *(f"- {deck.sources[s]['citation']} {deck.sources[s]['url']}" for s in slide.sources)]
    return "\n".join(lines)
