"""The history of the field on one page: the therapy map and the timeline, each filtering the other.

:func:`history_page` puts together what exists: the map of one view
(:func:`viz.maps.view_map`, the therapy landscape in our tables), the timeline
(:func:`viz.charts.timeline_figure`) and, for the page script, which events are
about which concept (:func:`history_payload`). :func:`viz.render.render_history`
makes the page; the page script (``static/history.js``) links the two halves:

- selecting or searching a concept on the map highlights its events on the
  timeline, and for a class the events of everything below it (all PD-1
  inhibitors), with their count;
- clicking an event highlights its concepts on the map and shows its summary
  and sources;
- one year cursor (drag, arrow keys, *Play history*) shows the map as it stood
  that year, with that year's events emphasised;
- ``#concept=pd1_inhibitor&year=2014`` in the address opens the page in that state.

Nothing here writes files (:mod:`viz.export` does) or draws (:mod:`viz.maps`,
:mod:`viz.charts`). Educational material, not medical advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from viz import charts, maps, queries, render, style

__all__ = ["TITLE", "HistoryPage", "default_view", "history_page", "history_payload"]

TITLE = "The history of the field: map and timeline"
INTRO = (
    "The therapy map and the dated timeline side by side. Select or search a concept on the map to light up "
    "its events on the timeline (for a class, the events of everything below it); click an event to see its "
    "concepts on the map, its summary and its source. Drag the year cursor, use the arrow keys or press "
    "Play history to watch the field grow, with each year's events picked out."
)


def default_view(ds) -> str | None:
    """The view the history page shows: the first one with a year slider (replay), else the first view.

    Examples
    --------
    >>> from viz import data, history
    >>> history.default_view(data.load())
    'landscape'
    """
    views = ds.views
    if views.empty:
        return None
    replay = [v for v, r in zip(views["id"], views["replay"], strict=True) if bool(r)]
    return str(replay[0] if replay else views["id"].iloc[0])


def history_payload(ds, net, *, concept: str | None = None, year: int | None = None, event: str | None = None) -> dict:
    """What the page script needs besides the map and the figure.

    Returns
    -------
    dict
        ``events``: ``{id: {title, when, precision, kind, venue, summary, note,
        year, start, end, concepts, sources, milestone}}`` and ``order``, their ids
        in date order (a page's JSON has its keys sorted);
        ``about``: ``{concept on the map: ids of the events about it or about
        anything below it}`` (:func:`viz.queries.events_about`); ``narrower``:
        ``{concept on the map: the concepts below it that have events}``;
        ``labels`` of every concept an event names; ``sources`` the events cite;
        ``kinds`` (label and colour); ``colours`` (the timeline's ink and year cursor, from :mod:`viz.style`);
        ``years`` (first and last); ``start`` (the
        state the page opens in when its address names none).

    Examples
    --------
    >>> from viz import data, history, maps
    >>> ds = data.load()
    >>> payload = history.history_payload(ds, maps.view_map(ds, "landscape"))
    >>> len(payload["about"]["pd1_inhibitor"]) > len(payload["about"]["pembrolizumab"])
    True
    """
    ev = ds.events.sort_values(["start", "end", "id"])
    named = queries.event_concepts(ds)
    about = queries.events_about(ds)
    below = queries.narrower(ds)
    on_map = [n["id"] for n in net.nodes]
    labels = ds.concepts["label"]
    cited = ds.sources
    events: dict[str, dict] = {}
    for row in ev.itertuples(index=False):
        note = getattr(row, "note", None)
        events[str(row.id)] = {
            "title": str(row.title),
            "when": charts._when(row.date, row.precision),
            "precision": str(row.precision),
            "kind": str(row.kind),
            "venue": _text(row.venue),
            "summary": _text(row.summary),
            "note": _text(note),
            "year": int(row.year),
            "start": row.start.strftime("%Y-%m-%d"),
            "end": row.end.strftime("%Y-%m-%d"),
            "concepts": named[str(row.id)],
            "sources": [s for s in row.sources if s in cited.index],
            "milestone": bool(row.milestone),
        }
    named_ids = sorted({c for e in events.values() for c in e["concepts"]} | set(on_map))
    used_sources = sorted({s for e in events.values() for s in e["sources"]})
    order = {k: i for i, k in enumerate(style.KIND_STYLE)}
    kinds = sorted({e["kind"] for e in events.values()}, key=lambda k: (order.get(k, len(order)), k))
    return {
        "events": events,
        "order": list(events),
        "about": {c: about[c] for c in on_map if c in about},
        "narrower": {
            c: sorted((d for d in below.get(c, ()) if d in about), key=lambda d: (str(labels.get(d, d)).lower(), d))
            for c in on_map
            if any(d in about for d in below.get(c, ()))
        },
        "labels": {c: str(labels.get(c, c)) for c in named_ids},
        "sources": {
            s: {"citation": str(cited.at[s, "citation"]), "url": str(cited.at[s, "url"])} for s in used_sources
        },
        "kinds": {k: {"label": k.capitalize(), "colour": style.kind_style(k, i)[0]} for i, k in enumerate(kinds)},
        "colours": {"ink": style.INK, "yearFill": style.PAGE["year-fill"], "yearLine": style.PAGE["year-line"]},
        "years": [int(ev["year"].min()), int(ev["year"].max())] if len(ev) else [],
        "start": {"concept": concept, "year": year, "event": event},
    }


def _text(value: object) -> str:
    """A table cell as text: empty for a missing value."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _timeline(ds) -> go.Figure:
    """The timeline sized by its pane, a lane per therapy family, without the milestone labels and
    the range slider that a full-page chart has: the year cursor and the map do their work here."""
    fig = charts.timeline_figure(ds, label_milestones=False, lanes="family")
    fig.update_layout(
        title=None,
        height=None,
        autosize=True,
        margin={"l": 10, "r": 12, "t": 30, "b": 28},
        legend={
            "title": {"text": ""},
            "y": 1.0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 12},
            "itemwidth": 30,
        },
        # the years below the lanes: above them sits the legend (a full-page timeline puts them on top)
        xaxis={"rangeslider": {"visible": False}, "title": {"text": ""}, "side": "bottom"},
        yaxis={"tickfont": {"size": 12}, "tickmode": "linear", "dtick": 1},  # every lane named, however short the pane
        font={"size": 13},
        dragmode="pan",
    )
    return fig


@dataclass
class HistoryPage:
    """The parts of the history page: the map, the timeline and the page script's payload.

    In Jupyter it shows itself as the same offline page, in a sandboxed iframe.
    """

    net: maps.ConceptMap = field(repr=False)
    figure: go.Figure = field(repr=False)
    payload: dict = field(repr=False)
    view: str = ""
    version: str = ""

    def __repr__(self) -> str:
        return f"<HistoryPage {self.view!r}: {len(self.net.nodes)} concepts, {len(self.payload['events'])} events>"

    def render(self, *, assets: render.Assets = render.INLINE, home: str | None = None) -> str:
        """The page as HTML (:func:`viz.render.render_history`)."""
        return render.render_history(
            self.net,
            self.figure,
            self.payload,
            title=TITLE,
            intro=INTRO,
            assets=assets,
            home=home,
            version=self.version,
        )

    def _repr_html_(self) -> str:  # shown inline by Jupyter, JupyterLab and VS Code
        return render.srcdoc_iframe(self.render(), title=TITLE, height=820)


def history_page(
    ds,
    *,
    view: str | None = None,
    presenter: bool = False,
    concept: str | None = None,
    year: int | None = None,
    event: str | None = None,
) -> HistoryPage:
    """The map of a view and the timeline, linked, as one page.

    Parameters
    ----------
    ds
        A :class:`viz.data.Dataset`.
    view
        The map to show (default: :func:`default_view`, the therapy landscape in our tables).
    presenter
        Open in presenter mode: the page fills the window with larger text, for projection.
    concept, year, event
        The state the page opens in (a concept id on the map, a year, an event id),
        unless its address says otherwise (``#concept=pd1_inhibitor&year=2014``).

    Raises
    ------
    KeyError
        When the view, concept or event is not in the tables.

    Examples
    --------
    >>> from viz import data, history
    >>> page = history.history_page(data.load(), concept="pd1_inhibitor")
    >>> page.view, "pembrolizumab" in page.payload["narrower"]["pd1_inhibitor"]
    ('landscape', True)
    """
    view = view or default_view(ds)
    if view is None or view not in set(ds.views["id"]):
        raise KeyError(f"no view {view!r}; the views are {', '.join(ds.views['id'])}")
    net = maps.view_map(ds, view, presenter=presenter)
    # one year cursor instead of the story: the page steps through time, not through the map's story
    net.page = net.page.replace(steps=(), parts={}, replay=True)
    on_map = {n["id"] for n in net.nodes}
    if concept is not None and concept not in on_map:
        raise KeyError(f"no concept {concept!r} on the map {view!r}")
    if event is not None and event not in set(ds.events["id"]):
        raise KeyError(f"no event {event!r} in the tables")
    payload = history_payload(ds, net, concept=concept, year=year, event=event)
    return HistoryPage(net, _timeline(ds), payload, view=view, version=ds.version)
