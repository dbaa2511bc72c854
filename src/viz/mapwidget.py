"""Maps that talk to Python: the concept map as a notebook widget whose state Python reads and sets.

:class:`MapWidget` is an `anywidget <https://anywidget.dev>`_ widget: the same map as the exported
page (the markup of :func:`viz.render.render_map_body`, drawn by ``static/map.js``'s ``mountMap``),
with its selection, story step, hidden categories, year and highlight shared with Python as synced
traitlets. One ES module runs it in JupyterLab 4, Notebook 7, VS Code, Colab and marimo.

How it is put together, and why:

- **No network.** The module is written here from package files: vis-network's UMD bundle as pyvis
  ships it (:func:`viz.paths.vis_network_assets`), ``static/dom.js``, ``static/map.js`` and
  ``static/widget.js``; anywidget imports it from a ``blob:`` URL. The UMD bundle is evaluated in a
  function whose own ``exports`` and ``module`` it sees first, so it never calls a page's AMD
  ``define`` (VS Code's and the classic Notebook's pages carry require.js, where an anonymous
  ``define`` fails with "Mismatched anonymous define() module") and never writes ``window.vis``.
  It is evaluated once per page, however many widgets it shows.
- **Its own styles, kept apart.** The map is drawn in a shadow root, with the map's stylesheet inside
  it: the notebook's CSS does not reach the map and the map's (which styles ``*``, ``a`` and
  ``button``) does not leak into JupyterLab. anywidget's ``_css`` is not used: it goes into the
  page's ``<head>``.
- **Its keys stay its own.** The host element carries ``data-lm-suppress-shortcuts`` (JupyterLab and
  Notebook 7 leave it alone: arrow keys travel the map instead of moving between cells) and stops
  key events from bubbling to other hosts (marimo, VS Code, Colab).
- **Where there is no kernel, the map still shows.** The display data carries, beside the widget
  view, today's self-contained page in a sandboxed ``<iframe srcdoc>`` as ``text/html``
  (:func:`viz.render.map_iframe`): nbconvert, nbval, GitHub's viewer and the site's lesson pages
  (:mod:`viz.lessons` drops the widget view) show the map offline. JupyterLab shows the widget; a
  notebook reopened without running it shows "model not found" there (jupyterlab-manager renders no
  fallback), until the cell runs again.
- **No widget state in the notebook.** The widget's model state holds its ES module (vis-network
  and the map, about 0.55 MB) and the map's payload: too big to store once per map, and of no use
  where the ``text/html`` page already shows the map. The five shared values are tiny, but they are
  re-made by running the notebook, and a stored selection would go stale as the tables change. So
  the lessons run with ``store_widget_state=False`` and JupyterLab's default (no saved widget state)
  is kept; the ``text/html`` output is what a saved notebook shows.

Educational material, not medical advice.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable
from functools import cache

import anywidget
import pandas as pd
import traitlets

from viz import charts, history, maps, queries, render, style
from viz.paths import STATIC_DIR

__all__ = ["HistoryWidget", "MapWidget", "selection_table", "widget_module"]

#: The columns of :meth:`MapWidget.selection_table`.
COLUMNS = ["concept", "kind", "date", "reads", "sources"]
#: Numbers the widgets of a kernel, so that every id in their markup is unique on the page.
_widgets = itertools.count(1)
#: The widget's height in pixels unless asked otherwise (the map, its toolbar and its story bar).
HEIGHT = 640
#: What the widget adds to the map's stylesheet: the shadow root's host stands for ``:root``, and the
#: map takes the widget's height instead of the window's.
_WIDGET_CSS = """
:host { display: block; }
.iv-map { font-family: var(--font); color: var(--ink); background: var(--paper); line-height: 1.45;
  font-size: var(--base); padding-bottom: 0.4rem; }
.iv-map.embedded .map-canvas, .iv-map.presenter .map-canvas {
  height: var(--iv-widget-height, 640px); min-height: 320px; }
