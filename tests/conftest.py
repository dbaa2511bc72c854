"""Shared fixtures: small named datasets, a built site, and an offline Chromium page."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import strategies as st

# A run started in the background by a shell without job control begins with SIGINT ignored, and every
# process it starts would inherit that: `immunoviz serve` could not be stopped with Ctrl-C (test_serve). The
# tests run as in a user's terminal, where Ctrl-C interrupts (a handler, unlike "ignore", resets on exec).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN and threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGINT, signal.default_int_handler)
# One cache per test session (every process it starts inherits it): results are reused within the
# run, never from an earlier one, so a run in a fresh clone and a run here test the same thing. Under
# pytest-xdist the controller makes the folder and its workers inherit it, so they share one cache
# (joblib writes each result atomically). The lessons' exports go to a throw-away folder too, so that
# nbval leaves the clone as it found it.
if "PYTEST_XDIST_WORKER" not in os.environ:
    os.environ["IMMUNOVIZ_TEST_SCRATCH"] = tempfile.mkdtemp(prefix="immunoviz-test-")
os.environ["IMMUNOVIZ_CACHE"] = os.path.join(os.environ["IMMUNOVIZ_TEST_SCRATCH"], "cache")
os.environ["IMMUNOVIZ_EXPORTS"] = os.path.join(os.environ["IMMUNOVIZ_TEST_SCRATCH"], "exports")

from viz import data
from viz.paths import DATA_DIR

SCRATCH = Path(os.environ["IMMUNOVIZ_TEST_SCRATCH"])

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"
#: A cell a course author (or a spreadsheet) might leave in a table: random text, or one of the values that
#: broke something once (tests/test_data.py and tests/test_hostile.py throw tables of them at validation).
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "pd1", "true", "2014-13-40", "1992-11", "pmid:1", "javascript:x", "a;b", '"', "\r\n", "\ufeff"]
    ),
)


#: Module fixtures that are slow to make: under ``pytest -n`` (``--dist loadgroup``) the tests that share one
#: run on one worker, so each is made once per run, not once per worker. (The session's site is shared
#: another way: see :func:`start_site_build`.)
SHARED = ("clean_looks", "every_page", "shipped_layouts", "our_maps", "default_deck", "printed")


class Ran(NamedTuple):
    """What :func:`run_cli` saw: the exit code and what was printed (unpacks as ``code, out, err``)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: object) -> Ran:
    """``immunoviz ARGS`` in this process, its output captured (tests/test_cli.py checks the installed
    command itself)."""
    from viz.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Ran(code, out.getvalue(), err.getvalue())


