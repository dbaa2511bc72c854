"""Concept maps in and out: CmapTools CXL, JSON Canvas, GraphML, GEXF, Cytoscape.js JSON and Mermaid.

One module per format, each with ``read(data, name) -> Map`` and ``write(Map) -> str``, around a
neutral :class:`~viz.interchange.model.Map`. :func:`read` picks the format by a file's content, not
its name; :func:`write` writes one. :mod:`viz.interchange.dataset` turns maps into a complete set of
tables (``immunoviz import``) and a view of our tables into a map (``immunoviz export``).

Examples
--------
>>> from viz import interchange
>>> m = interchange.loads(b"flowchart LR\\n  A[Cells] -->|make up| B[Tissues]", "cells.mmd")
>>> m.fmt, [c.label for c in m.concepts], [k.verb for k in m.links]
('mermaid', ['Cells', 'Tissues'], ['make up'])
>>> print(interchange.write(m, "mermaid").splitlines()[-1])
    n1 -->|"make up"| n2
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from viz.interchange import canvas, cxl, cytoscape, gexf, graphml, mermaid
from viz.interchange.model import MAX_BYTES, FileError, Map, clean_text

__all__ = ["EXTENSIONS", "FORMATS", "MAX_BYTES", "NAMES", "FileError", "Map", "detect", "loads", "read", "write"]

#: Every format, by the name ``--format`` takes, with its module.
FORMATS = {"cxl": cxl, "canvas": canvas, "graphml": graphml, "gexf": gexf, "cytoscape": cytoscape, "mermaid": mermaid}
#: The file name ending each format is written with.
EXTENSIONS = {
    "cxl": ".cxl",
    "canvas": ".canvas",
    "graphml": ".graphml",
    "gexf": ".gexf",
    "cytoscape": ".cyjs",
    "mermaid": ".mmd",
}
#: What each format is called where a page offers it for download.
NAMES = {
    "cxl": "CmapTools (.cxl)",
    "canvas": "Obsidian canvas (.canvas)",
    "graphml": "yEd and GraphML (.graphml)",
    "gexf": "Gephi (.gexf)",
    "cytoscape": "Cytoscape (.cyjs)",
    "mermaid": "Mermaid (.mmd)",
}
_XML_ROOTS = {"cmap": "cxl", "graphml": "graphml", "gexf": "gexf"}
WHAT_WE_READ = "a CmapTools CXL, JSON Canvas, GraphML, GEXF, Cytoscape.js JSON file or a Mermaid flowchart"


def detect(data: bytes, name: str) -> str:
    """The format of a file, from its content: an XML root element, a JSON shape, or Mermaid's first word.

    Examples
    --------
    >>> detect(b'<?xml version="1.0"?><gexf version="1.3"/>', "x.xml"), detect(b'{"nodes": []}', "a.json")
    ('gexf', 'canvas')
    """
    text = data[:4096].decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("<"):
        from viz.interchange import _xml

        root = _xml.top(data, name)  # its start tag: the reader parses the whole file
        if root.tag in _XML_ROOTS:
            return _XML_ROOTS[root.tag]
        raise FileError(
            name, f"an XML file whose root element is <{root.tag}>, not {WHAT_WE_READ}", root.line, root.column
        )
    if text.startswith(("{", "[")):
        from viz.interchange import _json

        doc = _json.load(data, name)
        if cytoscape.elements(doc) is not None:
            return "cytoscape"
        if isinstance(doc, dict) and isinstance(doc.get("nodes", None), list):
            return "canvas"
        raise FileError(name, f"a JSON file, but not {WHAT_WE_READ} (no 'nodes' or 'elements' in it)", 1, 1)
    if mermaid.is_mermaid(data.decode("utf-8-sig", errors="replace")):
        return "mermaid"
    raise FileError(name, f"not {WHAT_WE_READ}", 1, 1)


def loads(data: bytes, name: str) -> Map:
    """Read the bytes of a map file, whatever its format; raise :class:`FileError` on anything else."""
    if len(data) > MAX_BYTES:
        raise FileError(name, f"{len(data):,} bytes; the limit is {MAX_BYTES:,} (split the map into several files)")
    return FORMATS[detect(data, name)].read(data, name).check()


def read(path: Path | str) -> Map:
    """Read a map file (:func:`loads` on its bytes), named in messages as it was given."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FileError(str(path), f"{size:,} bytes; the limit is {MAX_BYTES:,} (split the map into several files)")
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(str(path), f"cannot read it: {exc.strerror or exc}") from None
    return loads(data, str(path))


def write(m: Map, fmt: str) -> str:
    """Write a map in one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise ValueError(f"no format {fmt!r}; the formats are {', '.join(FORMATS)}")
    clean = replace(  # a label is one line of text, in every format (XML has no place for control characters)
        m,
        title=clean_text(m.title),
        concepts=[replace(c, label=clean_text(c.label)) for c in m.concepts],
        links=[replace(k, verb=clean_text(k.verb)) for k in m.links],
    )
    return FORMATS[fmt].write(clean)
