"""`immunoviz serve`: the course author's live preview, run as a user runs it (a subprocess on a free port)."""

from __future__ import annotations

import html
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import free_port

from viz import tables

#: The lead's promise to an author: a saved table shows in the browser within this many seconds.
SHOWS_WITHIN_S = 5


@dataclass
class Served:
    folder: Path
    url: str
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def wait_for(self, path: str, predicate, timeout: float) -> tuple[str, float]:
        """Poll a page until ``predicate(text)``; return the text and the seconds it took."""
        started = time.monotonic()
        text = ""
        while time.monotonic() - started < timeout:
            text = self.get(path)
            if predicate(text):
                return text, time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"{path} did not change within {timeout} s; the server said:\n" + "".join(self.lines))

    def output(self) -> str:
        return "".join(self.lines)


@contextmanager
def serving(folder: Path) -> Iterator[Served]:
    """`immunoviz serve --data folder` in a subprocess on a free port; Ctrl-C at the end."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "viz.cli", "serve", "--data", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Served(folder, f"http://127.0.0.1:{port}/", process)
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            server.lines.append(line)
            if line.startswith("serving http://127.0.0.1:"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(300):
            pytest.fail("immunoviz serve did not start:\n" + server.output())
        time.sleep(1)  # the file watcher starts just after the address is printed
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def served(tmp_path):
    """`immunoviz new` then `immunoviz serve` on it."""
    with serving(tables.new_dataset(tmp_path / "course")) as server:
        yield server


def _relabel(folder: Path, old: str, new: str) -> None:
    path = folder / "concepts.csv"
    text = path.read_text(encoding="utf-8")
    assert f",{old}," in text
    path.write_text(text.replace(f",{old},", f",{new},", 1), encoding="utf-8")


@pytest.mark.slow
def test_a_saved_label_shows_in_the_served_page_within_seconds(served):
    first = served.get("maps/water_cycle.html")
    assert "Evaporation" in first and "Water vapour rising" not in first
    version = re.search(r'<script src="/_immunoviz/reload.js" data-version="(\w+)"></script></body>', first)[1]
    chart = served.get("_immunoviz/version.js?page=/charts/timeline.html")
    assert (
        served.get("_immunoviz/version.js?page=/maps/water_cycle.html")
        == f'window.immunovizServe && window.immunovizServe("{version}");'
    )
    _relabel(served.folder, "Evaporation", "Water vapour rising")
    text, took = served.wait_for("maps/water_cycle.html", lambda t: "Water vapour rising" in t, SHOWS_WITHIN_S)
    print(f"\nthe new label was served {took:.1f} s after the save")
    assert "changed: concepts.csv" in served.output()
    assert f'data-version="{version}"' not in text, "the open page learns that it changed, and reloads"
    assert served.get("_immunoviz/version.js?page=/charts/timeline.html") == chart, "a page that did not change stays"


@pytest.mark.slow
def test_invalid_tables_keep_the_last_good_page_and_list_the_problem(served):
    path = served.folder / "concepts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",reservoir,", ",reservoirs,", 1), encoding="utf-8")
    problem = "concepts.csv:2:category: 'reservoirs' is not an id in categories.csv (hint: did you mean 'reservoir'?)"
    text, _ = served.wait_for("maps/water_cycle.html", lambda t: "immunoviz-problems" in t, 60)
    assert problem in html.unescape(text)
    assert "The water cycle" in text and "Evaporation" in text, "the last good page is still served"
    assert problem in html.unescape(served.get("_immunoviz/problems"))
    assert problem in served.output(), "the terminal lists it too"
    path.write_text(path.read_text(encoding="utf-8").replace(",reservoirs,", ",reservoir,", 1), encoding="utf-8")
    served.wait_for("maps/water_cycle.html", lambda t: "immunoviz-problems" not in t, 60)


@pytest.mark.slow
def test_ctrl_c_stops_serving_cleanly(served):
    assert "<h1>The water cycle</h1>" in served.get("")
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(60) == 0
    time.sleep(0.2)  # the reader thread takes the last line
    assert "immunoviz: stopped serving" in served.output()
    assert "Traceback" not in served.output()
    with pytest.raises(OSError):
        served.get("")


@pytest.mark.browser
@pytest.mark.slow
def test_an_open_page_reloads_itself_within_its_security_policy(served, chromium):
    """The page keeps its strict CSP (connect-src 'none'); the reload script still notices a new build."""
    context = chromium.new_context(service_workers="block")
    blocked: list[str] = []
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(served.url) else (blocked.append(r.request.url), r.abort()),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(served.url + "maps/water_cycle.html")
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
        policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
        assert "connect-src 'none'" in policy
        _relabel(served.folder, "Condensation", "Clouds form")
        deadline = time.monotonic() + 60
        seen = False
        while not seen and time.monotonic() < deadline:
            try:  # the page reloads itself: its context may be replaced between two looks
                seen = "Clouds form" in page.locator("#text-version").inner_text(timeout=1000)
            except Exception:
                seen = False
            page.wait_for_timeout(100)
        assert seen, "the open page did not reload itself after the save:\n" + served.output()
        assert errors == [] and blocked == []
    finally:
        context.close()


@pytest.mark.slow
def test_tables_invalid_from_the_start_show_their_problems_until_fixed(tmp_path):
    folder = tables.new_dataset(tmp_path / "course")
    steps = folder / "steps.csv"
    good = steps.read_text(encoding="utf-8")
    steps.write_text(good.replace("water_cycle,3,", "water_cycle,4,"), encoding="utf-8")
    with serving(folder) as server:
        page = html.unescape(server.get(""))
        assert "steps.csv:2:step: steps of view 'water_cycle' are [1, 2, 4], not 1 to 3" in page
        assert '<script src="/_immunoviz/reload.js"' in page, "the problems page reloads itself too"
        steps.write_text(good, encoding="utf-8")
        server.wait_for("", lambda t: "<h1>The water cycle</h1>" in t, 60)
