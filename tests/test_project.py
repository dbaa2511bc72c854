"""The project's own promises: one environment, stripped notebooks, a self-documenting Makefile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: conda-forge names that differ from PyPI names
CONDA_NAMES = {"igraph": "python-igraph", "jupyter-client": "jupyter_client"}
#: Imports the code guards with ``except ImportError`` (and why it may go without them).
OPTIONAL_IMPORTS = {"ipywidgets": "widgets fall back to static HTML without it"}


def _pyproject_requirements() -> dict[str, SpecifierSet]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in meta["dependencies"] + meta["optional-dependencies"]["dev"]]
    return {CONDA_NAMES.get(r.name.lower(), r.name.lower()): r.specifier for r in reqs}


def _environment_requirements() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = re.match(r"([A-Za-z0-9_.-]+)\s*([^#]*)", dep).groups()
            if name not in ("python", "pip"):
                found[name.lower()] = SpecifierSet(spec.replace(" ", ""))
    return found


def test_environment_yml_matches_pyproject():
    assert _environment_requirements() == _pyproject_requirements()


def test_every_package_the_code_imports_is_declared():
    """A fresh .venv gets only what pyproject.toml lists: an import of anything else fails there."""
    import ast
    from importlib.metadata import packages_distributions

    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    declared = {re.sub(r"[-_.]+", "-", Requirement(r).name).lower() for r in declared}
    dists = packages_distributions()
    missing = {}
    for path in sorted((ROOT / "src" / "viz").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "viz" or top in OPTIONAL_IMPORTS:
                    continue
                owners = {re.sub(r"[-_.]+", "-", d).lower() for d in dists.get(top, [top])}
                if not owners & declared:
                    missing.setdefault(top, path.name)
    assert not missing, f"imported but not in [project] dependencies: {missing}"


def test_environment_yml_installs_the_project_with_dev_extras():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert pip == ["-e .[dev]"]
    assert env["dependencies"][-1] == {"pip": ["-e .[dev]"]}, "environment.yml ends with pip: - -e .[dev]"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_stripped(path):
    """Only outputs that nbval checks are kept (cells with keep_output metadata)."""
    import copy

    from nbstripout import strip_output

    nb = nbformat.read(path, as_version=4)
    # what `nbstripout --verify --keep-id --keep-count` checks, in-process (a subprocess per notebook took 4 s)
    stripped = strip_output(copy.deepcopy(nb), keep_output=False, keep_count=True, keep_id=True)
    assert stripped == nb, f"{path.name} has outputs; run: python tools/refresh_notebooks.py {path}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            checked = "# NBVAL_CHECK_OUTPUT" in cell.source
            assert bool(cell.metadata.get("keep_output")) == checked, cell.source[:60]
            if checked:
                assert cell.execution_count is not None, "nbval compares only cells with an execution count"
                assert cell.outputs, (
                    f"checked cell without stored output in {path.name}: run tools/refresh_notebooks.py"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_the_cookbook_skeleton(path):
    nb = nbformat.read(path, as_version=4)
    headings = [
        line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("#")
    ]
    assert sum(h.startswith("# ") for h in headings) == 1, "one # title"
    for section in (
        "## Overview",
        "## Prerequisites",
        "## Imports",
        "## Summary",
        "## What's next",
        "## Resources and references",
    ):
        assert section in headings, f"{path.name} lacks {section}"
    text = "\n".join(c.source for c in nb.cells)
    assert "not medical advice" in text
    assert any("# NBVAL_CHECK_OUTPUT" in c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_thin(path):
    """Notebooks load, build, show and export; functions and classes belong in src/viz."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class) ", cell.source, re.M), f"logic in {path.name}: move it to src/viz"
            assert "open(" not in cell.source and "read_csv" not in cell.source, "viz.data is the only reader"


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    targets = re.findall(r"^([a-z-]+):.*## ", (ROOT / "Makefile").read_text(), re.M)
    assert {"site", "test", "lab", "bench", "clean", "help"} <= set(targets)
    for t in targets:
        assert f"make {t}" in out


def test_readme_gives_the_two_commands_and_the_disclaimer():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^make (site|test)$", quick, re.M) == ["site", "test"]
    assert "not medical advice" in readme
    assert re.findall(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M) == ["make test"]


#: The modules of src/viz from the bottom up: each may import only those before it (README, "How it is built").
LAYERS = [
    "paths",
    "cache",
    "data",
    "queries",
    "graph",
    "exercise",
    "style",
    "layout",
    "model",
    "render",
    "maps",
    "charts",
    "svg",
    "history",
    "grading",
    "export",
    "tables",
    "interchange",
    "_browser",
    "notebook",
    "mapwidget",
    "lessons",
    "slides",
    "site",
    "serve",
    "widgets",
    "cli",
]


