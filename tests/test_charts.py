"""Charts: inspect the figure objects, not pixels."""

from __future__ import annotations

import pandas as pd

from viz import charts


def _marker_traces(fig):
    return [t for t in fig.data if t.mode == "markers"]


def test_timeline_draws_every_event_once(tiny_dataset):
    fig = charts.timeline_figure(tiny_dataset)
    ids = [i for t in _marker_traces(fig) for i in t.customdata]
    assert sorted(ids) == sorted(tiny_dataset.events["id"])
    assert fig.layout.meta["n_events"] == len(tiny_dataset.events)


def test_year_precision_is_a_span_not_the_first_of_january(tiny_dataset):
    fig = charts.timeline_figure(tiny_dataset)
    trial = next(t for t in _marker_traces(fig) if t.name == "Trial")
    i = list(trial.customdata).index("ipilimumab-survival")
    assert trial.x[i] != "2010-01-01" and trial.x[i].startswith("2010-07"), "drawn mid-year"
    assert trial.marker.symbol[i].endswith("-open")
    span = next(t for t in fig.data if t.mode == "lines" and t.legendgroup == "trial")
    assert list(span.x[:2]) == ["2010-01-01", "2010-12-31"]
    award = next(t for t in _marker_traces(fig) if t.name == "Award")
    assert list(award.x) == ["2018-10-01"] and not award.marker.symbol[0].endswith("-open")


def test_timeline_filters(tiny_dataset):
    only = charts.timeline_figure(tiny_dataset, kinds=["discovery"])
    assert {t.name for t in _marker_traces(only)} == {"Discovery"}
    ctla4 = charts.timeline_figure(tiny_dataset, modality="ctla4_inhibitor")
    assert sorted(i for t in _marker_traces(ctla4) for i in t.customdata) == [
        "ctla4-blockade-mice",
        "ipilimumab-survival",
    ]
    early = charts.timeline_figure(tiny_dataset, years=(1990, 2000))
    assert early.layout.meta["n_events"] == 2


def test_timeline_labels_milestones_and_escapes_text(tiny_dataset):
    ds = tiny_dataset
    events = ds.events.copy()
    events.loc["nobel-2018", "title"] = "<b onmouseover=alert(1)>Nobel</b>"
    fig = charts.timeline_figure(type(ds)(ds.root, ds.name, ds.title, ds.version, {**ds.tables, "events": events}))
    labels = [a.text for a in fig.layout.annotations]
    assert len(labels) == int(ds.events["milestone"].sum())
    assert "&lt;b onmouseover=alert(1)&gt;Nobel&lt;/b&gt;" in labels
    assert not any("<b onmouseover" in h for t in _marker_traces(fig) for h in t.hovertext)


def test_date_range_spans_the_events(tiny_dataset):
    fig = charts.timeline_figure(tiny_dataset)
    lo, hi = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert lo.year <= tiny_dataset.events["year"].min() and hi.year >= tiny_dataset.events["year"].max()
