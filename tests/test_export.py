"""The site: atomic, reproducible, and never destroys what it did not write."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from viz import data, export, render
from viz.site import build_site


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow  # builds the tiny site
def test_site_layout(tiny_dataset, tmp_path):
    index = build_site(tiny_dataset, tmp_path / "site", images=False).index
    site = index.parent
    assert index.name == "index.html"
    for name in (
        "maps/checkpoints.html",
        "maps/everything.html",
        "charts/timeline.html",
        "assets/vis-network.min.js",
        "assets/plotly.min.js",
        "images/map-checkpoints.svg",
    ):
        assert (site / name).is_file(), name
    page = (site / "maps/checkpoints.html").read_text(encoding="utf-8")
    assert '<script src="../assets/vis-network.min.js"></script>' in page
    assert len(page) < 100_000, "site pages share the libraries instead of inlining them"


@pytest.mark.slow  # builds the tiny site twice
def test_two_builds_are_byte_identical(tiny_dataset, tmp_path, monkeypatch):
    a = tree_hashes(build_site(tiny_dataset, tmp_path / "a", images=False).index.parent)
    monkeypatch.setenv("IMMUNOVIZ_CACHE", "off")  # the second computes its layouts again
    b = tree_hashes(build_site(tiny_dataset, tmp_path / "b", images=False).index.parent)
    assert a == b


@pytest.mark.slow  # builds the tiny site twice
def test_rebuild_replaces_the_previous_site(tiny_dataset, tmp_path):
    out = tmp_path / "site"
    build_site(tiny_dataset, out, images=False)
    (out / "maps" / "stale.html").write_text("old")
    build_site(tiny_dataset, out, images=False)
    assert not (out / "maps" / "stale.html").exists()
    assert not list(tmp_path.glob(".site.*")), "no temporary folders left behind"


@pytest.mark.slow  # builds the tiny site, then builds over it
def test_failed_build_leaves_the_previous_site_untouched(tiny_dataset, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(tiny_dataset, out, images=False)
    before = tree_hashes(out)

    from viz import charts

    def broken(ds):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "charts"))

    monkeypatch.setattr(charts, "site_charts", broken)
    with pytest.raises(export.ExportError, match="the disk is full; free some space and build again"):
        build_site(tiny_dataset, out, images=False)
    assert tree_hashes(out) == before
    assert not list(tmp_path.glob(".site.*"))


@pytest.mark.slow  # builds the tiny site, then builds over it
def test_data_error_mid_build_changes_nothing(tiny_copy, tmp_path, edit_table):
    out = tmp_path / "site"
    build_site(data.load(tiny_copy), out, images=False)
    before = tree_hashes(out)
    edit_table(tiny_copy, "concepts", find="pd1,PD-1,molecule,", replace="pd1,PD-1,moleculs,")
    from viz.cli import main

    assert main(["build", "--data", str(tiny_copy), "--out", str(out), "--no-images"]) == 1
    assert tree_hashes(out) == before


def test_unwritable_output_folder_is_explained(tiny_dataset, tmp_path):
    if os.geteuid() == 0:  # root (as in CI containers) writes anywhere but where the kernel says no: sysfs
        with pytest.raises(export.ExportError, match=r"permission denied|read-only"):
            build_site(tiny_dataset, Path("/sys/immunoviz-site"), images=False)
        return
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(export.ExportError, match="permission denied"):
            build_site(tiny_dataset, locked / "site", images=False)
    finally:
        locked.chmod(0o700)


def test_refuses_to_replace_a_folder_it_did_not_write(tiny_dataset, tmp_path):
    home = tmp_path / "Documents"
    home.mkdir()
    (home / "thesis.docx").write_text("precious")
    with pytest.raises(export.ExportError, match="refusing to replace it"):
        build_site(tiny_dataset, home, images=False)
    assert (home / "thesis.docx").read_text() == "precious"


def test_write_is_atomic_and_utf8(tmp_path):
    path = export.write_text(tmp_path / "x.html", "Köhler – “quotes” – 免疫")
    assert path.read_bytes().decode("utf-8") == "Köhler – “quotes” – 免疫"
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]


def test_json_for_script_cannot_close_the_script():
    text = render.json_for_script({"a": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text and "\u2028" not in text
    import json

    assert json.loads(text) == {"a": "</script><!-- & \u2028"}