#: The packages among them, each with its modules from the bottom up: the same rule holds inside.
PACKAGES = {
    "layout": ["labels", "measure", "route", "force", "circular", "layered", "manual", "_view", "__init__"],
    "charts": ["_core", "timeline", "bars", "matrices", "flows", "__init__"],
    "data": ["problems", "schema", "reader", "checks", "topic", "settings", "dataset", "loading", "__init__"],
    "interchange": [
        "model",
        "_xml",
        "_json",
        "cxl",
        "canvas",
        "graphml",
        "gexf",
        "cytoscape",
        "mermaid",
        "__init__",
        "dataset",
    ],
}


def _viz_imports(path: Path, within: str | None = None) -> set[str]:
    """The viz modules a file imports, at the top or inside a function; with ``within`` (a package), the
    modules of that package it imports."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module == "viz":
            found |= {a.name for a in node.names if a.name in LAYERS and within is None}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("viz."):
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("viz.")]
        for name in names:
            parts = name.split(".")
            if within is None:
                found.add(parts[1])
            elif parts[1] == within and len(parts) > 2:
                found.add(parts[2])
    return found


def test_modules_flow_one_way():
    """No import cycle: every module imports only modules below it (a package's modules too, and within
    the package only those below them in :data:`PACKAGES`), and the README lists them all."""
    package = ROOT / "src" / "viz"
    modules = sorted(p.stem for p in package.glob("*.py") if p.stem != "__init__")
    modules = sorted([*modules, *(p.parent.name for p in package.glob("*/__init__.py"))])
    assert sorted(LAYERS) == modules, "add the new module to LAYERS (and to the README) at its place"
    files = {name: sorted((package / name).glob("*.py")) or [package / f"{name}.py"] for name in LAYERS}
    upward = [
        f"{path.relative_to(package)} imports {other}"
        for name in LAYERS
        for path in files[name]
        for other in sorted(_viz_imports(path) - {name})
        if LAYERS.index(other) >= LAYERS.index(name)
    ]
    for name, inner in PACKAGES.items():
        assert sorted(inner) == sorted(p.stem for p in files[name]), f"list {name}'s modules in PACKAGES"
        upward += [
            f"{name}/{path.name} imports {name}.{other}"
            for path in files[name]
            for other in sorted(_viz_imports(path, within=name))
            if inner.index(other) >= inner.index(path.stem)
        ]
    assert upward == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [f"{name}/" if name in PACKAGES else f"{name}.py" for name in LAYERS]
    names += [f"{m}.py" for inner in PACKAGES.values() for m in inner if m != "__init__"]
    assert [m for m in names if m not in readme] == [], "the README's module list is incomplete"


def test_layer_check_can_fail(tmp_path):
    cyclic = tmp_path / "maps.py"
    cyclic.write_text("def f():\n    from viz import site\n    import viz.cli\n", encoding="utf-8")
    assert _viz_imports(cyclic) == {"site", "cli"}
    inner = tmp_path / "labels.py"
    inner.write_text("from viz.layout.measure import crossings\nfrom viz import style\n", encoding="utf-8")
    assert _viz_imports(inner) == {"layout", "style"}
    assert _viz_imports(inner, within="layout") == {"measure"}


SHARED_FIXTURE_TESTS = """
import os, pytest

@pytest.fixture(scope="module")
def clean_looks():  # stands in for the tour of the clean site: made once per worker that needs it
    return os.environ["PYTEST_XDIST_WORKER"]

@pytest.mark.parametrize("i", range(6))
def test_on_the_tour(clean_looks, i, tmp_path_factory):
    (tmp_path_factory.getbasetemp().parent.parent / f"ran-tour-{i}").write_text(clean_looks)

@pytest.mark.parametrize("i", range(6))
def test_alone(i, tmp_path_factory):
    import time
    time.sleep(0.2)
    (tmp_path_factory.getbasetemp().parent.parent / f"ran-alone-{i}").write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


@pytest.mark.slow  # a pytest run on two workers
def test_tests_that_share_a_slow_fixture_run_on_one_worker(tmp_path):
    """`make test` spreads the tests over every core; a slow module fixture (the tour of every page of a
    clean site, about 10 s) must not be made again on each worker, and a notebook's cells must run in one
    kernel: such tests run together. pytest 9.2 broke this silently (pytest-xdist#1386), hence the pin in
    pyproject.toml; this test fails if the grouping is lost."""
    import shutil

    (tmp_path / "suite").mkdir()
    (tmp_path / "runs").mkdir()
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "suite" / "conftest.py")
    (tmp_path / "suite" / "test_grouping.py").write_text(SHARED_FIXTURE_TESTS)
    from conftest import QUIET_PYTEST

    args = ["-n", "2", "--dist", "loadgroup", "-q", "-o", "addopts=", *QUIET_PYTEST]
    args += ["--basetemp", str(tmp_path / "runs" / "base"), str(tmp_path / "suite")]
    run = subprocess.run([sys.executable, "-m", "pytest", *args], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    ran = {p.name: p.read_text() for p in (tmp_path / "runs").glob("ran-*")}
    assert len(ran) == 12, ran
    assert len({w for name, w in ran.items() if name.startswith("ran-tour")}) == 1, f"the tests were split: {ran}"
    assert set(ran.values()) == {"gw0", "gw1"}, "both workers ran tests"


@pytest.mark.slow  # a pytest run of its own
def test_listing_the_tests_builds_nothing(tmp_path):
    """`pytest --collect-only` lists the tests and exits: the session's site (built in the background for a
    run, see conftest.start_site_build) must not start building, or its build would run on after the
    listing, using the machine's cores."""
    from conftest import QUIET_PYTEST

    args = ["--collect-only", "-q", "-o", "addopts=", *QUIET_PYTEST, str(ROOT / "tests" / "test_browser.py")]
    # a run of its own, as from a terminal: not one of this run's workers, with a scratch folder of its own
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "IMMUNOVIZ_TEST_"))}
    env["TMPDIR"] = str(tmp_path)
    # its output to a file, not a pipe: a build it started would hold a pipe open, and the wait with it
    listing = tmp_path / "listing.txt"
    with listing.open("w") as out:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", *args], stdout=out, stderr=subprocess.STDOUT, timeout=120, env=env
        )
    printed = listing.read_text()
    assert run.returncode == 0, printed[-2000:]
    scratch = list(tmp_path.glob("immunoviz-test-*"))
    assert len(scratch) == 1, "the listing made its own scratch folder"
    assert "::" in printed and not (scratch[0] / "site.started").exists(), "a site build started"


