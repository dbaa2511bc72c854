"""Lectures from the tables: the vendored reveal.js, decks.csv, and the deck `immunoviz slides` writes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from viz import data
from viz.paths import SCAFFOLD_DIR

ROOT = Path(__file__).resolve().parents[1]
REVEAL = ROOT / "src" / "viz" / "vendor" / "reveal"
PINNED = json.loads((REVEAL / "pinned.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# the vendored reveal.js


def test_vendored_reveal_is_the_pinned_release():
    """Every vendored file has the hash recorded for the pinned npm release, and the release pinned here is the one
    package.json and package-lock.json pin (npm checks the tarball's integrity when `make test` installs it)."""
    assert sorted(p.name for p in REVEAL.iterdir()) == sorted([*PINNED["files"], "pinned.json", "README.md"])
    for name, pin in PINNED["files"].items():
        assert hashlib.sha256((REVEAL / name).read_bytes()).hexdigest() == pin["sha256"], f"{name} was changed"
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]["node_modules/reveal.js"]
    assert package["devDependencies"]["reveal.js"] == lock["version"] == PINNED["version"]
    assert lock["integrity"] == PINNED["integrity"]
    readme = (REVEAL / "README.md").read_text(encoding="utf-8")
    assert f"reveal.js {PINNED['version']}" in readme
    assert all(pin["sha256"] in readme for pin in PINNED["files"].values()), "the README lists every file's hash"
    assert "MIT" in (REVEAL / "LICENSE").read_text(encoding="utf-8")


def test_vendored_reveal_matches_the_installed_release():
    """The files are byte for byte those of the release npm installed (and verified) into node_modules/."""
    installed = ROOT / "node_modules" / "reveal.js"
    if not installed.is_dir():
        pytest.skip("node_modules/reveal.js is not installed (make test installs it with npm ci)")
    assert json.loads((installed / "package.json").read_text(encoding="utf-8"))["version"] == PINNED["version"]
    for name, pin in PINNED["files"].items():
        assert (REVEAL / name).read_bytes() == (installed / pin["from"]).read_bytes(), name


# ---------------------------------------------------------------------------
# decks.csv


def test_decks_table_is_optional(tiny_copy):
    """A dataset without decks.csv (and whose datapackage.json does not describe it) loads, with no decks."""
    assert not (tiny_copy / "decks.csv").exists()
    descriptor = json.loads((tiny_copy / "datapackage.json").read_text(encoding="utf-8"))
    assert "decks" not in {r["name"] for r in descriptor["resources"]}
    ds = data.load(tiny_copy)
    assert ds.decks.empty and list(ds.decks.columns) == ["deck", "order", "kind", "ref", "step"]


def test_the_new_dataset_has_an_example_deck():
    ds = data.load(SCAFFOLD_DIR)
    assert list(ds.decks["kind"]) == ["view", "chart", "history"]
    assert set(ds.decks["deck"]) == {"lecture"}


def bad_decks(folder: Path) -> Path:
    shutil.copytree(SCAFFOLD_DIR, folder)
    (folder / "decks.csv").write_text(
        "deck,order,kind,ref,step\n"
        "lecture,1,view,water_cycl,\n"  # a misspelt view
        "lecture,2,view,water_cycle,9\n"  # a step the view does not have
        "lecture,3,chart,timelin,\n"  # a misspelt chart
        "lecture,4,chart,timeline,2\n"  # a chart has no steps
        "lecture,5,slideshow,water_cycle,\n",  # not a kind
        encoding="utf-8",
    )
    return folder


def test_a_wrong_deck_is_refused_with_file_row_column(tmp_path):
    found = [str(p) for p in data.validate(bad_decks(tmp_path / "data"))]
    where = str(tmp_path / "data" / "decks.csv")
    assert found == [
        f"{where}:2:ref: 'water_cycl' is not an id in views.csv (hint: did you mean 'water_cycle'?)",
        f"{where}:3:step: view 'water_cycle' has no step 9 (hint: its steps are 1 to 3)",
        f"{where}:4:ref: 'timelin' is not an id in charts.csv (hint: did you mean 'timeline'?)",
        f"{where}:5:step: a chart part has no steps (hint: leave step empty)",
        f"{where}:6:kind: 'slideshow' is not one of: view, chart, history (hint: "
        + data._own_resource("decks")["schema"]["fields"][2]["description"]
        + ")",
    ]
