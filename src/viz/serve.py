"""The course author's live preview: build, serve on 127.0.0.1, watch the tables, rebuild, reload.

:func:`serve` builds a dataset's site into a temporary folder with
:func:`viz.site.build_site` (incremental, without images or lessons, so a
rebuild after one saved CSV takes a second or two), serves it with the standard
library's HTTP server in a thread, and watches the tables with ``watchfiles``.
After every change it rebuilds; when the tables are invalid it keeps serving the
last good build and lists the ``file:row:column`` problems in the terminal and in
a box over every page (and on ``/_immunoviz/problems``).

**Reloading within the pages' Content-Security-Policy.** Exported pages forbid
every connection (``connect-src 'none'``), so a page cannot ``fetch`` a version
number. Only the served copy of a page gets one extra element, added as the file
is sent (the files of the build are never changed)::

    <script src="/_immunoviz/reload.js" data-version="V"></script>

Every site page already allows scripts from its own origin (``script-src 'self'``,
for its shared ``assets/``), so this script runs under the page's own policy.
It polls by adding ``<script src="/_immunoviz/version.js?page=…">`` (a script load,
not a connection) which calls back with the page's current version ``V`` (a hash of
the page's file and of the tables' problems); when it differs from the one the page
was served with, it calls ``location.reload()``. So a page reloads when it changed,
or when problems appear or go, and not after every rebuild. Nothing is relaxed.

Educational material, not medical advice.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from viz import data, export, render, site

__all__ = ["RELOAD_JS", "Preview", "serve"]

#: Where the preview's own files are served; no page of a site uses this folder.
PREFIX = "/_immunoviz/"
#: The page script that reloads a page when the site has been rebuilt (see the module docstring).
RELOAD_JS = """/* immunoviz serve: reload this page when the site is rebuilt (served pages only). */
(function () {
  "use strict";
  var mine = document.currentScript.getAttribute("data-version");
  var poll = null;
  var page = encodeURIComponent(location.pathname);
  window.immunovizServe = function (version) {
    if (String(version) !== mine) { location.reload(); }
  };
  function check() {
    if (poll) { poll.remove(); }
    poll = document.createElement("script");
    poll.src = "/_immunoviz/version.js?page=" + page + "&t=" + Date.now();
    document.head.appendChild(poll);
  }
  setInterval(check, 500);
})();
"""
#: How often the tables are looked at, and how long a burst of saves is waited out (milliseconds).
WATCH_STEP_MS = 50
WATCH_DEBOUNCE_MS = 200


@dataclass
class Preview:
    """The state of a running preview: the build number, and the problems of the tables (if any)."""

    data_dir: Path
    out: Path
    version: int = 0
    problems: list[str] = field(default_factory=list)
    built: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def rebuild(self, log: Callable[[str], None]) -> None:
        """Validate and build; on bad tables keep the last good build and record the problems."""
        started = time.perf_counter()
        try:
            ds = data.load(self.data_dir)
            with self.lock:
                report = site.build_site(ds, self.out, images=False)
        except data.DataError as exc:
            with self.lock:
                self.problems = [str(p) for p in exc.problems]
                self.version += 1
            log(exc.report().replace("nothing was written.", "still showing the last good build."))
            return
        except export.ExportError as exc:
            with self.lock:
                self.problems = [f"the build failed: {exc}"]
                self.version += 1
            log(f"immunoviz: error: {exc}")
            return
        with self.lock:
            self.problems = []
            self.built = True
            self.version += 1
        made = len(report.made)
        log(f"built in {time.perf_counter() - started:.1f} s: {made} page{'s' * (made != 1)} made afresh")

    def snapshot(self) -> tuple[int, list[str], bool]:
        with self.lock:
            return self.version, list(self.problems), self.built


def render_problems(problems: list[str], *, standalone: bool = False) -> str:
    """The box that lists the problems over a served page (or, ``standalone``, as a page of its own)."""
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    n = len(problems)
    box = (
        '<section id="immunoviz-problems" class="preview-problems" role="alert">'
        f"<h2>{n} problem{'s' * (n != 1)} in the tables: still showing the last good build</h2>"
        f"<ul>{items}</ul><p>Fix them and save: the page reloads by itself.</p></section>"
    )
    if not standalone:
        return box
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Problems · immunoviz</title>'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; "
        "style-src 'unsafe-inline'\"><style>"
        + render.SITE_ASSETS["immunoviz.css"]()  # ours: no "</style" in it
        + "</style></head><body>"
        + box
        + "</body></html>"
    )


class _Handler(SimpleHTTPRequestHandler):
    """Serves the preview's site; adds the reload script (and the problems) to every HTML page it sends."""

    preview: Preview

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal is for the author's problems, not for every request

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        _, problems, built = self.preview.snapshot()
        if path == "/favicon.ico":  # browsers ask for one; the site has none (pages open from files)
            self.send_response(204)
            self.end_headers()
            return None
        if path == PREFIX + "reload.js":
            return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if path == PREFIX + "version.js":
            page = urllib.parse.parse_qs(query).get("page", ["/"])[0]
            with self.preview.lock:
                answer = json.dumps(self._version(page, *self.preview.snapshot()[1:]))
            return self._send(f"window.immunovizServe && window.immunovizServe({answer});".encode(), "text/javascript")
        if path in (PREFIX + "problems", PREFIX + "state.json"):
            if path.endswith(".json"):
                state = {"version": self.preview.snapshot()[0], "problems": problems}
                return self._send(json.dumps(state).encode(), "application/json")
            page = render_problems(problems, standalone=True)
            return self._send(self._page(page, self._version(path, problems, built)), "text/html")
        if not built:
            page = render_problems(problems, standalone=True)
            return self._send(self._page(page, self._version(path, problems, built)), "text/html")
        if path.endswith("/"):
            path += "index.html"
        with self.preview.lock:  # never during a build: build_site swaps the folder in whole
            _, problems, built = self.preview.snapshot()  # the build this very file belongs to
            target = Path(self.translate_path(path))
            if target.suffix != ".html" or not target.is_file():
                return super().do_GET()
            text = target.read_text(encoding="utf-8")
            version = self._version(path, problems, built)
        extra = render_problems(problems) if problems else ""
        return self._send(self._page(text, version, extra), "text/html")

    def _version(self, path: str, problems: list[str], built: bool) -> str:
        """What a served page shows: its file as last built (if any) and the problems of the tables."""
        if path.endswith("/"):
            path += "index.html"
        target = Path(self.translate_path(path)) if built else None
        body = target.read_bytes() if target is not None and target.is_file() else b""
        return hashlib.sha256(body + json.dumps([built, problems]).encode()).hexdigest()[:16]

    def _page(self, text: str, version: str, extra: str = "") -> bytes:
        tag = f'{extra}<script src="{PREFIX}reload.js" data-version="{version}"></script>'
        head, sep, tail = text.rpartition("</body>")
        return (head + tag + sep + tail if sep else text + tag).encode("utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind if "charset" in kind or "html" not in kind else kind + "; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(
    data_dir: Path | str,
    *,
    port: int = 8000,
    log: Callable[[str], None] = print,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve a live preview of a dataset's site on ``http://127.0.0.1:port/`` until interrupted.

    Parameters
    ----------
    data_dir
        The folder of tables to watch.
    port
        The port (0 picks a free one).
    log
        Called with one line per build, or the problems of the tables.
    ready
        Called with the address once the first build is served.
    stop
        Serving ends when this event is set (or on Ctrl-C, which propagates).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise data.DataError([data.Problem(str(data_dir), message="no such data folder")], data_dir)
    import watchfiles

    tmp = Path(tempfile.mkdtemp(prefix="immunoviz-serve-"))
    preview = Preview(data_dir, tmp / "site")
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(preview.out)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="immunoviz-serve", daemon=True)
    try:
        preview.rebuild(log)
        thread.start()
        address = f"http://127.0.0.1:{server.server_address[1]}/"
        log(f"serving {address} (watching {data_dir}; Ctrl-C stops)")
        if ready:
            ready(address)
        for changes in watchfiles.watch(
            data_dir,
            watch_filter=lambda _change, path: Path(path).suffix in (".csv", ".json"),
            debounce=WATCH_DEBOUNCE_MS,
            step=WATCH_STEP_MS,
            stop_event=stop,
            raise_interrupt=True,
        ):
            names = sorted({Path(p).name for _, p in changes})
            log(f"changed: {', '.join(names)}")
            preview.rebuild(log)
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
