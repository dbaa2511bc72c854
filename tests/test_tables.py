"""The build-your-own lesson's copy of the tables: append rows, validate, never touch data/."""

from __future__ import annotations

import pytest

from viz import data, tables
from viz.paths import DATA_DIR


def test_add_rows_appends_valid_rows(tiny_copy):
    tables.add_rows(
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
    path = tables.add_rows(
        tiny_copy,
        "view_concepts",
        [{"view": "everything", "concept": "pd1", "step": 1, "rank": None}],
    )
    assert path.read_text(encoding="utf-8").endswith("everything,pd1,1,\n")
    tables.add_rows(tiny_copy, "events", [{"id": "e", "concepts": ["pd1", "pdl1"], "milestone": False}])
    assert (tiny_copy / "events.csv").read_text(encoding="utf-8").endswith("e,,,,,,,,pd1;pdl1,,false,\n")
    with pytest.raises(KeyError, match="no column"):
        tables.add_rows(tiny_copy, "concepts", [{"id": "x", "colour": "red"}])
    with pytest.raises(KeyError, match="no table"):
        tables.add_rows(tiny_copy, "drugs", [])


def test_a_broken_row_is_reported_with_file_row_and_hint(tiny_copy):
    tables.add_rows(
        tiny_copy,
        "relations",
        [{"from": "ipilimumab", "relation": "blocks", "to": "ctla_4", "note": "Typo.", "sources": "pmid-8596936"}],
    )
    (problem,) = data.validate(tiny_copy)
    assert problem.file.endswith("relations.csv") and problem.column == "to"
    assert "'ctla_4' is not an id in concepts.csv" in str(problem) and "ctla4" in problem.hint


def test_the_project_data_is_never_edited():
    with pytest.raises(PermissionError):
        tables.add_rows(DATA_DIR, "concepts", [])


def test_copy_dataset_and_discard_copy(tiny_dataset, tmp_path):
    copy = tables.copy_dataset(tiny_dataset.root)
    try:
        assert copy.name == "data" and (copy / "datapackage.json").is_file()
        assert sorted(p.stem for p in copy.glob("*.csv")) == sorted(set(data.TABLES) - data.OPTIONAL_TABLES)
        assert data.validate(copy) == []
        with pytest.raises(FileExistsError):
            tables.copy_dataset(tiny_dataset.root, copy)
    finally:
        tables.discard_copy(copy)
    assert not copy.parent.exists()
    mine = tables.copy_dataset(tiny_dataset.root, tmp_path / "mine")
    with pytest.raises(PermissionError):
        tables.discard_copy(mine)
