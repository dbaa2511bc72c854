"""Graphs, views and layouts: pure, deterministic, and true to the tables."""

from __future__ import annotations

import pytest

from viz import graph


def test_concept_graph_holds_every_concept_and_relation(tiny_dataset):
    g = graph.concept_graph(tiny_dataset)
    assert set(g.nodes) == set(tiny_dataset.concepts["id"])
    assert g.number_of_edges() == len(tiny_dataset.relations)
    assert g.nodes["pd1"]["label"] == "PD-1"
    assert g.nodes["pd1"]["first_year"] == 1992  # from the event that names it
    assert g.nodes["melanoma"]["first_year"] == 2010
    assert g.nodes["tumour_cell"]["first_year"] is None
    assert g.edges["pdl1", "pd1", "binds"]["sources"] == ("pmid-11015443",)


def test_view_graph_is_the_listed_concepts_with_steps(tiny_dataset):
    v = graph.view_graph(tiny_dataset, "checkpoints")
    listed = tiny_dataset.view_concepts.query("view == 'checkpoints'")
    assert set(v.nodes) == set(listed["concept"])
    assert v.nodes["ipilimumab"]["step"] == 4
    assert v.graph["steps"][0] == "A killer T cell meets a tumour cell."
    assert v.graph["title"].startswith("Checkpoints")
    # every edge of the view is a relation between two of its concepts
    for a, b, _key in v.edges(keys=True):
        assert a in v and b in v


def test_everything_view_shows_all_concepts_at_once(tiny_dataset):
    """The map of everything is drawn in regions, all at once: it tells no story unless steps.csv gives it one."""
    v = graph.view_graph(tiny_dataset, "everything")
    assert set(v.nodes) == set(tiny_dataset.concepts["id"])
    assert {v.nodes[n]["step"] for n in v.nodes} == {1}
    assert len(v.graph["steps"]) <= 1


def test_unknown_view_names_the_views(tiny_dataset):
    with pytest.raises(KeyError, match="checkpoints, everything"):
        graph.view_graph(tiny_dataset, "nope")
