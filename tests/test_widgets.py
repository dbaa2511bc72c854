"""Interactive controls: live widgets where a front end can show them, a static figure everywhere else."""

from __future__ import annotations

import itertools
import re
import sys

import pytest

from viz import charts, data, notebook, widgets
from viz.charts._core import _words
from viz.widgets import WIDGET_VIEW

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def fresh_kernel(monkeypatch):
    """As in a fresh kernel: the first figure shown carries plotly.js, and figures are numbered from 1."""
    monkeypatch.setattr(notebook, "_plotlyjs_sent", False)
    monkeypatch.setattr(notebook, "_figures", itertools.count(1))


def _n_events(fig) -> int:
    return fig.layout.meta["n_events"]


def _controls(explorer):
    """The ipywidgets controls of an explorer, by keyword."""
    box = explorer.widget()
    return dict(zip(explorer.controls, box.children[1].children, strict=True))


def _shown(explorer) -> dict:
    """The mimebundle currently in the explorer's output area."""
    (item,) = explorer._output.outputs
    return item["data"]


# ---------------------------------------------------------------------------
# one object, two renderings


def test_bundle_offers_the_live_widget_and_a_static_figure(dataset):
    ex = widgets.resistance_explorer(dataset)
    bundle = ex._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == ex.widget().model_id
    assert "Drawn for Class of resistance: All classes" in bundle["text/html"]
    assert "Run the notebook in JupyterLab" in bundle["text/html"]
    assert "Resistance pathways" in bundle["text/plain"]
    # the widget shows the same figure, with its plotly JSON for JupyterLab's renderer
    shown = _shown(ex)
    assert shown["application/vnd.plotly.v1+json"]["layout"]["title"]["text"].startswith("Resistance pathways")


