"""The map as a notebook widget (viz.mapwidget): its state shared with Python, in JupyterLab 4 and Notebook 7
driven by Chromium, and its display data where there is no kernel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import traitlets

from viz import render, style
from viz.mapwidget import MapWidget, selection_table, widget_module

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# ---------------------------------------------------------------------------
# Python alone


def test_the_shared_state_starts_as_the_map_does(dataset):
    w = MapWidget(dataset, "checkpoints")
    assert (w.selected, w.hidden, w.year, w.highlight) == ([], [], None, [])
    assert w.step == len(w.net.page.steps) > 1, "the whole story, as the page opens"
    assert MapWidget(dataset, "landscape", year=2011).year == 2011


@pytest.mark.parametrize(
    ("trait", "value", "message"),
    [
        ("selected", ["pd1", "nope"], "no concept 'nope' on the map 'checkpoints'"),
        ("highlight", ["nope"], "no concept 'nope'"),
        ("hidden", ["nope"], "no category 'nope'"),
        ("step", 99, "step 99 is not one of them (1 to 6)"),
        ("step", 0, "step 0 is not one of them"),
        ("year", 2014, "has no year slider"),
    ],
)
def test_a_value_the_map_does_not_have_is_refused_with_what_it_has(dataset, trait, value, message):
    w = MapWidget(dataset, "checkpoints")
    with pytest.raises(traitlets.TraitError, match=re.escape(message)):
        setattr(w, trait, value)
    assert getattr(w, trait) == MapWidget(dataset, "checkpoints").trait_defaults(trait) or trait == "step"


def test_observers_see_every_change(dataset):
    w, seen = MapWidget(dataset, "checkpoints"), []
    w.observe(lambda change: seen.append((change["name"], change["new"])), names=["selected", "step", "hidden"])
    w.selected, w.step, w.hidden = ["pd1"], 2, ["cell"]
    assert seen == [("selected", ["pd1"]), ("step", 2), ("hidden", ["cell"])]


def test_the_selection_table_reads_relations_events_and_sources(dataset):
    table = selection_table(dataset, ["pembrolizumab", "pd1"])
    assert list(table.columns) == ["concept", "kind", "date", "reads", "sources"]
    assert list(dict.fromkeys(table["concept"])) == ["Pembrolizumab", "PD-1"]
    pembro = table[table["concept"] == "Pembrolizumab"]
    relations = set(pembro[pembro["kind"] == "relation"]["reads"])
    assert "Pembrolizumab – is a kind of – PD-1 inhibitors" in relations
    events = pembro[pembro["kind"] == "event"]
    assert len(events) == len(set(events["reads"])) > 5
    # oldest first, dated as precisely as the tables know: the first approval, in 2014
    assert (events["date"].iloc[0], events["reads"].iloc[0]) == (
        "4 September 2014",
        "Pembrolizumab: first PD-1 blocker approved in the US",
    )
    assert (pembro["sources"] != "").all(), "every row names its sources"
    assert selection_table(dataset, []).empty


def test_the_display_data_carries_the_widget_and_the_offline_page(dataset):
    data, _ = MapWidget(dataset, "checkpoints")._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"]
    page = data["text/html"]
    assert page.startswith('<iframe class="immunoviz-map"') and "srcdoc=" in page
    assert "https://" not in re.sub(r"https://[^&\"]*(pubmed|doi|fda|ema)[^&\"]*", "", page.split("srcdoc=")[0])


def test_the_module_carries_the_map_and_loads_nothing(dataset):
    esm = widget_module()
    for name in render.MAP_SCRIPTS:
        assert render.SITE_ASSETS[name]() in esm
    assert not re.search(r"\bimport\s*\(|^\s*import\s", esm.split("const IMMUNOVIZ")[0], re.M)
    assert "export default { render }" in esm
    # the UMD wrapper finds CommonJS's exports first, so a page's AMD define is never called
    assert "var exports = {}, module = { exports: exports }, define;" in esm


# ---------------------------------------------------------------------------
# in JupyterLab 4 and Notebook 7, driven by Chromium

CELLS = [
    'from viz import data\nfrom viz.mapwidget import MapWidget\nw = MapWidget(data.load(), "checkpoints")\nw',
    "print(w.selected)",
    'w.selected = ["pd1"]',
    "w.step = 2",
    "print(w.step, w.selected)",
]


#: How many pixels of a canvas are drawn in a colour (the map's focus ring: viz.style.FOCUS)
FOCUS_RING_PIXELS = """(c, hex) => {
  const want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
  const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (Math.abs(px[i] - want[0]) + Math.abs(px[i + 1] - want[1]) + Math.abs(px[i + 2] - want[2]) < 30) n++;
  }
  return n;
}"""


def axe_on_widget(page) -> list[str]:
    """axe-core's critical and serious violations inside the map widget of a notebook page (JupyterLab's own
    interface is not ours to check), with the project's tags (tests/checkers.py)."""
    from checkers import AXE_JS, AXE_TAGS, axe_missing, failing
    from conftest import browser_required

    missing = axe_missing()
    if missing:
        if browser_required():
            pytest.fail(missing)
        return []
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0")
    found = page.evaluate(
        """tags => axe.run(document.querySelector(".immunoviz-widget"),
                             {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                targets: v.nodes.map(n => JSON.stringify(n.target))})))""",
        AXE_TAGS,
    )
    return [f"{v['id']} [{v['impact']}] {v['help']}: {v['targets'][:3]}" for v in failing(found)]


