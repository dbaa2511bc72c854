"""Shared fixtures: small named datasets, a built site, and an offline Chromium page."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# One cache per test session (every process it starts inherits it): results are reused within the
# run, never from an earlier one, so a run in a fresh clone and a run here test the same thing.
os.environ["IMMUNOVIZ_CACHE"] = tempfile.mkdtemp(prefix="immunoviz-test-cache-")

from viz import data
from viz.paths import DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"


def pytest_collection_modifyitems(items):
    """Tests that open Chromium are ``browser`` tests; those that build the whole site, run notebooks or many
    Hypothesis examples are ``slow``: ``make check`` leaves both out."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"chromium", "offline_page"}:
            item.add_marker(pytest.mark.browser)
        many = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if fixtures & {"site", "clean_looks"} or item.path.suffix == ".ipynb" or many:
            item.add_marker(pytest.mark.slow)


def browser_required() -> bool:
    """In CI a missing browser is a failure, not a skip."""
    return os.environ.get("IMMUNOVIZ_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true"


# ---------------------------------------------------------------------------
# data


@pytest.fixture(scope="session")
def tiny_dataset():
    """The small, valid, sourced dataset in tests/fixtures/tiny."""
    return data.load(TINY)


@pytest.fixture(scope="session")
def dataset():
    """The shipped dataset in data/."""
    return data.load(DATA_DIR)


@pytest.fixture
def tiny_copy(tmp_path) -> Path:
    """A writable copy of the tiny dataset."""
    dest = tmp_path / "data"
    shutil.copytree(TINY, dest)
    return dest


@pytest.fixture
def edit_table():
    """Rewrite one cell, row or the whole text of a table in a dataset folder."""

    def edit(
        folder: Path,
        table: str,
        *,
        find: str | None = None,
        replace: str = "",
        text: str | None = None,
        raw: bytes | None = None,
    ) -> Path:
        path = folder / f"{table}.csv"
        if raw is not None:
            path.write_bytes(raw)
        elif text is not None:
            path.write_text(text, encoding="utf-8")
        else:
            body = path.read_text(encoding="utf-8")
            assert find in body, f"{find!r} is not in {path}"
            path.write_text(body.replace(find, replace, 1), encoding="utf-8")
        return path

    return edit


# ---------------------------------------------------------------------------
# a built site (built once per session, from the shipped data)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The shipped data built into a site with its lessons, with PNG and SVG images when Chromium is there."""
    from viz import _browser

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(out, images=_browser.chromium_path() is not None, notebooks=True, env={"PYTHONHASHSEED": "1"})
    return out


def build_site(
    out: Path,
    *,
    images: bool,
    data_dir: Path = DATA_DIR,
    notebooks: bool = False,
    env: dict[str, str] | None = None,
) -> Path:
    """Build with the command line in a subprocess, as a user does (and outside the tests' own browser)."""
    import subprocess
    import sys

    args = [sys.executable, "-m", "viz.cli", "build", "--data", str(data_dir), "--out", str(out)]
    args += [] if images else ["--no-images"]
    args += ["--notebooks"] if notebooks else ["--no-notebooks"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=900, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return out


# ---------------------------------------------------------------------------
# the browser


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's, via Playwright), or a skip that says how to get one."""
    from viz import _browser

    if _browser.chromium_path() is None:
        message = f"Chromium not found; {_browser.INSTALL_HINT}"
        if browser_required():
            pytest.fail(message + " (browser tests are required here: IMMUNOVIZ_REQUIRE_BROWSER=1 or CI=true)")
        pytest.skip(message)
    with _browser.launch() as browser:
        yield browser


@dataclass
class OfflinePage:
    """A page that aborts every request that is not file: or data:, and remembers them."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path | str, *, ready: bool = True, fragment: str = ""):
        url = Path(path).resolve().as_uri() + fragment
        self.page.goto(url)
        if ready:
            self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
        return self.page

    def assert_clean(self) -> None:
        assert self.blocked == [], f"the page tried to reach the network: {self.blocked}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def offline_page(chromium):
    from viz import _browser

    blocked: list[str] = []
    context = _browser.offline_context(chromium, blocked=blocked)
    page = context.new_page()
    wrapper = OfflinePage(page, blocked)
    page.on("console", lambda m: wrapper.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: wrapper.errors.append(f"uncaught: {e}"))
    page.on("dialog", lambda d: (wrapper.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield wrapper
    context.close()
