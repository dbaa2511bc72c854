"""The command line: exit codes 0 / 1 / 2, one clear line for user errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def immunoviz(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "viz.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.mark.parametrize("command", [[], ["validate"], ["build"], ["map"], ["timeline"], ["history"]])
def test_help_for_every_command(command):
    result = immunoviz(*command, "--help")
    assert result.returncode == 0
    assert "usage: immunoviz" in result.stdout


def test_wrong_usage_exits_2():
    assert immunoviz("frobnicate").returncode == 2
    assert immunoviz("build", "--nope").returncode == 2
    assert immunoviz().returncode == 2


def test_missing_data_folder_is_a_user_error(tmp_path):
    result = immunoviz("build", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "no such data folder" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_map_writes_one_self_contained_file(tmp_path, tiny_copy):
    out = tmp_path / "m.html"
    result = immunoviz("map", "checkpoints", "--data", str(tiny_copy), "--out", str(out), "--presenter")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "vis.Network" in html and '<script src="' not in html
    assert "presenter" in html.split("<body", 1)[1].split(">", 1)[0]
    assert not (tmp_path / "lib").exists() and not (tiny_copy.parent / "lib").exists(), "no lib/ folder, unlike pyvis"


def test_map_unknown_view_lists_the_views(tiny_copy, tmp_path):
    result = immunoviz("map", "nope", "--data", str(tiny_copy), "--out", str(tmp_path / "x.html"))
    assert result.returncode == 1
    assert result.stderr.strip() == "immunoviz: error: no view 'nope'; the views are: checkpoints, everything"


def test_timeline_writes_one_file(tiny_copy, tmp_path):
    out = tmp_path / "t.html"
    result = immunoviz("timeline", "--data", str(tiny_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and '<script src="' not in html
