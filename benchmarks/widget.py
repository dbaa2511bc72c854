"""The map widget's first drawing in JupyterLab against the exported page's, and the README's screenshot.

Issue 26 asks that a map shown as a notebook widget (:class:`viz.mapwidget.MapWidget`) draw about as soon as
the same map's exported page (goal: at most 1.5 times the page's time). Both are timed by the page's own
clock, in the same headless Chromium:

* **the exported page** (:func:`viz.render.render_map`, one self-contained file opened from ``file://``):
  navigation start to map.js's ``immunoviz:frame`` mark, one frame after its first drawing. It includes
  reading the page, evaluating vis-network and drawing.
* **the widget** (a notebook cell ``MapWidget(ds, VIEW)`` run in JupyterLab 4 on a fresh page): the widget
  host's render call (``immunoviz:widget-render``, when JupyterLab hands the widget its element) to the same
  ``immunoviz:frame`` mark. It includes evaluating vis-network and the map's scripts, mounting the
  fragment in its shadow root and drawing. What comes before (the kernel building the map, and the
  message that carries the module and the payload to the page) is timed too, as ``cell_s``: Shift+Enter
  to the drawn map, on the wall clock.

Each is measured :data:`OPENINGS` times after one discarded warm-up; the medians and their ratio are
printed and written, with the machine, to ``benchmarks/results/widget.json``. ``--screenshot PATH`` also
writes the picture the README shows: JupyterLab with a concept selected on the map (by keyboard travel)
and the next cell's table of what the tables say about it.

Run it with ``.venv/bin/python benchmarks/widget.py`` (about two minutes on a quiet two-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the JupyterLab harness the widget's tests use

from jupyter import NotebookPage, open_context, start, write_notebook  # noqa: E402

from viz import _browser, data, maps, render  # noqa: E402

OPENINGS = 3
FRAME_JS = "() => performance.getEntriesByName('immunoviz:frame')[0].startTime"
# from the host's render call (the widget's element handed over) to the map's first frame: vis-network's
# evaluation, the mount and the drawing. Not from the module's first line: anywidget imports the module again
# for the view (two to four immunoviz:widget-module marks per page, up to 1.1 s apart), time that is JupyterLab's
# and anywidget's, not the map's; the wall clock from Shift+Enter (cell_s) keeps all of it.
WIDGET_JS = (
    "() => { const a = performance.getEntriesByName('immunoviz:widget-render')[0],"
    " b = performance.getEntriesByName('immunoviz:frame')[0]; return a && b ? b.startTime - a.startTime : null; }"
)


def page_ms(browser, path: Path) -> float:
    context = _browser.offline_context(browser)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
        return page.evaluate(FRAME_JS)
    finally:
        context.close()


def widget_run(browser, server, name: str, screenshot: Path | None = None) -> tuple[float, float]:
    """(module to frame in ms, Shift+Enter to drawn in s) for one fresh JupyterLab page."""
    blocked: list[str] = []
    context = open_context(browser, server, blocked)
    try:
        nb = NotebookPage(context.new_page(), server, name)
        started = time.perf_counter()
        nb.run(0)
        nb.cell(0).locator(".immunoviz-widget .iv-map[data-ready='1']").wait_for(timeout=120_000)
        cell_s = time.perf_counter() - started
        ms = nb.page.evaluate(WIDGET_JS)
        if screenshot is not None:
            widget = nb.cell(0).locator(".immunoviz-widget .iv-map")
            widget.locator(".legend input[type=checkbox]").last.focus()
            nb.page.keyboard.press("Tab")  # keyboard travel starts at the best-linked concept
            nb.page.keyboard.press("ArrowDown")  # and goes along its first link
            nb.page.wait_for_timeout(800)
            nb.run(1)
            nb.cell(1).scroll_into_view_if_needed()
            nb.page.evaluate("document.querySelector('.jp-WindowedPanel-outer, .jp-Notebook').scrollBy(0, 380)")
            nb.page.wait_for_timeout(500)
            nb.page.screenshot(path=str(screenshot))
        assert blocked == [], blocked
        return ms, cell_s
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--view", default="checkpoints")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "widget.json")
    parser.add_argument("--screenshot", type=Path, help="also write JupyterLab with a selection and its table here")
    args = parser.parse_args(argv)

    ds = data.load()
    with tempfile.TemporaryDirectory(prefix="immunoviz-widget-bench-") as tmp:
        tmp = Path(tmp)
        page = tmp / "map.html"
        page.write_text(render.render_map(maps.view_map(ds, args.view)), encoding="utf-8")
        cells = [
            f'from viz import MapWidget, data\nw = MapWidget(data.load(), "{args.view}", height=520)\nw',
            "w.selection_table().head(8)",
        ]
        write_notebook(tmp / "bench.ipynb", cells)
        server = start("lab", tmp)
        try:
            with _browser.launch() as browser:
                page_ms(browser, page)  # warm-up
                pages = [page_ms(browser, page) for _ in range(OPENINGS)]
                widget_run(browser, server, "bench.ipynb")  # warm-up
                runs = [widget_run(browser, server, "bench.ipynb") for _ in range(OPENINGS)]
                if args.screenshot:
                    widget_run(browser, server, "bench.ipynb", screenshot=args.screenshot)
        finally:
            server.stop()
    widget_ms = [r[0] for r in runs]
    result = {
        "view": args.view,
        "page_ms": pages,
        "widget_ms": widget_ms,
        "cell_s": [r[1] for r in runs],
        "median_page_ms": statistics.median(pages),
        "median_widget_ms": statistics.median(widget_ms),
        "ratio": statistics.median(widget_ms) / statistics.median(pages),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
    }
    print(f"{args.view}: exported page {result['median_page_ms']:.0f} ms to its first drawing (median of {OPENINGS})")
    widget_ms = result["median_widget_ms"]
    print(f"{args.view}: widget in JupyterLab {widget_ms:.0f} ms from its render call to its first drawing")
    print(f"ratio widget / page: {result['ratio']:.2f} (goal <= 1.5)")
    print(f"a cell run to the drawn widget (kernel and message included): {statistics.median(result['cell_s']):.1f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
