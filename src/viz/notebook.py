"""Show maps and figures inline in Jupyter (JupyterLab, Notebook, VS Code), offline.

A map shows itself (:class:`viz.maps.ConceptMap` renders as the sandboxed
iframe of :func:`viz.render.map_iframe`). :func:`setup_plotly` makes plotly
figures show themselves as :func:`figure_bundle`: plotly's own JSON, which
JupyterLab and VS Code draw with their plotly, and HTML that draws the figure
with no network in an HTML export of the notebook (plotly.js is inlined once,
before the first figure).

This bypasses plotly's renderer registry on purpose: ``plotly.io.renderers``
imports nbformat, and with it jsonschema's format checkers, whose
``rfc3987_syntax`` backend compiles some 35 grammars at import time (about
2 s in every kernel; python-jsonschema/jsonschema#1428). The figures look the
same; the lessons start in half the time.
"""

from __future__ import annotations

import hashlib
import itertools
import json

from viz import maps, render

__all__ = ["PLOTLYJS_MARK", "PLOTLY_CONFIG", "figure_bundle", "setup_plotly", "show"]

#: The plotly toolbar of an inline figure: no logo, no lasso or box select, a PNG at twice the size.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
#: The attribute that marks the one inline copy of plotly.js in a notebook's HTML outputs
#: (:mod:`viz.lessons` replaces it with the site's shared copy).
PLOTLYJS_MARK = 'data-immunoviz="plotly.js"'

_figures = itertools.count(1)
_plotlyjs_sent = False


def figure_bundle(fig) -> dict:
    """The mimebundle of a plotly figure: ``application/vnd.plotly.v1+json`` and ``text/html``.

    The HTML names its div after the figure's content and its place in the kernel's
    session (plotly would use a random uuid), so that running a notebook twice
    gives the same outputs; the first figure of a session carries plotly.js.
    """
    global _plotlyjs_sent
    import plotly.io as pio

    spec = json.loads(pio.to_json(fig, validate=False, remove_uids=False))
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode("utf-8")).hexdigest()[:10]
    html = pio.to_html(
        fig,
        config=PLOTLY_CONFIG,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        default_width="100%",
        default_height=525,
        validate=False,
        div_id=f"plotly-{next(_figures)}-{digest}",
    )
    if not _plotlyjs_sent:
        html = f"<script {PLOTLYJS_MARK}>{render.plotly_js()}</script>\n{html}"
        _plotlyjs_sent = True
    return {"application/vnd.plotly.v1+json": {**spec, "config": PLOTLY_CONFIG}, "text/html": html}


def setup_plotly() -> str:
    """Make plotly figures show themselves with :func:`figure_bundle` in this kernel.

    Returns the name of the display hook (for the notebook's record).
    """
    from IPython import get_ipython
    from plotly.basedatatypes import BaseFigure

    ip = get_ipython()
    if ip is not None:
        from IPython.display import publish_display_data

        ip.display_formatter.ipython_display_formatter.for_type(
            BaseFigure, lambda fig: publish_display_data({**figure_bundle(fig), "text/plain": repr(fig)})
        )
    return "immunoviz figure_bundle"


def show(obj, *, height: int = 820) -> None:
    """Display a concept map or a plotly figure in the notebook."""
    from IPython.display import HTML, display, publish_display_data

    if isinstance(obj, maps.ConceptMap):
        display(HTML(render.map_iframe(obj, height=height)))
    elif hasattr(obj, "to_plotly_json"):
        publish_display_data(figure_bundle(obj))
    else:
        display(obj)
