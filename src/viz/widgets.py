"""Interactive controls for the notebooks, and the small helpers the lessons call.

An :class:`Explorer` is a drawing function plus the controls that feed it: a
dropdown of therapy classes and a year range for the timeline, a selector of
resistance classes, of organs or of maps. Each ``*_explorer(ds)`` function
returns one; those of the charts are made by :func:`chart_explorer` from the
filters each kind of chart names (:data:`viz.charts.KINDS`). Shown in a notebook,
an explorer offers two renderings in one mimebundle (``_repr_mimebundle_``):

- ``application/vnd.jupyter.widget-view+json``: live ipywidgets controls above
  the figure, which redraw it when a student changes a filter (JupyterLab,
  Jupyter Notebook, VS Code);
- ``text/html``: the figure drawn with the starting values and a line saying
  which values those are, for every place without a widget front end: an HTML
  export (nbconvert shows a widget only when the notebook stores its state),
  a viewer without ipywidgets, or a kernel where ipywidgets is not installed.

The front end picks the richest rendering it can show, so nothing here has to
guess where it runs. One case needs a flag: ``jupyter nbconvert --execute``
stores widget state by default, and an HTML export with widget state loads the
widget library from the web; add ``--ExecutePreprocessor.store_widget_state=False``
for offline static pages. (A notebook saved from JupyterLab stores no widget
state unless asked to.)

Drawing is pure: the chart and map functions of :mod:`viz.charts` and
:mod:`viz.maps`, and the questions of :mod:`viz.queries`. Nothing here reads or
writes files (the build-your-own lesson's copy of the tables is :mod:`viz.tables`).

Educational material, not medical advice.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from viz import charts, maps, notebook, queries, style
from viz.charts import ALL

__all__ = [
    "Choice",
    "Explorer",
    "Html",
    "Range",
    "Slider",
    "Toggle",
    "biomarker_explorer",
    "chart_explorer",
    "combinations_explorer",
    "map_explorer",
    "resistance_explorer",
    "side_effects_explorer",
    "story_explorer",
    "timeline_explorer",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# ---------------------------------------------------------------------------
# controls: plain descriptions, turned into ipywidgets only when a widget is shown


@dataclass(frozen=True)
class Choice:
    """A dropdown: ``options`` are ``(label, value)`` pairs; ``value`` is the starting one."""

    description: str
    options: tuple[tuple[str, Any], ...]
    value: Any

    def label(self, value: Any) -> str:
        return next((text.strip() for text, v in self.options if v == value), str(value))


@dataclass(frozen=True)
class Range:
    """A range slider of whole numbers (years): ``value`` is ``(first, last)``, both included."""

    description: str
    min: int
    max: int
    value: tuple[int, int]

    def label(self, value: tuple[int, int]) -> str:
        return f"{value[0]} to {value[1]}"


@dataclass(frozen=True)
class Slider:
    """A slider of whole numbers (a story step)."""

    description: str
    min: int
    max: int
    value: int

    def label(self, value: int) -> str:
        return f"{value} of {self.max}"


@dataclass(frozen=True)
class Toggle:
    """A check box."""

    description: str
    value: bool = False

    def label(self, value: bool) -> str:
        return "on" if value else "off"


Control = Choice | Range | Slider | Toggle


@dataclass(frozen=True)
class Html:
    """A fragment of HTML to show in place of a figure (a message, a table, a card)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def _message(text: str) -> Html:
    box = f"padding:0.6em 0.8em;background:{style.SOFT}"
    return Html(f'<p class="immunoviz-note" style="{box}">{html.escape(text)}</p>')


def _widget(control: Control):
    """The ipywidgets control for a description (ipywidgets must be importable)."""
    import ipywidgets as w

    style = {"description_width": "initial"}
    if isinstance(control, Choice):
        return w.Dropdown(
            description=control.description,
            options=list(control.options),
            value=control.value,
            style=style,
            layout=w.Layout(width="max-content", min_width="18em"),
        )
    if isinstance(control, Range):
        return w.IntRangeSlider(
            description=control.description,
            min=control.min,
            max=control.max,
            value=list(control.value),
            continuous_update=False,
            style=style,
            layout=w.Layout(width="32em"),
        )
    if isinstance(control, Slider):
        return w.IntSlider(
            description=control.description,
            min=control.min,
            max=control.max,
            value=control.value,
            continuous_update=False,
            style=style,
            layout=w.Layout(width="26em"),
        )
    return w.Checkbox(description=control.description, value=control.value, indent=False, style=style)