"""


@cache
def widget_module() -> str:
    """The widget's ES module: vis-network, ``dom.js`` and ``map.js`` (evaluated once per page), the map's
    stylesheet, and ``static/widget.js``, which mounts the map and keeps it in step with Python.

    Examples
    --------
    >>> from viz.mapwidget import widget_module
    >>> esm = widget_module()
    >>> "export default { render }" in esm and "https://" not in esm.split("vis-network")[0]
    True
    """
    first, *rest = render.MAP_SCRIPTS  # vis-network, then the scripts that use it
    assert first == "vis-network.min.js", render.MAP_SCRIPTS
    scripts = "\n".join(
        [render.SITE_ASSETS[first](), "  var vis = module.exports;", *(render.SITE_ASSETS[name]() for name in rest)]
    )
    styles = "\n".join(render.SITE_ASSETS[name]() for name in render.MAP_STYLES).replace(":root", ":host")
    styles += _WIDGET_CSS
    key = "immunoviz-" + hashlib.sha256((scripts + styles).encode("utf-8")).hexdigest()[:16]
    load = (
        "function () {\n"
        "  // vis-network's UMD wrapper takes these for CommonJS: no AMD define, no window.vis\n"
        "  var exports = {}, module = { exports: exports }, define;\n"
        f"{scripts}\n"
        "  return { mountMap: window.immunoviz.mountMap };\n"
        "}"
    )
    prelude = (
        "// immunoviz: the concept map as a notebook widget (viz.mapwidget); educational material, not medical advice\n"
        f"const IMMUNOVIZ = {{ key: {json.dumps(key)}, styles: {json.dumps(styles)}, load: {load} }};\n"
    )
    return prelude + (STATIC_DIR / "widget.js").read_text(encoding="utf-8")


def _known(kind: str, values: Iterable[str], known: Iterable[str], where: str) -> list[str]:
    """The values as a list, or a ``TraitError`` that names the unknown ones and what is known."""
    values, known = list(values), list(known)
    unknown = [v for v in values if v not in known]
    if unknown:
        shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
        raise traitlets.TraitError(f"no {kind} {', '.join(map(repr, unknown))} on {where}; they are: {shown}")
    return values


class MapWidget(anywidget.AnyWidget):
    """A concept map in the notebook whose selection, story step, filters and year Python shares.

    Parameters
    ----------
    dataset
        A :class:`viz.data.Dataset` (:func:`viz.data.load`).
    view
        The id of one of its maps (``views.csv``), such as ``"checkpoints"``.
    presenter
        Larger labels, for projection.
    height
        The map's height in pixels.
    **state
        Starting values of the shared traitlets (``selected=["pd1"]``, ``step=2``, ...).

    Attributes
    ----------
    selected : list of str
        The selected concepts. A click, a search or keyboard travel on the map sets it; setting it
        selects those concepts on the map and frames them.
    step : int
        The story step (1 to the number of steps; 0 on a map without a story). The arrow keys and the
        step buttons set it; setting it moves the story.
    hidden : list of str
        The categories unticked in the legend.
    year : int or None
        The year of the year slider, on the maps that have one (else always ``None``).
    highlight : list of str
        Concepts that Python lights up like a neighbourhood (for example the result of a query).

    ``observe`` works on each, as on any widget. :meth:`selection_table` turns the selection into a table.

    Examples
    --------
    >>> from viz import data
    >>> from viz.mapwidget import MapWidget
    >>> w = MapWidget(data.load(), "checkpoints")
    >>> w.selected, w.step == len(w.net.page.steps)
    ([], True)
    >>> w.selected = ["pd1"]
    >>> w.selection_table().iloc[0]["concept"]
    'PD-1'
    """

    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    hidden = traitlets.List(traitlets.Unicode()).tag(sync=True)
    year = traitlets.Int(None, allow_none=True).tag(sync=True)
    highlight = traitlets.List(traitlets.Unicode()).tag(sync=True)
    height = traitlets.Int(HEIGHT).tag(sync=True)
    _esm = traitlets.Unicode().tag(sync=True)
    _body = traitlets.Unicode().tag(sync=True)
    _payload = traitlets.Dict().tag(sync=True)

    def __init__(self, dataset, view: str, *, presenter: bool = False, height: int = HEIGHT, **state):
        net = maps.view_map(dataset, view, presenter=presenter)
        self.dataset = dataset
        self.view = view
        self.net = net
        self._ids = [n["id"] for n in net.nodes]
        self._categories = [c.id for c in net.page.categories]
        uid = f"iv{next(_widgets)}-"
        super().__init__(
            _esm=widget_module(),
            _body=render.render_map_body(net, uid=uid),
            _payload=render.map_payload(net),
            height=height,
            step=len(net.page.steps),
            **state,
        )

    def __repr__(self) -> str:
        chosen = f", selected={self.selected}" if self.selected else ""
        return f"<MapWidget {self.view!r}: {len(self._ids)} concepts{chosen}>"

    @traitlets.validate("selected", "highlight")
    def _check_concepts(self, proposal):
        return _known("concept", proposal["value"], self._ids, f"the map {self.view!r}")

    @traitlets.validate("hidden")
    def _check_categories(self, proposal):
        return sorted(_known("category", proposal["value"], self._categories, f"the map {self.view!r}"))

    @traitlets.validate("step")
    def _check_step(self, proposal):
        n = len(self.net.page.steps)
        k = proposal["value"]
        if (n and not 1 <= k <= n) or (not n and k != 0):
            raise traitlets.TraitError(
                f"the map {self.view!r} has {n} story steps: step {k} is not one of them"
                + (f" (1 to {n})" if n else " (it has no story: step stays 0)")
            )
        return k

    @traitlets.validate("year")
    def _check_year(self, proposal):
        if proposal["value"] is not None and not self.net.page.replay:
            raise traitlets.TraitError(f"the map {self.view!r} has no year slider (its year stays None)")
        return proposal["value"]

    def _repr_mimebundle_(self, **kwargs):
        """The widget view, and the self-contained page for every place without a widget front end."""
        bundle, meta = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = render.map_iframe(self.net)
        return bundle, meta

    def selection_table(self) -> pd.DataFrame:
        """What the tables say about the selected concepts: a row for each concept, each of its relations
        (read "from – verb – to"), each dated event about it (for a class, about its members too) and its sources.

        Returns
        -------
        pandas.DataFrame
            Columns ``concept`` (its label), ``kind`` ("concept", "relation" or "event"), ``date`` (an event's
            date, to the precision the tables know it), ``reads`` (the summary, the relation as a sentence
            or the event's title) and ``sources`` (their citations, joined by "; "). Empty, with these
            columns, when nothing is selected.

        Examples
        --------
        >>> from viz import data
        >>> from viz.mapwidget import MapWidget
        >>> w = MapWidget(data.load(), "checkpoints", selected=["pembrolizumab"])
        >>> table = w.selection_table()
        >>> sorted(set(table["kind"]))
        ['concept', 'event', 'relation']
        >>> table[table["kind"] == "relation"]["reads"].iloc[0]
        'Pembrolizumab – is a kind of – PD-1 inhibitors'
        """
        return selection_table(self.dataset, self.selected)


def selection_table(ds, ids: Iterable[str]) -> pd.DataFrame:
    """The rows of :meth:`MapWidget.selection_table` for any concept ids of a dataset.

    Examples
    --------
    >>> from viz import data
    >>> from viz.mapwidget import selection_table
    >>> selection_table(data.load(), []).columns.tolist()
    ['concept', 'kind', 'date', 'reads', 'sources']
    """
    concepts, relations, events = ds.concepts, ds.relations, ds.events
    verbs = ds.relation_types["label"]
    about = queries.events_about(ds)

    def label(cid: str) -> str:
        return queries.label(ds, cid)

    def cite(ids) -> str:
        return "; ".join(s["citation"] for s in ds.source_links(ids or ()))

    rows = []
    for cid in ids:
        c = concepts.loc[cid]
        rows.append([label(cid), "concept", "", str(c["summary"]), cite(c["sources"])])
        mine = relations[(relations["from"] == cid) | (relations["to"] == cid)]
        for r in mine.sort_values(["relation", "from", "to"]).itertuples(index=False):
            reads = f"{label(r[0])} – {verbs.get(r.relation, r.relation)} – {label(r.to)}"
            rows.append([label(cid), "relation", "", reads, cite(r.sources)])
        mine = events[events["id"].isin(about.get(cid, []))].sort_values(["start", "id"])
        for e in mine.itertuples(index=False):
            rows.append([label(cid), "event", charts._when(e.date, e.precision), str(e.title), cite(e.sources)])
    return pd.DataFrame(rows, columns=COLUMNS)


class HistoryWidget(anywidget.AnyWidget):
    """The history page (the therapy map and the timeline, each filtering the other) in the notebook, with
    its concept, event and year shared with Python.

    The widget shows the same self-contained page as ``history.html`` (:func:`viz.history.history_page`)
    in a sandboxed frame; the page's script tells the widget every change and takes Python's. Where there
    is no kernel the display data's ``text/html`` shows the page all the same.

    Parameters
    ----------
    dataset
        A :class:`viz.data.Dataset`.
    view
        The map beside the timeline (default: :func:`viz.history.default_view`, the therapy landscape).
    presenter
        Larger text, for projection.
    height
        The page's height in pixels.
    **state
        Starting values: ``selected=["pd1_inhibitor"]``, ``event="..."``, ``year=2014``.

    Attributes
    ----------
    selected : list of str
        The concept chosen on the map (none or one): its events light up on the timeline.
    event : str or None
        The event chosen on the timeline (or in the panel): its concepts light up on the map.
    year : int or None
        The year cursor: the map as it stood that year (``None``: today).

    Examples
    --------
    >>> from viz import data
    >>> from viz.mapwidget import HistoryWidget
    >>> h = HistoryWidget(data.load(), selected=["pd1_inhibitor"], year=2014)
    >>> h.view, h.selected, h.year
    ('landscape', ['pd1_inhibitor'], 2014)
    """

    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    event = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    year = traitlets.Int(None, allow_none=True).tag(sync=True)
    height = traitlets.Int(820).tag(sync=True)
    _esm = traitlets.Unicode().tag(sync=True)
    _page = traitlets.Unicode().tag(sync=True)
    _title = traitlets.Unicode().tag(sync=True)
    _border = traitlets.Unicode().tag(sync=True)  # the frame's edge, from viz.style (one place for colours)

    def __init__(self, dataset, *, view: str | None = None, presenter: bool = False, height: int = 820, **state):
        selected = list(state.get("selected") or [])
        self.history = history.history_page(
            dataset,
            view=view,
            presenter=presenter,
            concept=selected[0] if selected else None,
            year=state.get("year"),
            event=state.get("event"),
        )
        self.dataset = dataset
        self.view = self.history.view
        self._ids = [n["id"] for n in self.history.net.nodes]
        super().__init__(
            _esm=(STATIC_DIR / "history-widget.js").read_text(encoding="utf-8"),
            _page=self.history.render(),
            _title=history.TITLE,
            _border=style.PAGE["line"],
            height=height,
            **state,
        )

    def __repr__(self) -> str:
        return f"<HistoryWidget {self.view!r}: selected={self.selected}, event={self.event!r}, year={self.year}>"

    @traitlets.validate("selected")
    def _check_selected(self, proposal):
        value = _known("concept", proposal["value"], self._ids, f"the map {self.view!r}")
        if len(value) > 1:
            raise traitlets.TraitError(f"the history page shows the events of one concept at a time, not {value}")
        return value

    @traitlets.validate("event")
    def _check_event(self, proposal):
        if proposal["value"] is not None:
            _known("event", [proposal["value"]], list(self.history.payload["order"]), "the timeline")
        return proposal["value"]

    @traitlets.validate("year")
    def _check_year(self, proposal):
        years = self.history.payload["years"]
        y = proposal["value"]
        if y is not None and years and not years[0] <= y <= years[1]:
            raise traitlets.TraitError(f"the timeline runs from {years[0]} to {years[1]}: {y} is outside it")
        return y

    def _repr_mimebundle_(self, **kwargs):
        """The widget view, and the self-contained page for every place without a widget front end."""
        bundle, meta = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.history._repr_html_()
        return bundle, meta
