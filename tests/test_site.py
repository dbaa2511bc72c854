"""The build is incremental: what did not change is neither made again nor written again,
and a build that reuses nothing gives the same bytes as one that reuses everything it can."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import TINY

from viz import data, history, site

pytestmark = pytest.mark.slow  # every test builds the tiny site, then builds again (left out of `make check`)


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a file that was not written keeps both."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def edit(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny dataset and its site, built once per module (without images)."""
    root = tmp_path_factory.mktemp("first-build")
    shutil.copytree(TINY, root / "data")
    site.build_site(data.load(root / "data"), root / "site", images=False)
    return root / "data", root / "site"


@pytest.fixture
def built(first_build, tmp_path) -> tuple[Path, Path]:
    """A writable copy of :func:`first_build`'s tables and site (files, times and manifest as built): a
    build elsewhere reads nothing of where it was made."""
    folder, out = tmp_path / "data", tmp_path / "site"
    shutil.copytree(first_build[0], folder)
    shutil.copytree(first_build[1], out)
    return folder, out


def test_second_build_with_nothing_changed_makes_and_writes_nothing(built):
    folder, out = built
    before = stats(out)
    report = site.build_site(data.load(folder), out, images=False)
    assert report.made == [] and report.written == []
    assert sorted(report.kept) == sorted(before)
    assert stats(out) == before, "every file keeps its inode and modification time"


def test_editing_a_relation_note_rewrites_only_the_pages_that_show_it(built):
    folder, out = built
    before = stats(out)
    edit(folder, "relations", "It binds CTLA-4 and stops it from braking T cells.", "It holds CTLA-4 off B7.")
    ds = data.load(folder)
    shows_it = {
        f"maps/{view}.html"
        for view in ds.views["id"]
        if ds.views.loc[view, "selection"] == "all"
        or {"ipilimumab", "ctla4"} <= set(ds.view_concepts.loc[ds.view_concepts["view"] == view, "concept"])
    }
    if f"maps/{history.default_view(ds)}.html" in shows_it:  # the history page shows that map
        shows_it.add("history.html")
    # and the lectures of those maps' topics (their speaker notes say it)
    shows_it |= {f"slides/{ds.views.loc[m[5:-5], 'topic']}.html" for m in shows_it if m.startswith("maps/")}
    report = site.build_site(ds, out, images=False)
    assert set(report.written) == shows_it | {site.SITE_MARKER}, "the manifest records the new pages"
    after = stats(out)
    assert {name for name in after if after[name] != before.get(name)} == set(report.written)


def test_changing_one_table_makes_only_the_pages_that_read_it(built):
    folder, out = built
    edit(folder, "side_effects", "Diarrhoea and bowel inflammation.", "Diarrhoea with cramps and bowel inflammation.")
    report = site.build_site(data.load(folder), out, images=False)
    assert report.made == ["charts/side-effects.html", "slides/clinical.html"]  # and the lecture that shows it


def test_an_incremental_build_gives_the_bytes_of_a_clean_one(built, tmp_path, monkeypatch):
    folder, out = built
    edit(folder, "concepts", "pd1,PD-1,", "pd1,PD-1 receptor,")
    site.build_site(data.load(folder), out, images=False)
    monkeypatch.setenv("IMMUNOVIZ_CACHE", str(tmp_path / "empty-cache"))
    clean = site.build_site(data.load(folder), tmp_path / "clean", images=False)
    assert clean.kept == []
    assert tree_hashes(out) == tree_hashes(tmp_path / "clean")


def test_a_new_version_of_immunoviz_makes_every_page_again(built, monkeypatch):
    folder, out = built
    from viz import cache

    monkeypatch.setattr(cache, "code_fingerprint", lambda *within: "another version")
    report = site.build_site(data.load(folder), out, images=False)
    pages = [str(p.relative_to(out)) for p in out.rglob("*.html") if p.parent.name in ("maps", "charts", "slides")]
    assert sorted(report.made) == sorted([*pages, "history.html"])


def test_a_damaged_manifest_means_a_clean_build(built):
    folder, out = built
    (out / site.SITE_MARKER).write_text("not json", encoding="utf-8")
    report = site.build_site(data.load(folder), out, images=False)
    assert report.kept == [] and report.made


@pytest.mark.skipif(not hasattr(os, "link"), reason="no hard links here")
def test_kept_files_are_linked_not_copied(built):
    folder, out = built
    inode = (out / "assets" / "plotly.min.js").stat().st_ino
    site.build_site(data.load(folder), out, images=False)
    assert (out / "assets" / "plotly.min.js").stat().st_ino == inode
