"""Questions asked of the tables: the therapy hierarchy, class members, story steps, first years."""

from __future__ import annotations

import pandas as pd
import pytest

from viz import queries


def test_story_table_follows_steps_and_view_concepts(dataset):
    story = queries.story_table(dataset, "cycle")
    steps = dataset.steps[dataset.steps["view"] == "cycle"]
    members = dataset.view_concepts[dataset.view_concepts["view"] == "cycle"]
    assert list(story["step"]) == list(range(1, len(steps) + 1))
    assert list(story["caption"]) == list(steps["caption"])
    for row in story.itertuples():
        assert set(row.concepts) == set(members.loc[members["step"] == row.step, "concept"])


def test_therapy_tree_sorts_classes_under_the_two_families(dataset):
    tree = queries.therapy_tree(dataset)
    assert list(tree) == ["Active immunotherapy", "Passive immunotherapy"]
    assert "PD-1 inhibitors" in tree["Active immunotherapy"]["Checkpoint inhibitors"]
    assert "CAR-T cell therapy" in tree["Passive immunotherapy"]["Adoptive cell therapy"]
    assert "mRNA cancer vaccines" in tree["Active immunotherapy"]["Cancer vaccines"], "narrower classes at any depth"


def test_class_members_lists_products_with_targets_and_first_approval(dataset):
    drugs = queries.class_members(dataset, ["ctla4_inhibitor", "car_t"])
    ipi = drugs.set_index("id").loc["ipilimumab"]
    assert ipi["class"] == "ctla4_inhibitor" and ipi["targets"] == ["CTLA-4"] and ipi["first_approval"] == 2011
    car_t = drugs[drugs["class"] == "car_t"]
    assert list(car_t["first_approval"]) == sorted(car_t["first_approval"])
    assert set(drugs["class"]) == {"ctla4_inhibitor", "car_t"}


def test_helpers_return_frames(dataset):
    assert isinstance(queries.story_table(dataset, "landscape"), pd.DataFrame)
    with pytest.raises(KeyError):
        queries.story_table(dataset, "nowhere")