def pytest_addoption(parser, pluginmanager):
    """`make check` runs no notebook, so it leaves nbval out (``-p no:nbval``: loading it imports
    nbformat and jsonschema, about 2 s in each process, see :data:`QUIET_PYTEST`). The nbval options that
    pyproject.toml's addopts gives every run are then accepted and unused."""
    if not pluginmanager.has_plugin("nbval"):
        parser.addoption("--nbval-lax", action="store_true", help="(nbval is not loaded)")
        parser.addoption("--nbval-current-env", action="store_true", help="(nbval is not loaded)")
        parser.addoption("--nbval-sanitize-with", help="(nbval is not loaded)")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items):
    """Tests that open Chromium (or print with it) are ``browser`` tests; those that use the shipped site,
    share a slow fixture (:data:`SHARED`: a tour of every page, every shipped map laid out, a lecture
    printed), run notebooks or many Hypothesis examples are ``slow``, as are those marked so by hand (they
    build the tiny site or start another program): ``make check`` leaves both out. For
    pytest-xdist, tests that share a slow fixture are grouped, and so are a notebook's cells (under nbval
    they share one kernel, in order)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        shared = [name for name in SHARED if name in fixtures]
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared[0]))
        elif item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.stem}"))
        if fixtures & {"chromium", "offline_page", "printed"}:
            item.add_marker(pytest.mark.browser)
        many = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if shared or "site" in fixtures or item.path.suffix == ".ipynb" or many:
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session):
    """The site takes the longest to make: it starts building as soon as a test that needs it is selected
    (not when the tests are only listed: ``--collect-only`` would leave a build running after it exits)."""
    if session.config.option.collectonly:
        return
    if any("site" in getattr(item, "fixturenames", ()) for item in session.items):
        start_site_build()


#: options for a pytest that runs no notebook and no coroutine test (a subprocess, or `make check`): without
#: the plugins it does not need. Each takes a second or two to load: nbval imports jsonschema, whose format
#: checker builds rfc3987-syntax's Lark grammars on import (python-jsonschema/jsonschema#1428).
QUIET_PYTEST = ["-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest", "-p", "no:anyio"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


SITE = SCRATCH / "site"
#: ``<exit code>\n<stderr>`` of the site's build, written (atomically) when it ends
SITE_DONE = SCRATCH / "site.done"
_RECORD = """import pathlib, subprocess, sys
run = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=900)
done = pathlib.Path(sys.argv[1])
done.with_suffix(".part").write_text(f"{run.returncode}\\n{run.stderr}")
done.with_suffix(".part").replace(done)
"""


_BUILDS: list = []  # held for the whole session (a Popen collected while running would warn)


def start_site_build() -> None:
    """Build the shipped data into :data:`SITE` in the background, once per run: the first process of the
    run to ask starts it (under pytest-xdist, the first worker), the others find it started. Tests run
    beside it, and those that need the site wait for it in the ``site`` fixture, on any worker."""
    import subprocess
    import sys

    from viz import _browser

    try:
        os.close(os.open(SCRATCH / "site.started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    args = build_args(SITE, images=_browser.chromium_path() is not None, notebooks=True, downloads=True)
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    # in the run's process group: Ctrl-C stops it with the tests
    _BUILDS.append(subprocess.Popen([sys.executable, "-c", _RECORD, str(SITE_DONE), *args], env=env))


@pytest.fixture(scope="session")
def site() -> Path:
    """The shipped data built into a site with its lessons, with PNG and SVG images when Chromium is there:
    built once per run (:func:`start_site_build`), read by the tests of every worker, written by none."""
    import time

    start_site_build()
    deadline = time.monotonic() + 900
    while not SITE_DONE.exists():
        assert time.monotonic() < deadline, "the session's site took more than 15 minutes to build"
        time.sleep(0.2)
    code, _, stderr = SITE_DONE.read_text(encoding="utf-8").partition("\n")
    assert code == "0", f"the session's site did not build (exit {code}): {stderr}"
    return SITE


def immunoviz(capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: ``(exit code, stdout, stderr)``."""
    from viz.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse: --help, --version and wrong usage
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def build_args(
    out: Path, *, images: bool, data_dir: Path = DATA_DIR, notebooks: bool = False, downloads: bool = False
) -> list[str]:
    """``immunoviz build`` as a user runs it, for a subprocess (as `make site` does, with ``downloads``)."""
    import sys

    args = [sys.executable, "-m", "viz.cli", "build", "--data", str(data_dir), "--out", str(out)]
    args += [] if images else ["--no-images"]
    args += ["--format", "all"] if downloads else []
    return args + (["--notebooks"] if notebooks else ["--no-notebooks"])


def build_site(
    out: Path,
    *,
    images: bool,
    data_dir: Path = DATA_DIR,
    notebooks: bool = False,
    downloads: bool = False,
    env: dict[str, str] | None = None,
) -> Path:
    """Build with the command line in a subprocess, as a user does (and outside the tests' own browser)."""
    import subprocess

    args = build_args(out, images=images, data_dir=data_dir, notebooks=notebooks, downloads=downloads)
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
    context, wrapper = open_offline(chromium)
    yield wrapper
    context.close()


def open_offline(chromium):
    """A new offline context and its :class:`OfflinePage`, which records console errors, uncaught
    exceptions and dialogs (dismissed); the caller closes the context."""
    from viz import _browser

    blocked: list[str] = []
    context = _browser.offline_context(chromium, blocked=blocked)
    page = context.new_page()
    wrapper = OfflinePage(page, blocked)
    page.on("console", lambda m: wrapper.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: wrapper.errors.append(f"uncaught: {e}"))
    page.on("dialog", lambda d: (wrapper.errors.append(f"dialog: {d.message}"), d.dismiss()))
    return context, wrapper


@dataclass
class Visit:
    """One page of the session's site as a reader's browser saw it."""

    disclaimers: int  # times the footer says "not medical advice"
    blocked: list[str]  # requests it tried that were not file: or data:
    errors: list[str]  # console errors, uncaught exceptions and dialogs
    axe: list[dict] | None  # axe-core's violations in every frame; None where axe-core is not installed
    counts: dict  # plotly figures (placed, drawn), map iframes and the maps drawn in them, links home
    plotly: str | None = None  # the version of the plotly.js the page loaded, if it loaded one


DRAWN_FIGURES_JS = "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('.main-svg'))"
COUNTS_JS = """() => ({
  figures: document.querySelectorAll('.plotly-graph-div').length,
  "figures drawn": document.querySelectorAll('.js-plotly-plot').length,
  maps: document.querySelectorAll('iframe.immunoviz-map').length,
  "links home": document.querySelectorAll("nav a[href='../index.html']").length,
  "prompts cut short": [...document.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')]
    .filter(e => e.scrollWidth > e.clientWidth).length,
})"""


