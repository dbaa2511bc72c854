"""immunoviz: concept maps, timelines and charts for teaching, from curated tables (ours: cancer immunotherapy).

The package is layered like networkx drawing and seaborn; a module imports only
those above it in this list (``tests/test_project.py`` checks):

- :mod:`viz.paths` every path, once; :mod:`viz.cache` the cache of slow results;
- :mod:`viz.data` reads and validates the tables (the only reader);
- :mod:`viz.queries` questions asked of the tables;
- :mod:`viz.graph` tables -> networkx graphs; :mod:`viz.style` colours, shapes, glyphs;
- :mod:`viz.layout` positions (pure, seeded);
- :mod:`viz.render` pages as strings (templates, one CSP, the map payload);
- :mod:`viz.maps` graph + positions -> a styled pyvis network (pure);
- :mod:`viz.charts` tables -> plotly figures (pure); :mod:`viz.svg` static map pictures;
- :mod:`viz.history` the map and the timeline on one page, each filtering the other;
- :mod:`viz.export` the only writer (atomic files and folders);
- :mod:`viz.tables` a copy of the tables a notebook may edit;
- :mod:`viz.lessons` the lesson notebooks run and rendered as pages;
- :mod:`viz.slides` lectures: a reveal.js deck, its PDF, handout and PowerPoint file;
- :mod:`viz.site` the build: pages, incremental reuse, images;
- :mod:`viz.serve` the live preview (build, serve, watch, rebuild);
- :mod:`viz.widgets` notebook explorers; :mod:`viz.notebook` inline display;
- :mod:`viz.mapwidget` the map as a notebook widget that shares its state with Python (:class:`MapWidget`);
- :mod:`viz.cli` the command line.

Educational material, not medical advice.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("immunoviz")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

#: The notice every page carries unless the tables' ``datapackage.json`` words it for their topic
#: (its ``site.disclaimer``); our own tables say it is about cancer immunotherapy.
DISCLAIMER = "Educational material, not medical advice."

__all__ = ["DISCLAIMER", "MapWidget", "__version__"]


def __getattr__(name: str):
    """``viz.MapWidget`` (:class:`viz.mapwidget.MapWidget`), imported when first asked for: the widget brings
    anywidget and ipywidgets, which the command line and the build never need."""
    if name == "MapWidget":
        from viz.mapwidget import MapWidget

        return MapWidget
    raise AttributeError(f"module 'viz' has no attribute {name!r}")