def _mimebundle(obj: object) -> tuple[dict, dict]:
    """``(data, metadata)`` for any object a notebook can show, with ``text/html`` always present.

    Plotly figures give :func:`viz.notebook.figure_bundle` (plotly's JSON, and HTML
    that draws offline); other objects their own bundle or HTML.
    """
    data: dict = {}
    meta: dict = {}
    if hasattr(obj, "to_plotly_json"):
        data = notebook.figure_bundle(obj)
    elif hasattr(obj, "_repr_mimebundle_"):
        got = obj._repr_mimebundle_()
        if isinstance(got, tuple):
            got, meta = got
        data = dict(got or {})
    if "text/html" not in data:
        if hasattr(obj, "_repr_html_"):
            data["text/html"] = obj._repr_html_()
        else:
            data["text/html"] = f"<pre>{html.escape(repr(obj))}</pre>"
    data.setdefault("text/plain", repr(obj))
    return data, dict(meta or {})


class Explorer:
    """A figure or map with controls that redraw it.

    Parameters
    ----------
    draw
        Called with one keyword argument per control; returns what to show: a
        plotly figure, a :class:`viz.maps.ConceptMap`, a DataFrame or an
        :class:`Html` fragment.
    controls
        ``{keyword: Choice | Range | Slider | Toggle}``, in display order.
    title
        One line shown above the controls and in the static rendering.

    Examples
    --------
    >>> from viz import data, widgets
    >>> ex = widgets.resistance_explorer(data.load())
    >>> ex.values["resistance_class"]
    'all'
    >>> ex.update(resistance_class="acquired").layout.title.text
    'Resistance pathways: class, mechanism, therapy'
    """

    def __init__(self, draw: Callable[..., object], controls: Mapping[str, Control], *, title: str = ""):
        self.draw = draw
        self.controls = dict(controls)
        self.title = title
        self.values: dict[str, Any] = {k: c.value for k, c in self.controls.items()}
        self._current: object | None = None
        self._bundled: tuple[object, tuple[dict, dict]] | None = None
        self._static: str | None = None
        self._box = None
        self._output = None

    def __repr__(self) -> str:
        chosen = ", ".join(f"{c.description} {c.label(self.values[k])}" for k, c in self.controls.items())
        return f"<Explorer {self.title!r}: {chosen}>"

    # -- drawing
    @property
    def current(self) -> object:
        """What the explorer shows for its current values (drawn once, then kept)."""
        if self._current is None:
            self._current = self._draw()
        return self._current

    def _draw(self) -> object:
        try:
            return self.draw(**self.values)
        except Exception as exc:  # a control must never leave a dead widget behind
            return _message(f"Could not draw this selection: {type(exc).__name__}: {exc}")

    def update(self, **values: Any) -> object:
        """Set some control values, redraw, and return the new figure.

        The live widget, when there is one, follows: its controls move and its
        figure is replaced.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"no control {sorted(unknown)}; the controls are {list(self.controls)}")
        for key, value in values.items():
            self.values[key] = tuple(value) if isinstance(self.controls[key], Range) else value
        if self._box is not None:
            for key, child in zip(self.controls, self._box.children[1].children, strict=True):
                child.value = self.values[key]  # its observer sees no change in self.values: no second draw
        self._current = self._draw()
        if self._box is not None:
            self._show()
        return self._current

    # -- the static rendering
    def describe(self) -> str:
        """One line naming the values the figure was drawn with."""
        chosen = "; ".join(f"{c.description.rstrip(':')}: {c.label(self.values[k])}" for k, c in self.controls.items())
        return f"{self.title}. Drawn for {chosen}." if self.title else f"Drawn for {chosen}."

    def _bundle(self) -> tuple[dict, dict]:
        """The mimebundle of the current figure (made once per figure: plotly's JSON is not cheap)."""
        obj = self.current
        if self._bundled is None or self._bundled[0] is not obj:
            self._bundled = (obj, _mimebundle(obj))
        return self._bundled[1]

    def static_html(self) -> str:
        """HTML of the figure as first shown (the starting values), with a line that names them."""
        if self._static is None:
            data, _ = self._bundle()
            note = html.escape(self.describe())
            self._static = (
                '<div class="immunoviz-explorer">'
                f'<p style="margin:0 0 0.4em;color:{style.NOTE_INK}">{note} '
                "Run the notebook in JupyterLab to change these values.</p>"
                f"{data['text/html']}</div>"
            )
        return self._static

    # -- the live widget
    def widget(self):
        """The ipywidgets box: title, controls, figure (built once). Raises ImportError without ipywidgets."""
        if self._box is None:
            import ipywidgets as w

            children = [_widget(c) for c in self.controls.values()]
            for key, child in zip(self.controls, children, strict=True):
                child.observe(self._changed(key), names="value")
            self._output = w.Output(layout=w.Layout(width="100%"))
            title = w.HTML(f"<b>{html.escape(self.title)}</b>" if self.title else "")
            self._box = w.VBox([title, w.HBox(children, layout=w.Layout(flex_flow="row wrap")), self._output])
            self._show()
        return self._box

    def _changed(self, key: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            new = tuple(change["new"]) if isinstance(self.controls[key], Range) else change["new"]
            if self.values.get(key) == new:
                return
            self.values[key] = new
            self._current = self._draw()
            self._show()

        return handler

    def _show(self) -> None:
        """Put the current figure in the output area (state sync, no messages: safe in callbacks and tests)."""
        data, meta = self._bundle()
        self._output.outputs = ({"output_type": "display_data", "data": data, "metadata": meta},)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": repr(self), "text/html": self.static_html()}
        try:
            box = self.widget()
        except ImportError:  # no ipywidgets in this kernel: the static figure is all there is
            return bundle
        view = box._repr_mimebundle_().get(WIDGET_VIEW)
        if view:
            bundle[WIDGET_VIEW] = view
        return bundle


# ---------------------------------------------------------------------------
# the chart explorers: made from the filters each kind of chart names (viz.charts.KINDS)


def _control(ds, rows: pd.DataFrame, found: charts.Pick | charts.Span, value: Any) -> Control:
    """The control of a chart's filter over its rows, starting at ``value`` (``None``: every row)."""
    if isinstance(found, charts.Span):
        first, last = int(rows[found.column].min()), int(rows[found.column].max())
        return Range(found.description, first, last, tuple(value) if value else (first, last))
    value = ALL if value is None else value
    options = tuple(found.options(ds, rows))
    if value not in [v for _, v in options]:
        raise KeyError(f"no {found.keyword} option {value!r}; choose from {[v for _, v in options]}")
    return Choice(found.description, options, value)


def chart_explorer(ds, kind: str, **start: Any) -> Explorer:
    """A chart of ``kind`` (a name in :data:`viz.charts.KINDS`) with the filters its kind names, as controls.

    Parameters
    ----------
    ds
        A :class:`viz.data.Dataset`.
    kind
        ``"timeline"``, ``"resistance"``, ``"side_effects"`` or ``"combinations"``: the kinds that name filters.
    **start
        The starting value of each filter, by its keyword (every row unless given).

    Examples
    --------
    >>> from viz import data, widgets
    >>> ex = widgets.chart_explorer(data.load(), "combinations", status="failed")
    >>> ex
    <Explorer 'Combination strategies': Partner: Every partner (23), Status: Failed (5)>
    >>> ex.current.layout.meta["summary"][0]
    '5 combinations: 0 approved, 0 investigational, 5 failed in large trials.'
    """
    chart = charts.KINDS[kind]
    if not chart.filters:
        raise ValueError(f"the {kind} chart has no filters to explore; these do: {_explorable()}")
    unknown = set(start) - {f.keyword for f in chart.filters}
    if unknown:
        raise TypeError(
            f"no filter {sorted(unknown)} on the {kind} chart; its filters: {[f.keyword for f in chart.filters]}"
        )
    rows = getattr(ds, chart.rows)
    controls = {f.keyword: _control(ds, rows, f, start.get(f.keyword)) for f in chart.filters}

    def draw(**values: Any):
        fig = charts.filtered_figure(chart, ds, **values)
        return _message(chart.nothing.format(**values)) if fig is None else fig

    return Explorer(draw, controls, title=charts.declared(ds, kind).get("title") or chart.title)


def _explorable() -> list[str]:
    return [name for name, kind in charts.KINDS.items() if kind.filters]


def timeline_explorer(ds, *, therapy: str = ALL, years: tuple[int, int] | None = None) -> Explorer:
    """The history timeline with a therapy dropdown and a year range.

    The dropdown offers every therapy family that has dated events (all its
    classes together, such as every checkpoint inhibitor), each class on its
    own, and the science that belongs to no therapy class.
    """
    return chart_explorer(ds, "timeline", therapy=therapy, years=years)


def resistance_explorer(ds, *, resistance_class: str = ALL, origin: str = ALL) -> Explorer:
    """The resistance Sankey diagram, filtered by class of resistance and by where it arises."""
    return chart_explorer(ds, "resistance", resistance_class=resistance_class, origin=origin)


def side_effects_explorer(ds, *, organ: str = ALL, therapy: str = ALL) -> Explorer:
    """When side effects start, filtered by organ and by therapy class.

    Choosing a class also keeps the rows recorded for its wider or narrower
    classes: PD-1 inhibitors keep what the tables say of checkpoint inhibitors
    in general, and checkpoint inhibitors keep every one of their classes.
    """
    return chart_explorer(ds, "side_effects", organ=organ, therapy=therapy)


def combinations_explorer(ds, *, partner: str = ALL, status: str = ALL) -> Explorer:
    """The combinations matrix, filtered by partner class and by status."""
    return chart_explorer(ds, "combinations", partner=partner, status=status)


def map_explorer(ds, views: Sequence[str] | None = None, *, view: str | None = None, presenter: bool = False):
    """A map with a view selector and a presenter switch (large labels for projection).

    Maps are built when first chosen and then kept, so switching back is instant;
    the large map of everything is only built if someone picks it.
    """
    ids = list(views) if views is not None else list(ds.views["id"])
    unknown = [v for v in ids if v not in ds.views.index]
    if unknown:
        raise KeyError(f"no view {unknown}; the views are {', '.join(ds.views['id'])}")
    start = view or ids[0]
    built: dict[tuple[str, bool], object] = {}

    def draw(view: str, presenter: bool):
        key = (view, bool(presenter))
        if key not in built:
            built[key] = maps.view_map(ds, view, presenter=bool(presenter))
        return built[key]

    options = tuple((str(ds.views.at[v, "title"]), v) for v in ids)
    return Explorer(
        draw,
        {"view": Choice("Map:", options, start), "presenter": Toggle("Presenter (large labels)", presenter)},
        title="Concept maps",
    )


def story_explorer(ds, view: str, *, step: int = 1) -> Explorer:
    """Read a map's story in the notebook: a step slider, the caption, and the concepts that step adds."""
    story = queries.story_table(ds, view)
    if story.empty:
        raise ValueError(f"view {view!r} has no story steps")
    cats = ds.categories

    def draw(step: int):
        row = story.iloc[int(step) - 1]
        items = []
        for cid in row["concepts"]:
            c = ds.concepts.loc[cid]
            items.append(
                f"<tr><td><b>{html.escape(c['label'])}</b></td>"
                f"<td>{html.escape(str(cats.at[str(c['category']), 'label']))}</td>"
                f"<td>{html.escape(c['summary'])}</td></tr>"
            )
        so_far = sum(len(c) for c in story["concepts"][: int(step)])
        return Html(
            '<div class="immunoviz-story">'
            f"<p><b>Step {int(step)} of {len(story)}.</b> {html.escape(row['caption'])}</p>"
            '<table style="border-collapse:collapse"><thead><tr><th style="text-align:left">New at this step</th>'
            '<th style="text-align:left">Kind</th><th style="text-align:left">In brief</th></tr></thead>'
            f"<tbody>{''.join(items)}</tbody></table>"
            f'<p style="color:{style.NOTE_INK}">{so_far} concepts on the map so far.</p></div>'
        )

    return Explorer(
        draw,
        {"step": Slider("Step:", 1, len(story), step)},
        title=f"{ds.views.at[view, 'title']}: the story",
    )


def biomarker_explorer(ds, *, biomarker: str | None = None) -> Explorer:
    """One biomarker at a time: what it measures, how, which therapies it guides, and its sources."""
    bm = ds.biomarkers
    ids = list(bm["concept"])
    start = biomarker or ids[0]

    def draw(biomarker: str):
        row = bm[bm["concept"] == biomarker].iloc[0]
        links = "".join(
            f'<li><a href="{html.escape(s["url"])}" target="_blank" rel="noopener">'
            f"{html.escape(s['citation'])}</a></li>"
            for s in ds.source_links(row["sources"])
        )
        guides = ", ".join(html.escape(queries.label(ds, t)) for t in row["guides"])
        return Html(
            '<div class="immunoviz-card">'
            f"<h3 style='margin:0.2em 0'>{html.escape(queries.label(ds, biomarker))}</h3>"
            f"<p><b>Measures:</b> {html.escape(row['measures'])}</p>"
            f"<p><b>How:</b> {html.escape(row['method'])}</p>"
            f"<p><b>Guides:</b> {guides}</p>"
            f"<p><b>In practice:</b> {html.escape(row['use'])}</p>"
            f"<p><b>Sources:</b></p><ul>{links}</ul></div>"
        )

    options = tuple((queries.label(ds, b), b) for b in ids)
    return Explorer(draw, {"biomarker": Choice("Biomarker:", options, start)}, title="Biomarkers")