def test_without_ipywidgets_only_the_static_figure_is_offered(dataset, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    ex = widgets.combinations_explorer(dataset)
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "Combination strategies" in bundle["text/html"]


def test_html_export_falls_back_to_the_static_figure(dataset):
    """nbconvert shows a widget view only when the notebook stores widget state; otherwise it takes text/html."""
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    bundle = widgets.side_effects_explorer(dataset)._repr_mimebundle_()
    choose = WidgetsDataTypeFilter(notebook_metadata={}, resources={})
    assert choose(bundle) == ["text/html"]


def test_static_figure_draws_offline(dataset):
    """An HTML export of a notebook draws its figures with no network: plotly.js is inlined once, before the
    first figure, and never fetched."""
    first = widgets.timeline_explorer(dataset, therapy="bcg").static_html()
    second = widgets.timeline_explorer(dataset).static_html()
    assert "Plotly.newPlot" in first and '<script src="http' not in first + second
    assert notebook.PLOTLYJS_MARK in first and len(first) > 1_000_000, "plotly.js is inline"
    assert notebook.PLOTLYJS_MARK not in second and len(second) < 200_000, "and only once"


# ---------------------------------------------------------------------------
# controls redraw the figure


def test_timeline_controls_redraw(dataset):
    ex = widgets.timeline_explorer(dataset)
    assert _n_events(ex.current) == len(dataset.events)
    controls = _controls(ex)
    controls["therapy"].value = "family:checkpoint_inhibitor"
    checkpoint = dataset.events["modality"].isin(
        ["checkpoint_inhibitor", "pd1_inhibitor", "pdl1_inhibitor", "ctla4_inhibitor", "lag3_inhibitor"]
    )
    assert _n_events(ex.current) == int(checkpoint.sum())
    assert _shown(ex)["application/vnd.plotly.v1+json"]["layout"]["meta"]["n_events"] == int(checkpoint.sum())
    controls["years"].value = (2010, 2015)
    in_years = checkpoint & dataset.events["year"].between(2010, 2015)
    assert ex.values["years"] == (2010, 2015)
    assert _n_events(ex.current) == int(in_years.sum())


def _count(label: str) -> int:
    """The number of rows an option's label promises: "Skin (4)" -> 4."""
    return int(re.fullmatch(r".*\((\d+)\)", label)[1])


def test_timeline_options_cover_every_event_once(dataset):
    """The classes and the science of no class share out the events; each option draws what it counts
    (test_every_option_shows_the_rows_it_counts)."""
    ex = widgets.timeline_explorer(dataset)
    options = dict((v, k) for k, v in ex.controls["therapy"].options)
    singles = [v for v in options if v not in ("all", "general") and not v.startswith("family:")]
    assert sum(_count(options[v]) for v in [*singles, "general"]) == _count(options["all"]) == len(dataset.events)
    assert options["family:checkpoint_inhibitor"].startswith("Checkpoint inhibitors: every class")
    assert options["pd1_inhibitor"].startswith(charts.INDENT), "classes are indented under their family"


def test_an_empty_selection_shows_a_message_not_an_error(dataset):
    ex = widgets.timeline_explorer(dataset, therapy="bcg")
    shown = ex.update(years=(1891, 1900))
    assert isinstance(shown, widgets.Html) and "No events" in shown.html
    assert "No events" in ex.static_html()


def test_update_moves_the_live_controls(dataset):
    ex = widgets.resistance_explorer(dataset)
    controls = _controls(ex)
    ex.update(resistance_class="adaptive", origin="extrinsic")
    assert controls["resistance_class"].value == "adaptive" and controls["origin"].value == "extrinsic"
    summary = ex.current.layout.meta["summary"][0]
    wanted = sum(
        ("adaptive" in c) and o == "extrinsic"
        for c, o in zip(dataset.resistance["classes"], dataset.resistance["origin"], strict=True)
    )
    assert summary.startswith(f"{wanted} resistance mechanisms")
    with pytest.raises(KeyError):
        ex.update(colour="red")


def test_a_failing_draw_becomes_a_message():
    def draw(x):
        raise ValueError("boom")

    ex = widgets.Explorer(draw, {"x": widgets.Choice("X:", (("one", 1),), 1)}, title="Broken")
    assert "Could not draw this selection: ValueError: boom" in ex._repr_mimebundle_()["text/html"]


# ---------------------------------------------------------------------------
# the explorers filter what the tables say


def test_side_effects_follow_the_therapy_hierarchy(dataset):
    ex = widgets.side_effects_explorer(dataset)
    rows = dataset.side_effects

    def shown_ids(**values):
        fig = ex.update(**values)
        return {i for t in fig.data if t.type == "bar" for i in t.customdata}

    pd1 = shown_ids(therapy="pd1_inhibitor", organ="all")
    assert "colitis-pd1" in pd1 and "nephritis-ici" in pd1, "general checkpoint rows apply to PD-1 inhibitors"
    assert "colitis-ctla4" not in pd1 and "crs-car-t" not in pd1
    every_checkpoint = shown_ids(therapy="checkpoint_inhibitor")
    assert {"colitis-ctla4", "colitis-pd1"} <= every_checkpoint and "crs-car-t" not in every_checkpoint
    skin = shown_ids(therapy="all", organ="skin")
    assert skin == set(rows.loc[rows["organ"] == "skin", "id"])
    assert isinstance(ex.update(organ="eye", therapy="car_t"), widgets.Html)


def test_combinations_filter_by_partner_and_status(dataset):
    """Every partner and status, alone and together, shows exactly the combinations that have them: in the
    matrix's counts and columns and in its data table; a pair that no combination has says so."""
    co = dataset.combinations
    ex = widgets.combinations_explorer(dataset, status="failed")
    assert "Status: Failed (" in ex.static_html()
    assert {row[3] for row in ex.current.layout.meta["table"]["rows"]} == {"failed"}
    partners = [v for _, v in ex.controls["partner"].options]
    statuses = [v for _, v in ex.controls["status"].options]
    assert partners[1:] == sorted(set(co["partner"].astype(str)), key=list(co["partner"].cat.categories).index)
    assert statuses[0] == "all" and set(statuses[1:]) == set(co["status"].astype(str))
    empty = 0
    for partner, status in itertools.product(partners, statuses):
        wanted = co[((co["partner"] == partner) | (partner == "all")) & ((co["status"] == status) | (status == "all"))]
        shown = ex.update(partner=partner, status=status)
        if wanted.empty:
            empty += 1
            assert isinstance(shown, widgets.Html) and "No combination in the tables" in shown.html
            continue
        heat = shown.data[0]
        assert sum(int(str(t).split()[0]) for row in heat.text for t in row if t) == len(wanted), (partner, status)
        assert set(heat.x) == {_words(p) for p in wanted["partner"].astype(str)}  # the columns: those partners
        assert sorted(r[2] for r in shown.layout.meta["table"]["rows"]) == sorted(wanted["label"])
    assert empty, "some partner has no combination of some status: the message is checked too"
    with pytest.raises(KeyError, match="no status option 'rejected'"):
        widgets.combinations_explorer(dataset, status="rejected")


@pytest.mark.parametrize("kind", ["timeline", "resistance", "side_effects", "combinations"])
def test_every_option_shows_the_rows_it_counts(dataset, kind):
    """A dropdown option says how many rows it keeps ("Skin (4)"): choosing it alone draws that many."""
    ex = widgets.chart_explorer(dataset, kind)
    table = getattr(dataset, charts.KINDS[kind].rows)
    for keyword, control in ex.controls.items():
        if not isinstance(control, widgets.Choice):
            continue
        for label, value in control.options:
            shown = ex.update(**{**{k: c.value for k, c in ex.controls.items()}, keyword: value})
            drawn = 0 if isinstance(shown, widgets.Html) else len(shown.layout.meta["table"]["rows"])
            assert drawn == (len(table) if value == "all" else _count(label)), f"{kind}: {label!r}"
            assert not label.endswith(")") or drawn == _count(label), f"{kind}: {label!r}"


def test_a_chart_and_its_explorer_take_their_title_from_charts_csv(tiny_copy, edit_table):
    """A course author retitles a chart in charts.csv: its figure and its explorer follow; a kind of chart
    that charts.csv does not declare keeps its own title."""
    declared = 'resistance,resistance,Resistance pathways,"Resistance pathways: class, mechanism, therapy",'
    edit_table(tiny_copy, "charts", find=declared, replace="resistance,resistance,How tumours resist,,")
    ds = data.load(tiny_copy)
    assert charts.resistance_figure(ds).layout.title.text == "How tumours resist"
    assert widgets.resistance_explorer(ds).title == "How tumours resist"
    assert (
        "How tumours resist. Drawn for Class of resistance: All classes"
        in widgets.resistance_explorer(ds).static_html()
    )
    lines = (tiny_copy / "charts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    edit_table(tiny_copy, "charts", text="".join(x for x in lines if not x.startswith("resistance,")))
    undeclared = data.load(tiny_copy)
    assert widgets.resistance_explorer(undeclared).title == charts.KINDS["resistance"].title == "Resistance pathways"


def test_map_explorer_builds_maps_on_demand_and_keeps_them(dataset):
    ex = widgets.map_explorer(dataset, ["checkpoints", "cycle"])
    assert ex.current.page.id == "checkpoints"
    first = ex.current
    big = ex.update(view="cycle", presenter=True)
    assert big.page.id == "cycle" and big.page.presenter
    assert ex.update(view="checkpoints", presenter=False) is first
    assert '<iframe class="immunoviz-map"' in ex.static_html()
    with pytest.raises(KeyError):
        widgets.map_explorer(dataset, ["nowhere"])


def test_story_explorer_shows_caption_and_new_concepts(dataset):
    ex = widgets.story_explorer(dataset, "three_es", step=2)
    html = ex.current.html
    assert "Step 2 of" in html and "Elimination" in html
    assert "<script" not in html


def test_biomarker_card_links_its_sources(dataset):
    card = widgets.biomarker_explorer(dataset, biomarker="tmb_high").current.html
    assert "High tumour mutational burden" in card
    for link in dataset.source_links(
        dataset.biomarkers.loc[dataset.biomarkers["concept"] == "tmb_high", "sources"].iloc[0]
    ):
        assert link["url"] in card


def test_everything_escapes_table_text(tiny_dataset):
    ds = tiny_dataset
    concepts = ds.concepts.copy()
    concepts.loc["pd1", "summary"] = "<img src=x onerror=alert(1)>"
    hostile = type(ds)(ds.root, ds.name, ds.title, ds.version, {**ds.tables, "concepts": concepts})
    html = widgets.story_explorer(hostile, "checkpoints", step=2).current.html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
