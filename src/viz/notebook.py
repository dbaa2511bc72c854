"""Show maps and figures inline in Jupyter (JupyterLab, Notebook, VS Code).

A map is shown as an ``<iframe srcdoc>`` holding the same self-contained page
that :func:`viz.export.write_map` writes: it needs no server, no files beside
the notebook and no network, and it works where pyvis's own ``show()`` is blank
(VS Code, pyvis issue #116). The iframe is sandboxed: its scripts run, but it
cannot reach the notebook.
"""

from __future__ import annotations

from markupsafe import escape

__all__ = ["RENDERER", "map_iframe", "setup_plotly", "show"]


def map_iframe(net, *, height: int = 780) -> str:
    """HTML of an iframe showing a :class:`viz.maps.ConceptMap`."""
    from viz.export import render_map

    page = render_map(net)
    title = escape(net.page.get("title", "Concept map"))
    return (
        f'<iframe class="immunoviz-map" title="{title}" srcdoc="{escape(page)}" '
        f'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #d5d8de;border-radius:8px"></iframe>'
    )


def show(obj, *, height: int = 780) -> None:
    """Display a concept map or a plotly figure in the notebook."""
    from IPython.display import HTML, display

    from viz.maps import ConceptMap

    if isinstance(obj, ConceptMap):
        display(HTML(map_iframe(obj, height=height)))
    else:
        display(obj)


def _renderer():
    """plotly's ``notebook`` renderer without its MathJax CDN script and with stable div ids.

    plotly's own HTML renderers put ``<script src="https://cdnjs…/mathjax…">`` into
    every figure and name each figure's div after a random uuid; this one embeds
    no MathJax (the lessons use none) and names the div after the figure and its
    place in the kernel's session, so running a notebook twice gives the same HTML.
    """
    import hashlib
    import itertools
    import json

    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        _counter = itertools.count(1)

        def to_mimebundle(self, fig_dict):
            digest = hashlib.sha256(json.dumps(fig_dict, sort_keys=True, default=str).encode()).hexdigest()[:10]
            div_id = f"plotly-{next(self._counter)}-{digest}"
            html = pio.to_html(
                fig_dict,
                config=self.config,
                auto_play=self.auto_play,
                include_plotlyjs=False,
                include_mathjax=False,
                full_html=False,
                animation_opts=self.animation_opts,
                default_width="100%",
                default_height=525,
                validate=False,
                div_id=div_id,
            )
            return {"text/html": html}

    return OfflineNotebookRenderer()


#: The renderer name registered by :func:`setup_plotly`.
RENDERER = "immunoviz_notebook"


def setup_plotly() -> str:
    """Choose a plotly renderer that works offline in JupyterLab, VS Code and nbconvert.

    ``plotly_mimetype`` draws figures in JupyterLab and VS Code with their own
    plotly; ``immunoviz_notebook`` (plotly's ``notebook`` renderer, which embeds
    plotly.js once per notebook, minus its MathJax CDN script and with stable
    div ids) makes an HTML export draw them with no network. Returns the
    renderer name.
    """
    import plotly.io as pio

    if RENDERER not in pio.renderers:
        pio.renderers[RENDERER] = _renderer()
    pio.renderers.default = f"plotly_mimetype+{RENDERER}"
    return pio.renderers.default
