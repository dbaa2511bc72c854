"""Interactive controls: live widgets where a front end can show them, a static figure everywhere else."""

from __future__ import annotations

import sys

import pandas as pd
import plotly.io as pio
import pytest

from viz import data, widgets
from viz.paths import DATA_DIR
from viz.widgets import WIDGET_VIEW

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def plotly_renderers(monkeypatch):
    """The renderers the notebooks choose (viz.notebook.setup_plotly), without displaying plotly.js here."""
    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")


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


def test_static_figure_draws_offline_when_plotly_gives_no_html(dataset, monkeypatch):
    monkeypatch.setattr(pio.renderers, "default", "json")  # a renderer without HTML
    html = widgets.timeline_explorer(dataset, therapy="bcg").static_html()
    assert "Plotly.newPlot" in html and '<script src="http' not in html
    assert len(html) > 1_000_000, "plotly.js is inline"


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


def test_timeline_options_cover_every_event_once(dataset):
    ex = widgets.timeline_explorer(dataset)
    options = dict((v, k) for k, v in ex.controls["therapy"].options)
    singles = [v for v in options if v not in ("all", "general") and not v.startswith("family:")]
    counted = sum(_n_events(ex.update(therapy=v)) for v in singles) + _n_events(ex.update(therapy="general"))
    assert counted == len(dataset.events)
    assert options["family:checkpoint_inhibitor"].startswith("Checkpoint inhibitors: every class")
    assert options["pd1_inhibitor"].startswith(widgets.INDENT), "classes are indented under their family"


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
    ex = widgets.combinations_explorer(dataset, status="failed")
    summary = ex.current.layout.meta["summary"][0]
    assert summary.startswith(f"{int((dataset.combinations['status'] == 'failed').sum())} combinations")


def test_map_explorer_builds_maps_on_demand_and_keeps_them(dataset):
    ex = widgets.map_explorer(dataset, ["checkpoints", "cycle"])
    assert ex.current.page["id"] == "checkpoints"
    first = ex.current
    big = ex.update(view="cycle", presenter=True)
    assert big.page["id"] == "cycle" and big.page["presenter"]
    assert ex.update(view="checkpoints", presenter=False) is first
    assert '<iframe class="immunoviz-map"' in ex.static_html()
    with pytest.raises(KeyError):
        widgets.map_explorer(dataset, ["nowhere"])


def test_story_table_follows_steps_and_view_concepts(dataset):
    story = widgets.story_table(dataset, "cycle")
    steps = dataset.steps[dataset.steps["view"] == "cycle"]
    members = dataset.view_concepts[dataset.view_concepts["view"] == "cycle"]
    assert list(story["step"]) == list(range(1, len(steps) + 1))
    assert list(story["caption"]) == list(steps["caption"])
    for row in story.itertuples():
        assert set(row.concepts) == set(members.loc[members["step"] == row.step, "concept"])


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


def test_therapy_tree_sorts_classes_under_the_two_families(dataset):
    tree = widgets.therapy_tree(dataset)
    assert list(tree) == ["Active immunotherapy", "Passive immunotherapy"]
    assert "PD-1 inhibitors" in tree["Active immunotherapy"]["Checkpoint inhibitors"]
    assert "CAR-T cell therapy" in tree["Passive immunotherapy"]["Adoptive cell therapy"]
    assert "mRNA cancer vaccines" in tree["Active immunotherapy"]["Cancer vaccines"], "narrower classes at any depth"


def test_class_members_lists_products_with_targets_and_first_approval(dataset):
    drugs = widgets.class_members(dataset, ["ctla4_inhibitor", "car_t"])
    ipi = drugs.set_index("id").loc["ipilimumab"]
    assert ipi["class"] == "ctla4_inhibitor" and ipi["targets"] == ["CTLA-4"] and ipi["first_approval"] == 2011
    car_t = drugs[drugs["class"] == "car_t"]
    assert list(car_t["first_approval"]) == sorted(car_t["first_approval"])
    assert set(drugs["class"]) == {"ctla4_inhibitor", "car_t"}


def test_everything_escapes_table_text(tiny_dataset):
    ds = tiny_dataset
    concepts = ds.concepts.copy()
    concepts.loc["pd1", "summary"] = "<img src=x onerror=alert(1)>"
    hostile = type(ds)(ds.root, ds.name, ds.title, ds.version, {**ds.tables, "concepts": concepts})
    html = widgets.story_explorer(hostile, "checkpoints", step=2).current.html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# ---------------------------------------------------------------------------
# build your own


def test_add_rows_appends_valid_rows(tiny_copy):
    widgets.add_rows(
        tiny_copy,
        "relations",
        [
            {
                "from": "ctla4_inhibitor",
                "relation": "treats",
                "to": "melanoma",
                "note": "Ipilimumab, a CTLA-4 antibody, lengthened survival in advanced melanoma.",
                "sources": ["pmid-20525992"],
            }
        ],
    )
    assert data.validate(tiny_copy) == []
    rels = data.load(tiny_copy).relations
    assert ((rels["from"] == "ctla4_inhibitor") & (rels["to"] == "melanoma")).any()


def test_add_rows_joins_lists_and_reports_unknown_columns(tiny_copy):
    path = widgets.add_rows(
        tiny_copy,
        "view_concepts",
        [{"view": "everything", "concept": "pd1", "step": 1, "rank": None}],
    )
    assert path.read_text(encoding="utf-8").endswith("everything,pd1,1,\n")
    widgets.add_rows(tiny_copy, "events", [{"id": "e", "concepts": ["pd1", "pdl1"], "milestone": False}])
    assert (tiny_copy / "events.csv").read_text(encoding="utf-8").endswith("e,,,,,,,,pd1;pdl1,,false,\n")
    with pytest.raises(KeyError, match="no column"):
        widgets.add_rows(tiny_copy, "concepts", [{"id": "x", "colour": "red"}])
    with pytest.raises(KeyError, match="no table"):
        widgets.add_rows(tiny_copy, "drugs", [])


def test_a_broken_row_is_reported_with_file_row_and_hint(tiny_copy):
    widgets.add_rows(
        tiny_copy,
        "relations",
        [{"from": "ipilimumab", "relation": "blocks", "to": "ctla_4", "note": "Typo.", "sources": "pmid-8596936"}],
    )
    (problem,) = data.validate(tiny_copy)
    assert problem.file.endswith("relations.csv") and problem.column == "to"
    assert "'ctla_4' is not an id in concepts.csv" in str(problem) and "ctla4" in problem.hint


def test_the_project_data_is_never_edited():
    with pytest.raises(PermissionError):
        widgets.add_rows(DATA_DIR, "concepts", [])


def test_copy_dataset_and_discard_copy(tiny_dataset, tmp_path):
    copy = widgets.copy_dataset(tiny_dataset.root)
    try:
        assert copy.name == "data" and (copy / "datapackage.json").is_file()
        assert sorted(p.stem for p in copy.glob("*.csv")) == sorted(data.TABLES)
        assert data.validate(copy) == []
        with pytest.raises(FileExistsError):
            widgets.copy_dataset(tiny_dataset.root, copy)
    finally:
        widgets.discard_copy(copy)
    assert not copy.parent.exists()
    mine = widgets.copy_dataset(tiny_dataset.root, tmp_path / "mine")
    with pytest.raises(PermissionError):
        widgets.discard_copy(mine)


def test_helpers_return_frames(dataset):
    assert isinstance(widgets.story_table(dataset, "landscape"), pd.DataFrame)
    with pytest.raises(KeyError):
        widgets.story_table(dataset, "nowhere")
