"""The command line: exit codes 0 / 1 / 2, one clear line for user errors, never a traceback.

Most tests call ``viz.cli.main`` in this process (quick); one runs the installed command in a
subprocess, to check the process boundary itself: the entry point, exit code and streams.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import immunoviz


@pytest.mark.parametrize("command", [[], ["validate"], ["build"], ["map"], ["timeline"], ["history"]])
def test_help_for_every_command(capsys, command):
    code, out, _ = immunoviz(capsys, *command, "--help")
    assert code == 0
    assert "usage: immunoviz" in out


def test_wrong_usage_exits_2(capsys):
    assert immunoviz(capsys, "frobnicate")[0] == 2
    assert immunoviz(capsys, "build", "--nope")[0] == 2
    assert immunoviz(capsys)[0] == 2


def test_missing_data_folder_is_a_user_error(capsys, tmp_path):
    code, _, err = immunoviz(capsys, "build", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "site"))
    assert code == 1
    assert "no such data folder" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_map_writes_one_self_contained_file(capsys, tmp_path, tiny_copy):
    out = tmp_path / "m.html"
    code, _, err = immunoviz(capsys, "map", "checkpoints", "--data", str(tiny_copy), "--out", str(out), "--presenter")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "vis.Network" in html and '<script src="' not in html
    assert "presenter" in html.split("<body", 1)[1].split(">", 1)[0]
    assert not (tmp_path / "lib").exists() and not (tiny_copy.parent / "lib").exists(), "no lib/ folder, unlike pyvis"


def test_map_unknown_view_lists_the_views(capsys, tiny_copy, tmp_path):
    code, _, err = immunoviz(capsys, "map", "nope", "--data", str(tiny_copy), "--out", str(tmp_path / "x.html"))
    assert code == 1
    assert err.strip() == "immunoviz: error: no view 'nope'; the views are: checkpoints, everything"


def test_timeline_writes_one_file(capsys, tiny_copy, tmp_path):
    out = tmp_path / "t.html"
    code, _, err = immunoviz(capsys, "timeline", "--data", str(tiny_copy), "--out", str(out))
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and '<script src="' not in html


@pytest.mark.slow  # runs immunoviz in a new process
def test_the_installed_command_reports_a_data_error_without_traceback(tiny_copy):
    """The process boundary: the console script runs, prints the problem on stderr and exits 1."""
    (tiny_copy / "views.csv").write_text("id\n", encoding="utf-8")
    command = Path(sys.executable).with_name("immunoviz")
    result = subprocess.run([command, "validate", "--data", tiny_copy], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "views.csv" in result.stderr and "Traceback" not in result.stderr and result.stdout == ""
