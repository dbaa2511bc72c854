"""Every path immunoviz uses, in one place.

Notebooks and tests import these instead of building paths from the current
directory: nbval starts each kernel in the notebook's own folder.

Two environment variables redirect the notebooks (``immunoviz build`` sets them
for the kernels it starts, so building the site writes nothing into the project
and works in a read-only checkout): ``IMMUNOVIZ_DATA`` replaces :data:`DATA_DIR`
and ``IMMUNOVIZ_EXPORTS`` replaces :data:`EXPORTS_DIR`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "EXPORTS_DIR",
    "NOTEBOOKS_DIR",
    "PACKAGE_DIR",
    "PROJ_ROOT",
    "SCAFFOLD_DIR",
    "SITE_DIR",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "vis_network_assets",
]

PACKAGE_DIR = Path(__file__).resolve().parent
#: The project checkout (src layout: src/viz/paths.py -> parents[2]).
PROJ_ROOT = PACKAGE_DIR.parents[1]
#: The tables (``$IMMUNOVIZ_DATA`` if set).
DATA_DIR = Path(os.environ.get("IMMUNOVIZ_DATA") or PROJ_ROOT / "data")
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
SITE_DIR = PROJ_ROOT / "site"
#: Where notebooks write their exported pages (not committed; ``$IMMUNOVIZ_EXPORTS`` if set).
EXPORTS_DIR = Path(os.environ.get("IMMUNOVIZ_EXPORTS") or PROJ_ROOT / "exports")
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
#: The starting dataset that ``immunoviz new`` copies (package data, so it works from a pip install).
SCAFFOLD_DIR = PACKAGE_DIR / "scaffold"


def vis_network_assets() -> tuple[Path, Path]:
    """Return the vis-network JavaScript and CSS files that the installed pyvis ships.

    We inline these instead of fetching vis-network from a CDN, so exported maps
    open with no network.
    """
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: _version(p.parent.name))
    if not candidates:  # pragma: no cover - only with a broken pyvis install
        raise FileNotFoundError(f"pyvis ships no vis-network under {lib}; reinstall pyvis")
    js = candidates[-1]
    return js, js.with_name("vis-network.css")


def _version(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in folder.removeprefix("vis-").split(".") if part.isdigit())