@pytest.mark.parametrize("name", ["LAYOUT_CODE", "DATA_CODE"])
def test_a_cached_result_is_keyed_on_all_the_code_it_runs(name):
    """The cache keys layouts and validated tables on part of the package (viz.cache): that part must hold
    every module its code imports, or a change there would leave a stale result in the cache."""
    from viz import cache

    package = ROOT / "src" / "viz"
    within = getattr(cache, name)
    start = {p.split(".")[0] for p in within if (package / p).is_dir() or p.endswith(".py")}
    seen, todo = set(), [s for s in start if s != "__init__"]
    while todo:
        name_ = todo.pop()
        if name_ in seen or name_ not in LAYERS:
            continue
        seen.add(name_)
        for f in sorted((package / name_).glob("*.py")) or [package / f"{name_}.py"]:
            todo += sorted(_viz_imports(f))
    outside = sorted(m for m in seen if not ((package / m).is_dir() and m in within) and f"{m}.py" not in within)
    assert outside == [], f"{name} leaves out {outside}, which its code imports"


_ASK_ONCE = """
import pathlib, sys, time
from viz import cache
log = pathlib.Path(sys.argv[1])

def slow(x, key):  # starts once both processes have asked, and takes a second more
    while log.read_text().count("asked") < 2:
        time.sleep(0.05)
    time.sleep(1)
    with log.open("a") as f:
        f.write("computed\\n")
    return x * x

with log.open("a") as f:
    f.write("asked\\n")
print(cache.cached(slow, 7, "key-7"))
"""


def test_a_result_two_processes_ask_for_at_once_is_computed_once(tmp_path):
    """A build's lessons run in kernels beside the build, and draw the same maps: while one process computes
    a cached result, another that asks for it waits and reads it, instead of computing it a second time."""
    import os
    import subprocess
    import sys

    log = tmp_path / "log"
    log.touch()
    env = {**os.environ, "IMMUNOVIZ_CACHE": str(tmp_path / "cache")}
    runs = [
        subprocess.Popen([sys.executable, "-c", _ASK_ONCE, str(log)], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    assert [r.communicate(timeout=120)[0] for r in runs] == ["49\n", "49\n"]
    assert log.read_text().split() == ["asked", "asked", "computed"]


def test_a_result_held_up_by_a_hung_process_is_computed_after_a_wait(tmp_path, monkeypatch):
    """A lock only saves work: when the process computing a result hangs, the others compute it themselves
    after :data:`viz.cache.LOCK_WAIT`, instead of hanging with it."""
    import subprocess
    import sys

    import filelock

    from viz import cache

    monkeypatch.setenv("IMMUNOVIZ_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "LOCK_WAIT", 0.5)
    (tmp_path / "cache" / "locks").mkdir(parents=True)
    hold = "import filelock, sys, time; held = filelock.FileLock(sys.argv[1]); held.acquire(); "
    hold += "print('held', flush=True); time.sleep(60)"
    lock = tmp_path / "cache" / "locks" / "key-8.lock"
    hung = subprocess.Popen([sys.executable, "-c", hold, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert hung.stdout.readline() == "held\n"
        assert cache.cached(lambda x, key: x * x, 8, "key-8") == 64
        with pytest.raises(filelock.Timeout):  # the hung process still holds the lock: nothing waited for it
            filelock.FileLock(lock, timeout=0).acquire()
    finally:
        hung.kill()
        hung.wait()


def test_test_files_do_not_import_each_other():
    """Shared helpers live in conftest.py, checkers.py, figures.py or jupyter.py: importing a test module runs
    its module-level code again and ties two files' tests together."""
    import ast

    tests = Path(__file__).parent
    found = []
    for f in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{f.name} imports {n}" for n in names if n.split(".")[0].startswith("test_")]
    assert found == []
