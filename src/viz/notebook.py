"""Show maps and figures inline in Jupyter (JupyterLab, Notebook, VS Code).

A map is shown as an ``<iframe srcdoc>`` holding the same self-contained page
that :func:`viz.export.write_map` writes: it needs no server, no files beside
the notebook and no network, and it works where pyvis's own ``show()`` is blank
(VS Code, pyvis issue #116). The iframe is sandboxed: its scripts run, but it
cannot reach the notebook.
"""

from __future__ import annotations

from markupsafe import escape

__all__ = ["map_iframe", "setup_plotly", "show"]


def map_iframe(net, *, height: int = 680) -> str:
    """HTML of an iframe showing a :class:`viz.maps.ConceptMap`."""
    from viz.export import render_map

    page = render_map(net)
    title = escape(net.page.get("title", "Concept map"))
    return (
        f'<iframe class="immunoviz-map" title="{title}" srcdoc="{escape(page)}" '
        f'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #d5d8de;border-radius:8px"></iframe>'
    )


def show(obj, *, height: int = 680) -> None:
    """Display a concept map or a plotly figure in the notebook."""
    from IPython.display import HTML, display

    from viz.maps import ConceptMap

    if isinstance(obj, ConceptMap):
        display(HTML(map_iframe(obj, height=height)))
    else:
        display(obj)


def setup_plotly() -> str:
    """Choose a plotly renderer that works offline in JupyterLab, VS Code and nbconvert.

    ``plotly_mimetype`` draws figures in JupyterLab and VS Code with their own
    plotly; ``notebook`` embeds plotly.js once per notebook, so an HTML export
    draws them with no network. Returns the renderer name.
    """
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype+notebook"
    return pio.renderers.default