@pytest.fixture(scope="session")
def every_page(site, chromium) -> dict[str, Visit]:
    """Every page of the session's site opened once, offline, and drawn (the maps in a notebook page's
    iframes too): the offline test and the accessibility test read the same visit instead of opening the
    87 pages twice."""
    from checkers import axe_missing, run_axe

    context, offline = open_offline(chromium)
    page, axe_here = offline.page, axe_missing() is None
    visits = {}
    try:
        for path in sorted(p for p in site.rglob("*.html") if p.parent.name != "slides"):  # decks: test_slides.py
            del offline.blocked[:], offline.errors[:]
            offline.open(path)
            for frame in page.frames[1:]:  # a notebook page's maps: drawn once on screen, wait for the canvas
                frame.wait_for_function(
                    "() => document.readyState === 'complete' && "
                    "(!document.getElementById('immunoviz-data') || document.querySelector('#map canvas') !== null)",
                    timeout=30_000,
                )
            page.wait_for_function(DRAWN_FIGURES_JS, timeout=30_000)  # plotly draws after the page is ready
            counts = page.evaluate(COUNTS_JS)
            counts["maps drawn"] = sum(frame.locator("#map canvas").count() for frame in page.frames[1:])
            disclaimers = page.locator("footer").inner_text().count("not medical advice")
            axe = run_axe(page) if axe_here else None
            plotly = page.evaluate("() => window.Plotly ? Plotly.version : null")
            visit = Visit(disclaimers, list(offline.blocked), list(offline.errors), axe, counts, plotly)
            visits[path.relative_to(site).as_posix()] = visit
    finally:
        context.close()
    return visits


# ---------------------------------------------------------------------------
# the payloads: each one, if it ever ran, would set window.__xss or open a dialog.
# At most 40 characters (the shortest free-text limit), no ';' (the list separator),
# and no leading or trailing whitespace (the loader trims cells).

PAYLOADS: dict[str, list[str]] = {
    "plain tags": [
        "<script>window.__xss=1</script>",
        "<img src=x onerror=window.__xss=2>",
        "<svg onload=window.__xss=3>",
        "<iframe src=javascript:alert(4)>",
        "<details open ontoggle=alert(5)>",
        "<body onload=alert(6)>",
        "<input autofocus onfocus=alert(7)>",
        "<style onload=alert(37)>",
        "<marquee onstart=alert(38)>",
        "<video><source onerror=alert(39)>",
        "<audio src onerror=alert(40)>",
        "<select autofocus onfocus=alert(41)>",
        "<object data=javascript:alert(21)>",
        "<embed src=javascript:alert(22)>",
        "<base href=javascript:alert(42)//>",
        "<img src=x:x onerror=alert(48)//",
        "<svg/onload=alert(49)>",
        "<IMG SRC=JaVaScRiPt:alert(50)>",
        '<img """><script>alert(51)</script>">',
    ],
    "attribute breaking": [
        '" onmouseover="alert(8)" x="',
        "' autofocus onfocus='alert(9)' x='",
        '"><script>alert(10)</script>',
        "'><img src=x onerror=alert(11)>",
        "</span><img src=x onerror=alert(53)>",
    ],
    "closing tags and script JSON": [
        "</script><script>alert(12)</script>",
        "<!--<script>alert(13)</script>-->",
        "</textarea><script>alert(14)</script>",
        "</title><script>alert(15)</script>",
        "</style><img src=x onerror=alert(47)>",
        "]]><script>alert(52)</script>",
        "\\u003cimg src=x onerror=alert(46)\\u003e",
        '\\"-alert(56)//',
        "'-alert(55)-'",
        "`-alert(54)-`",
    ],
    "links": [
        "javascript:alert(16)",
        "data:text/html,<svg onload=alert(17)>",
        '<a href="javascript:alert(18)">x</a>',
    ],
    "svg": [
        "<svg><script>alert(19)</script></svg>",
        "<svg><animate onbegin=alert(20)>",
    ],
    "template syntax": [
        "{{alert(23)}}{{7*7}}",
        "${alert(24)}${7*7}",
        "{% raw %}{{alert(25)}}{% endraw %}",
        "#{alert(26)}",
        "<%= alert(27) %>",
        "{{7*7}}<img src onerror=alert(28)>",
    ],
    "encodings": [
        "&ltimg src=x onerror=alert(43)&gt",
        "&#60img src=x onerror=alert(44)&#62",
        "%3Cscript%3Ealert(45)%3C/script%3E",
    ],
    "unicode and control characters": [
        "a\u2028b\u2029<img src=x onerror=alert(29)>",
        "x\u2028</script>\u2029<script>alert(30)</script>",
        "＜script＞alert(31)＜/script＞",
        "\u202e<img src=x onerror=alert(32)>\u202c",
        "<scr\u200bipt>alert(33)</scr\u200bipt>",
        "\u200b\ufeff<img src=x onerror=alert(34)>",
        "\x01\x08<img src=x onerror=alert(35)>\x1b",
        "a\x0b\x7f<svg\x0conload=alert(36)>",
    ],
}
ALL_PAYLOADS = [p for group in PAYLOADS.values() for p in group]
