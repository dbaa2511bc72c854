"""The lesson notebooks as pages of the site, and as a student runs them in JupyterLab."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from viz import lessons, render
from viz.paths import NOTEBOOKS_DIR

NOTEBOOKS = lessons.notebook_files(NOTEBOOKS_DIR)
#: What each lesson shows: (plotly figures, maps) as drawn on its page.
FIGURES = {
    "00-start-here": (1, 2),
    "01-therapy-landscape": (1, 2),
    "02-cancer-immunity-cycle": (0, 1),
    "03-three-es": (1, 1),
    "04-checkpoints": (1, 2),
    "05-cell-therapies": (1, 2),
    "06-resistance-pathways": (2, 1),
    "07-combination-strategies": (2, 1),
    "08-side-effects": (2, 1),
    "09-biomarkers": (1, 1),
    "10-history-timeline": (2, 2),
    "11-build-your-own": (0, 2),
}


def test_every_notebook_has_a_page_on_the_index(site):
    assert sorted(p.stem for p in (site / "notebooks").glob("*.html")) == [p.stem for p in NOTEBOOKS]
    assert set(FIGURES) == {p.stem for p in NOTEBOOKS}, "FIGURES lists every notebook"
    index = (site / "index.html").read_text(encoding="utf-8")
    import nbformat

    for path in NOTEBOOKS:
        title, description = lessons.describe(nbformat.read(path, as_version=4))
        assert title and description, path.name
        assert f'href="notebooks/{path.stem}.html"' in index
        escaped = title.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
        assert escaped in index, title


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_page_loads_nothing_remote(site, path):
    page = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src &#x27;none&#x27;" in csp.group(1) and "connect-src &#x27;none&#x27;" in csp.group(1)
    for tag, attr, url in re.findall(r"<(\w+)[^>]*?\s(src|href)=\"([^\"]*)\"", page):
        if re.match(r"https?:|//", url):
            assert tag == "a", f"<{tag} {attr}={url}> would fetch from the network"
    # a history page inlined in an iframe carries plotly.js, whose bundle names a CDN for map icons that
    # no figure here uses (and the policy forbids): look for CDNs in everything else
    rest = html.unescape(page).replace(render.plotly_js().replace("</script", "<\\/script"), "")
    assert "cdn.jsdelivr" not in rest and "cdnjs" not in rest and "unpkg.com" not in rest
    assert "require.min.js" not in page and "MathJax.js" not in page
    assert page.count('src="../assets/plotly.min.js"') == (1 if FIGURES[path.stem][0] else 0)
    assert "not medical advice" in page and 'href="../index.html"' in page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_page_draws_offline(every_page, path):
    """A lesson's page, opened offline: every figure drawn by plotly, every map drawn in its iframe, a link
    back to the index and the disclaimer, every prompt whole ("In [12]:", which JupyterLab's prompt width
    cut to "In [1…"), and nothing fetched or logged as an error."""
    visit = every_page[f"notebooks/{path.stem}.html"]
    figures, maps = FIGURES[path.stem]
    assert visit.disclaimers == 1
    assert visit.counts == {
        "figures": figures,
        "figures drawn": figures,
        "maps": maps,
        "maps drawn": maps,
        "links home": 1,
        "prompts cut short": 0,
    }
    assert visit.blocked == [] and visit.errors == []


# ---------------------------------------------------------------------------
# JupyterLab, as a student runs a notebook (localhost only)


@pytest.mark.browser
@pytest.mark.slow
def test_jupyterlab_runs_a_notebook_and_shows_a_map_and_a_chart(chromium, tmp_path):
    """Notebook 00 run top to bottom in JupyterLab 4 (localhost only): its maps drawn as live widgets, its
    chart drawn by plotly, no cell failed, and the inline map's labels readable on a lecturer's laptop."""
    from jupyter import open_context, start

    shutil.copy(NOTEBOOKS_DIR / "00-start-here.ipynb", tmp_path)
    server = start("lab", tmp_path)
    attempted: list[str] = []
    context = None
    try:
        # a lecturer's laptop: the notebook's inline map must read at this size (issue 13)
        context = open_context(chromium, server, attempted)
        page = context.new_page()
        page.set_default_timeout(60_000)
        server.start_kernel("00-start-here.ipynb")
        page.goto(server.page_url("00-start-here.ipynb"))
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        # a kernel must be running before "run all": wait for the kernel status to be idle
        page.wait_for_function(
            "() => { const app = window.jupyterapp; if (!app) return false;"
            " const w = app.shell.currentWidget; return !!(w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'); }",
            timeout=60_000,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # the maps: live widgets (viz.mapwidget), drawn
        widget = page.locator(".jp-OutputArea-output .immunoviz-widget").first
        widget.locator(".iv-map[data-ready='1']").wait_for(state="attached", timeout=120_000)
        # the chart: plotly's figure in the output area
        page.locator(".jp-OutputArea .js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=60_000)
        # every cell has run (no "[*]" prompt left) and none failed
        page.wait_for_function(
            "() => !Array.from(document.querySelectorAll('.jp-InputPrompt')).some(p => p.textContent.includes('*'))",
            timeout=120_000,
        )
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
        widget.scroll_into_view_if_needed()
        widget.locator("[data-iv=canvas]").scroll_into_view_if_needed()  # the drawing, below the legend
        smallest = widget.evaluate(
            "w => Math.min(...w.immunovizMap.nodes.get().filter(n => !n.hidden).map(n => w.immunovizMap.labelPx(n.id)))"
        )
        assert smallest >= 12, f"the inline map draws labels at {smallest:.1f} px"
        page.wait_for_timeout(1500)
        page.screenshot(path=str(tmp_path / "jupyterlab.png"))
        assert attempted == [], f"JupyterLab or the notebook tried to reach beyond localhost: {attempted}"
    finally:
        if context is not None:
            context.close()
        server.stop()