def best_linked(w: MapWidget) -> str:
    """The concept keyboard travel starts from: the one with the most links, the first by label on a tie."""
    links: dict[str, int] = {}
    for e in w.net.edges:
        if e["from"] != e["to"]:
            for end in (e["from"], e["to"]):
                links[end] = links.get(end, 0) + 1
    label = {n["id"]: n["label"] for n in w.net.nodes}
    return min(links, key=lambda n: (-links[n], label[n]))


@pytest.fixture(scope="module", params=["lab", "notebook"])
def jupyter(request, tmp_path_factory):
    """JupyterLab 4 or Notebook 7 on a free port, in a folder of its own: one server per app for the module."""
    from jupyter import start

    server = start(request.param, tmp_path_factory.mktemp(f"jupyter-{request.param}"))
    yield server
    server.stop()


def test_the_map_and_python_share_selection_and_step(jupyter, chromium, dataset):
    """The issue's check: Tab into the map selects the best-linked concept and Python reads it; Python's
    selection shows in the map's panel, and Python's step moves the story."""
    from jupyter import notebook

    with notebook(chromium, jupyter, "share.ipynb", CELLS) as (nb, blocked):
        nb.run(0)
        widget = nb.cell(0).locator(".immunoviz-widget .iv-map[data-ready='1']")
        widget.wait_for(timeout=60_000)
        # Tab from the last control before the map (the legend's last box) onto the map
        widget.locator(".legend input[type=checkbox]").last.focus()
        nb.page.keyboard.press("Tab")
        canvas = widget.locator("[data-iv=canvas]")
        assert canvas.evaluate("c => c.getRootNode().activeElement === c")
        expected = best_linked(MapWidget(dataset, "checkpoints"))
        panel = widget.locator("[data-iv=panel]")
        label = next(n["label"] for n in MapWidget(dataset, "checkpoints").net.nodes if n["id"] == expected)
        panel.locator("h2", has_text=label).wait_for(timeout=10_000)
        # a screen reader hears where travel starts, from the map's live region inside the notebook's output
        status = widget.locator("[data-iv=status]")
        nb.page.wait_for_function("s => s.textContent.startsWith('At ')", arg=status.element_handle(), timeout=10_000)
        assert status.inner_text().startswith(f"At {label} (") and status.get_attribute("aria-live") == "polite"
        nb.page.wait_for_timeout(500)  # the selection reaches the kernel
        assert nb.run(1).strip() == repr([expected])
        # back on the map, → travels along a link and says so; the notebook leaves the key alone (no cell moves)
        widget.locator(".legend input[type=checkbox]").last.focus()
        nb.page.keyboard.press("Tab")
        active = nb.page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
        before = active.inner_text()
        nb.page.keyboard.press("ArrowDown")  # in JupyterLab's command mode, the key that selects the next cell
        nb.page.wait_for_function("s => / — .* — /.test(s.textContent)", arg=status.element_handle(), timeout=10_000)
        assert active.inner_text() == before
        assert canvas.evaluate("c => c.getRootNode().activeElement === c"), "the map kept the focus"
        assert canvas.locator("canvas").evaluate(FOCUS_RING_PIXELS, style.FOCUS) > 50, "the focus ring is drawn"
        problems = axe_on_widget(nb.page)
        assert problems == [], "\n".join(problems)
        nb.run(2)
        panel.locator("h2", has_text="PD-1").first.wait_for(timeout=10_000)
        assert panel.locator("h2").first.inner_text().strip() == "PD-1"
        nb.run(3)
        counter = widget.locator("[data-iv=step-counter]")
        nb.page.wait_for_function("c => /^Step 2 of/.test(c.textContent)", arg=counter.element_handle(), timeout=10_000)
        # the story at step 2 shows only what its first two steps add: PD-1 stays selected only if it is there
        shown = next(n["step"] for n in MapWidget(dataset, "checkpoints").net.nodes if n["id"] == "pd1") <= 2
        assert nb.run(4).strip() == ("2 ['pd1']" if shown else "2 []")
        assert blocked == [], f"requests that left the machine: {blocked}"


