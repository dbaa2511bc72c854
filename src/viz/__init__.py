"""immunoviz: cancer-immunotherapy concept maps, timelines and charts for teaching.

The package is layered like networkx drawing and seaborn:

- :mod:`viz.data` reads and validates the tables (the only reader);
- :mod:`viz.graph` turns them into networkx graphs, views and layouts (pure);
- :mod:`viz.maps` styles a graph and its positions as a pyvis network (pure);
- :mod:`viz.charts` draws plotly figures from the tables (pure);
- :mod:`viz.export` is the only module that writes files;
- :mod:`viz.notebook` shows maps and figures inline in Jupyter.

Educational material, not medical advice.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("immunoviz")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

DISCLAIMER = (
    "Educational material about cancer immunotherapy, not medical advice. "
    "Ask a qualified clinician about any treatment."
)

__all__ = ["DISCLAIMER", "__version__"]
