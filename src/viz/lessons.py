"""The lesson notebooks as pages of the site: run, then rendered as offline HTML.

:func:`execute` runs a notebook top to bottom with nbclient in a fresh kernel of
this Python, started in the notebook's own folder, with ``IMMUNOVIZ_DATA``
pointing at the tables being built and ``IMMUNOVIZ_EXPORTS`` at a throw-away
folder (so the lessons' own exports never land in the project). A run is cached
(:mod:`viz.cache`) by the notebook, the tables and the package code, so a
notebook whose inputs did not change is not run again.

:func:`render_lesson` turns the result into one HTML page that opens offline:

- nbconvert's ``lab`` template minus everything it would fetch from the web
  (require.js, MathJax, mermaid, the jupyter-widgets manager);
- plotly.js from the site's ``assets/`` folder instead of inlined 4 MB a page,
  the figures drawn by :func:`viz.notebook.setup_plotly`'s renderer (stable div
  ids, no MathJax CDN);
- maps as the same ``<iframe srcdoc>`` the notebook shows;
- widget views dropped (their static HTML rendering stays), links to other
  notebooks pointed at their pages, links into the project folder made plain
  text;
- the Content-Security-Policy of :func:`viz.render.csp` (the page's own scripts,
  including those of the maps inside it, by hash; no network), a link back to
  the index and the "educational material, not medical advice" footer.

Both are deterministic: two builds of the same data give the same bytes.

Educational material, not medical advice.
"""

from __future__ import annotations

import copy
import html
import os
import re
import sys
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

from viz import DISCLAIMER, __version__, cache
from viz import render as _render
from viz.notebook import PLOTLYJS_MARK
from viz.paths import TEMPLATES_DIR
from viz.tables import COPY_PREFIX

__all__ = ["NotebookError", "describe", "execute", "jobs", "notebook_files", "render_lesson", "topic"]

#: Seconds one cell may run before the build gives up on it.
CELL_TIMEOUT = 600
#: Output mimetypes a static page cannot use (live widgets; plotly's JSON, drawn from text/html instead).
DROPPED_MIMETYPES = ("application/vnd.jupyter.widget-view+json", "application/vnd.plotly.v1+json")
_TEMPLATE_DIR = TEMPLATES_DIR / "nbconvert"


class NotebookError(Exception):
    """A notebook failed to run or render; the message names it and the failing cell."""


def notebook_files(folder: Path | str) -> list[Path]:
    """The lesson notebooks of a folder (``NN-topic.ipynb``), in order."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]-*.ipynb") if p.is_file())


# ---------------------------------------------------------------------------
# what the index says about a notebook


def _plain(markdown: str) -> str:
    """Markdown inline text as one plain line (links keep their text)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return " ".join(text.split())


def describe(nb) -> tuple[str, str]:
    """``(title, description)``: the ``#`` heading and the first paragraph of ``## Overview``."""
    title, description = "", ""
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for source in markdown:
        found = re.search(r"^# (.+)$", source, re.M)
        if found and not title:
            title = _plain(found.group(1))
    for source in markdown:
        parts = re.split(r"^## Overview[ \t]*$", source, maxsplit=1, flags=re.M)
        if len(parts) == 2:
            paragraphs = [p for p in re.split(r"\n\s*\n", parts[1]) if p.strip() and not p.lstrip().startswith("#")]
            description = _plain(paragraphs[0]) if paragraphs else ""
            break
    return title, description


def topic(nb, ds) -> str:
    """The topic heading of the first map a notebook draws (``maps.view_map(ds, "cycle")`` or
    ``mapwidget.MapWidget(ds, "cycle")``), else of the
    first chart it draws (``charts.timeline_figure(ds)``), else "Overview"."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    topics = ds.topics["title"]
    views = ds.views
    for view in re.findall(r"(?:view_map|MapWidget)\(\s*\w+\s*,\s*[\"'](\w+)[\"']", code):
        if view in views.index:
            return str(topics.get(views.loc[view, "topic"], views.loc[view, "topic"]))
    declared = {str(k): t for k, t in zip(ds.charts["chart"], ds.charts["topic"], strict=True)}
    for kind in re.findall(r"charts\.(\w+)_figure\(", code):
        if kind in declared:
            return str(topics.get(declared[kind], declared[kind]))
    return "Overview"


# ---------------------------------------------------------------------------
# running


def _kernel_manager_class(env: dict[str, str], runtime_dir: Path):
    """A kernel manager for this very Python (not whatever ``python3`` kernelspec the user has),
    with extra environment variables, talking over Unix sockets in ``runtime_dir`` (no TCP ports,
    nothing written to the user's Jupyter runtime folder or the notebook's)."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="Python 3 (immunoviz build)",
        language="python",
        env=env,
    )

    class LessonKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            name = f"kernel-{uuid.uuid4().hex[:12]}"
            kwargs.setdefault("connection_file", str(runtime_dir / f"{name}.json"))
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(runtime_dir / name))
            super().__init__(**kwargs)

        @property
        def kernel_spec(self):
            return spec

    return LessonKernelManager


