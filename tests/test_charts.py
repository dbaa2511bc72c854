"""Charts: inspect the figure objects, not pixels."""

from __future__ import annotations

import pandas as pd

from viz import charts, style


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


def test_milestone_labels_sit_beside_their_markers(dataset):
    """Every milestone is labelled right by its own marker, with a short leader line (the label is
    offset a few pixels, never decades away); the browser test checks that no label covers another."""
    fig = charts.timeline_figure(dataset)
    points = {(y, x) for t in _marker_traces(fig) for x, y in zip(t.x, t.y, strict=True)}
    titles = set(dataset.events.loc[dataset.events["milestone"], "title"])
    assert len(fig.layout.annotations) == len(titles) > 0
    for a in fig.layout.annotations:
        assert (a.y, a.x) in points, f"{a.text!r} does not point at a marker"
        assert a.axref in (None, "pixel") and abs(a.ax) <= 40 and abs(a.ay) <= 70, f"{a.text!r} is far from its marker"
        assert a.xanchor == ("left" if a.ax > 0 else "right"), f"{a.text!r} runs back over its leader line"
    assert {a.text for a in fig.layout.annotations} <= {charts._t(t) for t in titles}


def test_date_range_spans_the_events(tiny_dataset):
    fig = charts.timeline_figure(tiny_dataset)
    lo, hi = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert lo.year <= tiny_dataset.events["year"].min() and hi.year >= tiny_dataset.events["year"].max()


# ---------------------------------------------------------------------------
# the other figures, on the shipped data


def test_approvals_add_up(dataset):
    fig = charts.approvals_figure(dataset)
    bars = [t for t in fig.data if t.type == "bar"]
    n = int((dataset.events["kind"] == "approval").sum())
    assert sum(sum(t.y) for t in bars) == n
    total = next(t for t in fig.data if t.name == "Running total")
    assert total.y[-1] == n and list(total.y) == sorted(total.y)
    assert len({t.marker.color for t in bars}) == len(bars), "one colour per family"


def test_resistance_sankey_links_every_mechanism(dataset):
    fig = charts.resistance_figure(dataset)
    sankey = fig.data[0]
    keys = list(sankey.customdata)
    pal = style.palette(dataset)
    for row in dataset.resistance.itertuples():
        i = keys.index(row.concept)
        assert sankey.node.color[i] == pal.colour("mechanism"), "mechanisms keep their map colour"
        into = {keys[s] for s, t in zip(sankey.link.source, sankey.link.target, strict=True) if t == i}
        assert {f"class:{c}" for c in row.classes} <= into
        out = {keys[t] for s, t in zip(sankey.link.source, sankey.link.target, strict=True) if s == i}
        assert set(row.affects) <= out
    assert {"class:primary", "class:adaptive", "class:acquired"} <= set(keys)


def test_combination_matrix_counts_every_combination(dataset):
    fig = charts.combinations_figure(dataset)
    heat = fig.data[0]
    counted = sum(int(str(t).split()[0]) for row in heat.text for t in row if t)
    assert counted == len(dataset.combinations)
    assert set(heat.x) >= {"checkpoint", "chemotherapy", "radiotherapy", "targeted"}
    ticks = sum(str(t).endswith("✓") for row in heat.text for t in row)
    approved_cells = dataset.combinations[dataset.combinations["status"] == "approved"].groupby(
        ["immunotherapy", "partner"], observed=True
    )
    assert ticks == approved_cells.ngroups


def test_side_effect_onsets_are_ranges_and_syndromes_stand_apart(dataset):
    fig = charts.side_effects_figure(dataset)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert set(bars) == {"Checkpoint inhibitor", "Cell therapy or T-cell engager"}
    ids = [i for t in bars.values() for i in t.customdata]
    assert sorted(ids) == sorted(dataset.side_effects["id"])
    se = dataset.side_effects
    for t in bars.values():
        for i, base, width in zip(t.customdata, t.base, t.x, strict=True):
            assert base == se.loc[i, "onset_min_weeks"] and base + width == se.loc[i, "onset_max_weeks"]
    cell = set(bars["Cell therapy or T-cell engager"].customdata)
    assert {i for i in se.index if se.loc[i, "concept"] in ("crs", "icans")} <= cell
    starts = {t.name: t.marker for t in fig.data if t.type == "scatter"}
    checkpoint, cell = starts["Checkpoint inhibitor (start)"], starts["Cell therapy or T-cell engager (start)"]
    assert checkpoint.color != cell.color and checkpoint.symbol != cell.symbol, "never colour alone"
    assert bars["Checkpoint inhibitor"].marker.color == checkpoint.color


def test_phases_figure_draws_the_three_es_from_the_data(dataset):
    fig = charts.phases_figure(dataset)
    titles = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert titles == ["<b>Elimination</b>", "<b>Equilibrium</b>", "<b>Escape</b>"]
    assert len(fig.layout.shapes) == 3
    assert "schematic" in fig.data[0].name


def test_biomarker_matrix(dataset):
    fig = charts.biomarkers_figure(dataset)
    pairs = {(y, x) for x, y in zip(fig.data[0].x, fig.data[0].y, strict=True)}
    labels = dataset.concepts["label"]
    expected = {(labels[r.concept], labels[t]) for r in dataset.biomarkers.itertuples() for t in r.guides}
    assert pairs == expected
    assert {"PD-L1 expression", "MSI-H / dMMR", "High tumour mutational burden"} <= {y for y, _ in pairs}


