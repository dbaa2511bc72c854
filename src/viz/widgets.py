"""Interactive controls for the notebooks, and the small helpers the lessons call.

An :class:`Explorer` is a drawing function plus the controls that feed it: a
dropdown of therapy classes and a year range for the timeline, a selector of
resistance classes, of organs or of maps. Each ``*_explorer(ds)`` function
returns one. Shown in a notebook, an explorer offers two renderings in one
mimebundle (``_repr_mimebundle_``):

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

import dataclasses
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from viz import charts, maps, notebook, queries, style

__all__ = [
    "Choice",
    "Explorer",
    "Html",
    "Range",
    "Slider",
    "Toggle",
    "biomarker_explorer",
    "combinations_explorer",
    "map_explorer",
    "resistance_explorer",
    "side_effects_explorer",
    "story_explorer",
    "timeline_explorer",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Option value meaning "no filter".
ALL = "all"
#: Indents an option under its group in a dropdown (browsers drop leading ordinary spaces).
INDENT = "\u00a0" * 4


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
# helpers on the tables


def _with(ds, **tables: pd.DataFrame):
    """The dataset with some tables replaced (for drawing a filtered figure)."""
    return dataclasses.replace(ds, tables={**ds.tables, **tables})


def _nice(value: str) -> str:
    return value.replace("-", " and " if value == "joints-muscles" else " ").capitalize()


# ---------------------------------------------------------------------------
# the explorers


def timeline_explorer(ds, *, therapy: str = ALL, years: tuple[int, int] | None = None) -> Explorer:
    """The history timeline with a therapy dropdown and a year range.

    The dropdown offers every therapy family that has dated events (all its
    classes together, such as every checkpoint inhibitor), each class on its
    own, and the science that belongs to no therapy class.
    """
    ev = ds.events
    families = queries.modality_families(ds)
    mods = [m for m in ev["modality"].dropna().unique()]
    counts = ev["modality"].value_counts()
    by_family: dict[str, list[str]] = {}
    for m in mods:
        by_family.setdefault(families.get(m, m), []).append(m)
    options: list[tuple[str, Any]] = [(f"All events ({len(ev)})", ALL)]
    n_general = int(ev["modality"].isna().sum())
    if n_general:
        options.append((f"Science without a therapy class ({n_general})", "general"))
    choices: dict[str, tuple[str, ...]] = {ALL: (), "general": ()}
    order = sorted(by_family, key=lambda f: queries.label(ds, f).lower())
    for fam in order:
        members = sorted(by_family[fam], key=lambda m: (m != fam, queries.label(ds, m).lower()))
        total = int(sum(counts[m] for m in members))
        if len(members) > 1:
            options.append((f"{queries.label(ds, fam)}: every class ({total})", f"family:{fam}"))
            choices[f"family:{fam}"] = tuple(members)
            for m in members:
                name = f"{queries.label(ds, m)} in general" if m == fam else queries.label(ds, m)
                options.append((f"{INDENT}{name} ({int(counts[m])})", m))
                choices[m] = (m,)
        else:
            options.append((f"{queries.label(ds, members[0])} ({total})", members[0]))
            choices[members[0]] = (members[0],)
    if therapy not in choices:
        raise KeyError(f"no therapy option {therapy!r}; choose from {list(choices)}")
    first, last = int(ev["year"].min()), int(ev["year"].max())

    def draw(therapy: str, years: tuple[int, int]):
        sub = ev
        if therapy == "general":
            sub = ev[ev["modality"].isna()]
        elif therapy != ALL:
            sub = ev[ev["modality"].isin(choices[therapy])]
        sub = sub[(sub["year"] >= years[0]) & (sub["year"] <= years[1])]
        if sub.empty:
            return _message(f"No events in the tables for this choice between {years[0]} and {years[1]}.")
        return charts.timeline_figure(_with(ds, events=sub), years=tuple(years))

    return Explorer(
        draw,
        {
            "therapy": Choice("Therapy:", tuple(options), therapy),
            "years": Range("Years:", first, last, tuple(years) if years else (first, last)),
        },
        title=charts.declared(ds, "timeline").get("title") or charts.DEFAULT_TITLES["timeline"],
    )


def resistance_explorer(ds, *, resistance_class: str = ALL, origin: str = ALL) -> Explorer:
    """The resistance Sankey diagram, filtered by class of resistance and by where it arises."""
    res = ds.resistance
    n = {c: int(sum(c in r for r in res["classes"])) for c in charts.RESISTANCE_CLASSES}
    classes = (
        (f"All classes ({len(res)})", ALL),
        *((f"{c.capitalize()} ({n[c]})", c) for c in charts.RESISTANCE_CLASSES),
    )
    where = {"intrinsic": "inside the tumour cell", "extrinsic": "in the surroundings or the host"}
    origins = (
        ("Anywhere", ALL),
        *((f"{text.capitalize()} ({int((res['origin'] == o).sum())})", o) for o, text in where.items()),
    )

    def draw(resistance_class: str, origin: str):
        sub = res
        if resistance_class != ALL:
            sub = sub[[resistance_class in c for c in sub["classes"]]]
        if origin != ALL:
            sub = sub[sub["origin"] == origin]
        if sub.empty:
            return _message("No resistance mechanism in the tables matches both choices.")
        return charts.resistance_figure(_with(ds, resistance=sub))

    return Explorer(
        draw,
        {
            "resistance_class": Choice("Class of resistance:", classes, resistance_class),
            "origin": Choice("Arises:", origins, origin),
        },
        title="Resistance pathways",
    )


def side_effects_explorer(ds, *, organ: str = ALL, therapy: str = ALL) -> Explorer:
    """When side effects start, filtered by organ and by therapy class.

    Choosing a class also keeps the rows recorded for its wider or narrower
    classes: PD-1 inhibitors keep what the tables say of checkpoint inhibitors
    in general, and checkpoint inhibitors keep every one of their classes.
    """
    se = ds.side_effects
    organs = [o for o in se["organ"].cat.categories if (se["organ"] == o).any()]
    organ_options = (
        (f"Every organ ({len(se)})", ALL),
        *((f"{_organ_label(ds, o)} ({int((se['organ'] == o).sum())})", o) for o in organs),
    )
    therapies = sorted({t for ts in se["therapies"] for t in ts}, key=lambda t: queries.label(ds, t).lower())
    related = {t: queries.related_modalities(ds, t) for t in therapies}

    def rows_for(t: str) -> pd.Series:
        return se["therapies"].map(lambda ts: bool(set(ts) & related[t]))

    therapy_options = (
        ("Every therapy", ALL),
        *((f"{queries.label(ds, t)} ({int(rows_for(t).sum())})", t) for t in therapies),
    )

    def draw(organ: str, therapy: str):
        sub = se
        if organ != ALL:
            sub = sub[sub["organ"] == organ]
        if therapy != ALL:
            sub = sub[rows_for(therapy).loc[sub.index]]
        if sub.empty:
            return _message("The tables record no side effect for this organ with this therapy class.")
        return charts.side_effects_figure(_with(ds, side_effects=sub))

    return Explorer(
        draw,
        {
            "organ": Choice("Organ:", organ_options, organ),
            "therapy": Choice("Therapy class:", therapy_options, therapy),
        },
        title="When side effects start",
    )


def _organ_label(ds, organ: str) -> str:
    cid = organ.replace("-", "_")
    if cid in ds.concepts.index and str(ds.concepts.at[cid, "category"]) == "organ":
        return queries.label(ds, cid)
    return "Whole body (systemic)" if organ == "systemic" else _nice(organ)


def combinations_explorer(ds, *, partner: str = ALL, status: str = ALL) -> Explorer:
    """The combinations matrix, filtered by partner class and by status."""
    co = ds.combinations
    partners = [p for p in co["partner"].cat.categories if (co["partner"] == p).any()]
    statuses = [s for s in co["status"].cat.categories if (co["status"] == s).any()]
    partner_options = (
        (f"Every partner ({len(co)})", ALL),
        *((f"{_nice(p)} ({int((co['partner'] == p).sum())})", p) for p in partners),
    )
    status_options = (
        ("Any status", ALL),
        *((f"{s.capitalize()} ({int((co['status'] == s).sum())})", s) for s in statuses),
    )

    def draw(partner: str, status: str):
        sub = co
        if partner != ALL:
            sub = sub[sub["partner"] == partner]
        if status != ALL:
            sub = sub[sub["status"] == status]
        if sub.empty:
            return _message("No combination in the tables has this partner and this status.")
        return charts.combinations_figure(_with(ds, combinations=sub))

    return Explorer(
        draw,
        {"partner": Choice("Partner:", partner_options, partner), "status": Choice("Status:", status_options, status)},
        title="Combination strategies",
    )


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