# ---------------------------------------------------------------------------
# in marimo (notebooks/marimo-map.py under `marimo run`, checked in Chromium)
#
# `marimo export html` would do without a server, but its page loads marimo's own front end from a CDN,
# which an offline reader cannot reach; `marimo run` serves the same front end from the machine.


@pytest.fixture
def marimo_app(tmp_path):
    import os
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request

    from jupyter import free_port

    port, token = free_port(), "immunoviz-test"
    env = {**os.environ, "HOME": str(tmp_path), "MARIMO_SKIP_UPDATE_CHECK": "1"}
    # a copy: marimo keeps its session beside the notebook (__marimo__/), which must not land in the checkout
    notebook = str(shutil.copy(ROOT / "notebooks" / "marimo-map.py", tmp_path))
    args = [sys.executable, "-m", "marimo", "-y", "run", notebook, "--headless", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--token-password", token]
    log = (tmp_path / "marimo.log").open("w")
    process = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "marimo.log").read_text()
            time.sleep(0.3)
    yield url, token
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_the_marimo_notebook_shows_the_map_and_follows_a_selection(marimo_app, chromium, dataset):
    url, token = marimo_app
    blocked: list[str] = []
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, service_workers="block")

    def route(r):
        if r.request.url.startswith((url + "/", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.goto(f"{url}/?access_token={token}")
        widget = page.locator(".immunoviz-widget .iv-map[data-ready='1']")
        widget.wait_for(timeout=120_000)
        # the table cell shows PD-1 until something is selected, then what the map selected
        summary = dataset.concepts["summary"]
        page.get_by_text(summary["pd1"][:40]).first.wait_for(timeout=60_000)
        w = MapWidget(dataset, "checkpoints")
        best = best_linked(w)
        label = next(n["label"] for n in w.net.nodes if n["id"] == best)
        widget.locator(".legend input[type=checkbox]").last.focus()
        page.keyboard.press("Tab")
        widget.locator("[data-iv=panel] h2", has_text=label).wait_for(timeout=10_000)
        page.get_by_text(summary[best][:40]).first.wait_for(timeout=60_000)
        assert blocked == [], f"requests that left the machine: {blocked}"
    finally:
        context.close()


# ---------------------------------------------------------------------------
# the history page as a widget


def test_history_widget_refuses_what_the_page_does_not_have(dataset):
    from viz.mapwidget import HistoryWidget

    h = HistoryWidget(dataset)
    with pytest.raises(traitlets.TraitError, match="one concept at a time"):
        h.selected = ["pd1_inhibitor", "car_t"]
    with pytest.raises(traitlets.TraitError, match="no event 'nope' on the timeline"):
        h.event = "nope"
    with pytest.raises(traitlets.TraitError, match="the timeline runs from 1891"):
        h.year = 1700
    data, _ = h._repr_mimebundle_()
    assert WIDGET_VIEW in data and data["text/html"].startswith('<iframe class="immunoviz-map"')


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_history_widget_shares_concept_event_and_year(jupyter, chromium):
    """Python's concept and year reach the page; an event chosen on the page reaches Python."""
    from jupyter import notebook

    cells = [
        "from viz import data\nfrom viz.mapwidget import HistoryWidget\nh = HistoryWidget(data.load())\nh",
        'h.selected = ["pd1_inhibitor"]\nh.year = 2015',
        "print(h.selected, h.year, h.event)",
    ]
    with notebook(chromium, jupyter, "history.ipynb", cells) as (nb, blocked):
        nb.run(0)
        nb.cell(0).locator("iframe.immunoviz-history-widget").wait_for(timeout=60_000)
        frame = next(f for f in nb.page.frames if f.parent_frame and "immunoviz-history" in (f.content() or ""))
        frame.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
        nb.run(1)
        frame.wait_for_selector("body[data-concept='pd1_inhibitor']", state="attached", timeout=20_000)
        frame.wait_for_function("() => document.getElementById('year').value === '2015'", timeout=20_000)
        # choose an event on the page (its "show" button in the text version): Python hears it
        button = frame.locator(".show-event").first
        event = button.get_attribute("data-event")
        button.click()
        frame.wait_for_selector(f"body[data-event='{event}']", state="attached", timeout=20_000)
        nb.page.wait_for_timeout(500)
        printed = nb.run(2).strip()
        assert printed.endswith(f" {event}"), printed
        assert blocked == [], f"requests that left the machine: {blocked}"