def test_every_chart_has_a_text_summary(dataset):
    for chart in charts.site_charts(dataset):
        meta = chart.figure.layout.meta
        assert meta["summary"] and all(isinstance(s, str) and s for s in meta["summary"]), chart.id
        assert meta["description"]


def test_every_chart_builds_from_a_small_dataset(tiny_dataset):
    """Sparse tables (one row per domain table, empty optional cells) still give every figure."""
    for chart in charts.site_charts(tiny_dataset):
        assert chart.figure.data, chart.id


def test_every_chart_has_a_data_table(dataset):
    """The text alternative of each chart is a table of what it shows, row for row."""
    rows = {
        "timeline": len(dataset.events),
        "approvals": None,  # a row per year and family: checked by its counts below
        "resistance": len(dataset.resistance),
        "combinations": len(dataset.combinations),
        "side-effects": len(dataset.side_effects),
        "biomarkers": len(dataset.biomarkers),
        "three-es": 3,
    }
    for chart in charts.site_charts(dataset):
        table = chart.figure.layout.meta["table"]
        assert table["caption"] and table["columns"], chart.id
        assert all(len(r) == len(table["columns"]) and all(isinstance(v, str) for v in r) for r in table["rows"])
        if rows[chart.id] is not None:
            assert len(table["rows"]) == rows[chart.id], chart.id
    approvals = next(c for c in charts.site_charts(dataset) if c.id == "approvals").figure.layout.meta["table"]
    n_approvals = int((dataset.events["kind"].astype(str) == "approval").sum())
    assert sum(int(r[2]) for r in approvals["rows"]) == n_approvals
    assert int(approvals["rows"][-1][4]) == n_approvals, "the running total ends at every approval"


def test_every_kind_of_chart_the_schema_allows_can_be_drawn(dataset):
    """charts.csv may declare any kind of chart its schema allows; each kind has a drawing and a title."""
    assert {str(k) for k in dataset.charts["chart"].cat.categories} == set(charts.KINDS)
    for name, kind in charts.KINDS.items():
        assert kind.name == name and kind.title and kind.description


def test_lanes_run_by_their_first_event_then_by_name(dataset):
    """A lane's place follows its first event; lanes that start on the same day go by name, so the order
    never rests on the hash seed (PD-1 and PD-L1 inhibitors both start in June 2012)."""
    ev = dataset.events[dataset.events["year"].between(2010, 2015) & dataset.events["modality"].notna()]
    first = ev.groupby(ev["modality"].astype(str).map(dataset.concepts["label"]))["start"].min()
    assert first.duplicated().any(), "two lanes start on the same day"
    fig = charts.timeline_figure(dataset, years=(2010, 2015))
    top_down = list(fig.layout.yaxis.categoryarray)[::-1]
    assert top_down == ["Science and general", *sorted(first.index, key=lambda lane: (first[lane], lane))]


# ---------------------------------------------------------------------------
# the plotly.js our pages load: a partial bundle (src/viz/vendor/plotly)


def _pinned_plotly() -> dict:
    import json

    from viz.render import PLOTLY_DIR

    return json.loads((PLOTLY_DIR / "pinned.json").read_text(encoding="utf-8"))


def test_the_vendored_plotly_holds_exactly_the_trace_types_our_charts_draw(dataset):
    """Every kind of chart (and the history page's timeline) draws only trace types the bundle carries: a chart
    that starts to draw another type fails here (rebuild the bundle with it: vendor/plotly/README.md), and so
    does a type no chart draws any more (it would be dead weight in every page)."""
    from viz import history

    drawn = {t.type for kind in charts.KINDS.values() for t in charts.make_figure(kind, dataset).data}
    drawn |= {t.type for t in history._timeline(dataset).data}
    assert drawn == set(_pinned_plotly()["traces"])


def test_the_vendored_plotly_is_the_pinned_build_of_the_release_plotly_py_carries():
    """The bundle is byte for byte the one tools/plotly/build.mjs made from the pinned plotly.js release (its
    hash, size and banner as recorded), of the same major version as the plotly.js the installed plotly.py
    carries (whose figures it draws), with its MIT licence; tools/plotly pins the same releases."""
    import hashlib
    import json

    from plotly.offline import get_plotlyjs_version

    from viz.paths import PROJ_ROOT
    from viz.render import PLOTLY_DIR

    pinned = _pinned_plotly()
    bundle = (PLOTLY_DIR / "plotly.min.js").read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == pinned["sha256"] and len(bundle) == pinned["bytes"]
    assert bundle.startswith(f"/*! plotly.js v{pinned['version']} (partial bundle for immunoviz: ".encode())
    assert pinned["version"].split(".")[0] == get_plotlyjs_version().split(".")[0], "plotly.py's plotly.js moved on"
    assert "MIT License" in (PLOTLY_DIR / "LICENSE").read_text(encoding="utf-8")
    readme = (PLOTLY_DIR / "README.md").read_text(encoding="utf-8")
    assert f"plotly.js {pinned['version']}" in readme and pinned["sha256"] in readme
    tools = PROJ_ROOT / "tools" / "plotly"
    package = json.loads((tools / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    lock = json.loads((tools / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert package["plotly.js"] == lock["node_modules/plotly.js"]["version"] == pinned["version"]
    assert package["esbuild"] == lock["node_modules/esbuild"]["version"] == pinned["esbuild"]