def execute(path: Path | str, *, data_dir: Path | str | None = None, exports_dir: Path | str | None = None):
    """Run a notebook top to bottom and return the executed notebook (the file is not changed).

    The kernel starts in the notebook's folder. ``data_dir`` and ``exports_dir``
    become ``IMMUNOVIZ_DATA`` and ``IMMUNOVIZ_EXPORTS`` for the kernel; by default
    its exports go to a temporary folder that is removed afterwards. Without
    ``exports_dir`` (nothing to write), a run is cached by the notebook, every
    file of the tables and the package code (:mod:`viz.cache`).
    """
    path = Path(path).resolve()
    if exports_dir is not None:
        return _execute(path, data_dir, exports_dir)
    from viz import data

    folder = Path(data_dir) if data_dir is not None else None
    tables = data.dataset_files(folder) if folder is not None else []
    key = cache.fingerprint(
        [path.read_bytes(), str(folder.resolve()) if folder else "", cache.code_fingerprint()]
        + [p.read_bytes() for p in tables]
    )
    return cache.cached(_execute_cached, path, data_dir, key, ignore=["path", "data_dir"])


def _execute_cached(path: Path, data_dir, key: str):  # joblib keys the cache on ``key`` alone
    return _execute(path, data_dir, None)


def _execute(path: Path, data_dir, exports_dir):
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="immunoviz-notebook-") as scratch:
        scratch = Path(scratch)
        env = {
            "IMMUNOVIZ_EXPORTS": str(Path(exports_dir).resolve() if exports_dir else scratch / "exports"),
            "IPYTHONDIR": str(scratch / "ipython"),  # no user startup files; nothing written to ~/.ipython
            "MPLBACKEND": "agg",
        }
        if data_dir is not None:
            env["IMMUNOVIZ_DATA"] = str(Path(data_dir).resolve())
        client = ExecutePreprocessor(
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            kernel_manager_class=_kernel_manager_class(env, scratch),
            store_widget_state=False,
            record_timing=False,
            coalesce_streams=True,  # a print loop split into several outputs by timing would change the page
            shutdown_kernel="immediate",
        )
        try:
            client.preprocess(nb, {"metadata": {"path": str(path.parent)}})
        except CellExecutionError as exc:
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # IPython colours its tracebacks
            lines = [line for line in text.splitlines() if line.strip()]
            raise NotebookError(f"{path.name} failed: {lines[-1] if lines else exc}") from None
        except (CellTimeoutError, DeadKernelError, RuntimeError, OSError) as exc:
            raise NotebookError(f"{path.name} could not run: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    return nb


# ---------------------------------------------------------------------------
# rendering


def _stable_text(text: str) -> str:
    """Output text without the random names of temporary folders (the copies the build-your-own
    lesson makes), so two builds give the same page."""
    if COPY_PREFIX not in text:
        return text
    return re.sub(r"[^\s\"'<>()]*?" + re.escape(COPY_PREFIX) + r"[A-Za-z0-9_]+/", "…/", text)


def _clean(nb, *, plotly_src: str | None):
    """A copy fit for a static page: no widget views or plotly JSON, plotly.js from the assets."""
    nb = copy.deepcopy(nb)
    inline_plotly = f"<script {PLOTLYJS_MARK}>{_render.plotly_js()}</script>"
    loaded = False
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
            if isinstance(output.get("text"), str):
                output["text"] = _stable_text(output["text"])
            data = output.get("data")
            if not data:
                continue
            for mimetype, value in data.items():
                if mimetype.startswith("text/") and isinstance(value, str):
                    data[mimetype] = _stable_text(value)
            for mimetype in DROPPED_MIMETYPES:
                if mimetype in data and len(data) > 1:
                    del data[mimetype]
            page = data.get("text/html")
            if isinstance(page, list):
                page = data["text/html"] = "".join(page)
            if plotly_src and page and inline_plotly in page:  # the kernel inlined plotly.js once: share it
                shared = "" if loaded else f'<script src="{html.escape(plotly_src)}"></script>'
                data["text/html"] = page.replace(inline_plotly, shared)
                loaded = True
    return nb


_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_SRCDOC = re.compile(r'\ssrcdoc="([^"]*)"')


def _inline_scripts(page: str) -> Iterable[str]:
    """The text of every inline script of a page, and of the pages in its ``srcdoc`` iframes
    (those inherit this page's policy, so it must allow their scripts too)."""
    for m in _SCRIPT.finditer(page):
        if not re.search(r"\bsrc\s*=", m.group("attrs")):
            yield m.group("body")
    for m in _SRCDOC.finditer(page):
        yield from _inline_scripts(html.unescape(m.group(1)))


def _relink(page: str, notebooks: set[str], home: str) -> str:
    """Links to other notebooks go to their pages; links into the project folder become plain text."""

    def link(m: re.Match) -> str:
        target, rest, text = m.group(1), m.group(2), m.group(3)
        if target == home or re.match(r"^(https?:|mailto:|#)", target):
            return m.group(0)
        stem = target.split("#", 1)[0].removesuffix(".ipynb")
        if target.split("#", 1)[0].endswith(".ipynb") and stem in notebooks:
            anchor = "#" + target.split("#", 1)[1] if "#" in target else ""
            return f'<a href="{stem}.html{anchor}"{rest}>{text}</a>'
        where = html.escape(html.unescape(target).lstrip("./"))
        return f'<span class="project-file" title="{where} in the immunoviz project folder">{text}</span>'

    return re.sub(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', link, page, flags=re.S)


def render_lesson(
    nb,
    *,
    name: str,
    title: str,
    version: str = "",
    home: str = "../index.html",
    plotly_src: str | None = "../assets/plotly.min.js",
    stylesheet: str | None = "../assets/immunoviz.css",
    notebooks: Iterable[str] = (),
    disclaimer: str | None = None,
) -> str:
    """The HTML page of an executed notebook (a string; nothing is written).

    ``name`` is the notebook's file name (shown in the footer), ``notebooks`` the
    stems of the other notebooks that have pages beside this one, ``stylesheet`` the site's
    stylesheet (``None`` inlines it, and the script beside it that fits a flow chart's labels).
    """
    from nbconvert import HTMLExporter

    nb = _clean(nb, plotly_src=plotly_src)
    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="immunoviz", extra_template_basedirs=[str(_TEMPLATE_DIR)])
    resources = {
        "immunoviz": {
            "disclaimer": disclaimer or DISCLAIMER,
            "version": version,
            "immunoviz_version": __version__,
            "home": home,
            "name": name,
            "stylesheet": stylesheet,
            # the flow-label script, beside the stylesheet (or inlined with it)
            "flows": _render.Assets(None if stylesheet is None else stylesheet[: stylesheet.rfind("/") + 1]).script(
                "immunoviz-flows.js"
            ),
            "css": "" if stylesheet else _render.SITE_ASSETS["immunoviz.css"](),
        }
    }
    page, _ = exporter.from_notebook_node(nb, resources=resources)
    page = _relink(page, set(notebooks), home)
    policy = _render.csp(_inline_scripts(page), shared=True, frames=True)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    page, n = re.subn(r"(<meta charset=\"utf-8\" ?/?>)", lambda m: m.group(1) + "\n" + meta, page, count=1)
    if n != 1:  # pragma: no cover - only with an unexpected nbconvert template
        raise NotebookError(f"{name}: nbconvert's page has no <meta charset>; cannot add the security policy")
    return page


def jobs() -> int:
    """How many notebooks to run at once: one per core, at most 4 (``$IMMUNOVIZ_JOBS`` overrides)."""
    env = os.environ.get("IMMUNOVIZ_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(4, os.cpu_count() or 1))
