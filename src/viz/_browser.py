"""Headless Chromium for static images: the system browser, driven by Playwright.

We never download a browser: Playwright is pointed at Debian's ``chromium``
(or ``$IMMUNOVIZ_CHROMIUM``), and every request that is not ``file:`` or
``data:`` is aborted, so pictures are made exactly as offline readers see pages.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "LAUNCH_ARGS",
    "BrowserUnavailable",
    "PageFailed",
    "chromium_path",
    "launch",
    "offline_context",
    "snapshots",
    "wait_ready",
]

#: Flags that keep Chromium quiet on a machine with no network (no update, sync or
#: background fetches) and usable as root in a container.
LAUNCH_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--font-render-hinting=none",
    "--force-color-profile=srgb",
]
VIEWPORT = {"width": 1600, "height": 1000}


class BrowserUnavailable(RuntimeError):
    """No Chromium to drive; the message says how to install one."""


def chromium_path() -> str | None:
    """The Chromium to use: ``$IMMUNOVIZ_CHROMIUM``, else Debian's, else one on ``PATH``."""
    env = os.environ.get("IMMUNOVIZ_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate) or (candidate if Path(candidate).exists() else None)
        if found:
            return found
    return None


INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium) or set IMMUNOVIZ_CHROMIUM "
    "to a Chromium or Chrome executable"
)


@contextmanager
def launch() -> Iterator:
    """A headless Chromium browser (Playwright ``Browser``)."""
    path = chromium_path()
    if path is None:
        raise BrowserUnavailable("Chromium not found; " + INSTALL_HINT)
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)
        except Error as exc:
            raise BrowserUnavailable(
                f"Chromium at {path} would not start ({str(exc).splitlines()[0]}); " + INSTALL_HINT
            ) from None
        try:
            yield browser
        finally:
            browser.close()


def offline_context(
    browser, *, blocked: list[str] | None = None, viewport: dict = VIEWPORT, scale: float = 1, **kwargs
):
    """A browser context in which every request that is not ``file:`` or ``data:`` fails (``scale``: device pixels
    per CSS pixel)."""
    context = browser.new_context(viewport=viewport, device_scale_factor=scale, service_workers="block", **kwargs)

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context


_TAG = re.compile(r'<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(/?)>')
_ATTR = re.compile(r'([\w:.-]+)="([^"]*)"')


def _stable_svg(svg: bytes, name: str) -> bytes:
    """The same SVG for the same chart, however plotly.js happened to draw it.

    plotly.js names clip paths and defs after a random six-hex-digit layout uid: it is
    replaced with one derived from ``name``. The order in which it sets an element's
    attributes can depend on timing (the root's empty ``style=""`` came before or after
    ``viewBox`` in a byte-identity test under load), so every element's attributes are
    written in name order, which an SVG reader ignores, and empty ``style`` attributes,
    which style nothing, are dropped.

    Examples
    --------
    >>> a = b'<svg width="9" style="" viewBox="0 0 9 9"><defs id="defs-a1b2c3"/><text y="1" x="2">a</text></svg>'
    >>> b = b'<svg width="9" viewBox="0 0 9 9" style=""><defs id="defs-0f0f0f"/><text x="2" y="1">a</text></svg>'
    >>> _stable_svg(a, "chart") == _stable_svg(b, "chart")
    True
    >>> _stable_svg(a, "chart")
    b'<svg viewBox="0 0 9 9" width="9"><defs id="defs-cc57fc"/><text x="2" y="1">a</text></svg>'
    """
    import hashlib

    text = svg.decode("utf-8")
    found = re.search(r'id="defs-([0-9a-f]{6})"', text)
    if found:
        text = text.replace(found.group(1), hashlib.sha256(name.encode()).hexdigest()[:6])

    def tag(m: re.Match) -> str:
        attrs = sorted((k, v) for k, v in _ATTR.findall(m.group(2)) if (k, v) != ("style", ""))
        return "<" + m.group(1) + "".join(f' {k}="{v}"' for k, v in attrs) + ("/>" if m.group(3) else ">")

    return _TAG.sub(tag, text).encode("utf-8")


def _data_url_bytes(url: str) -> bytes:
    head, _, body = url.partition(",")
    return base64.b64decode(body) if head.endswith(";base64") else urllib.parse.unquote(body).encode("utf-8")


class PageFailed(RuntimeError):
    """A page's script failed, so the page will never be ready; the message says which page and why."""


def wait_ready(page, errors: list[str], name: str, *, timeout_ms: int = 60_000) -> None:
    """Wait until a page sets ``body[data-ready='1']``; fail at once, not after the timeout, when its
    script throws (an uncaught error) or the chart says it could not be drawn (``data-chart-error``)."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        state = page.evaluate(
            "() => document.body ? [document.body.dataset.ready, document.body.dataset.chartError] : []"
        )
        state = [*state, None, None]
        if state[1]:
            raise PageFailed(f"{name}: the chart could not be drawn ({state[1]})")
        if state[0] == "1":
            return
        if errors:
            raise PageFailed(f"{name}: its script failed ({errors[0]})")
        if time.monotonic() > deadline:
            raise PageFailed(f"{name}: not drawn after {timeout_ms // 1000} s")
        page.wait_for_timeout(25)


#: A chart's PNG or SVG, from the figure its page holds (the page's HTML, given as text), at the figure's
#: own height: the timeline needs 70 px a lane.
_EXPORT = """([html, fmt]) => {
  const node = new DOMParser().parseFromString(html, "text/html").getElementById("immunoviz-figure");
  const fig = JSON.parse(node.textContent), size = {format: fmt, width: 1600, height: fig.layout.height || 1000};
  return Plotly.toImage({data: fig.data, layout: fig.layout}, size);
}"""


def snapshots(site: Path, entries) -> Iterator[tuple[object, str, bytes]]:
    """Yield ``(entry, "png" | "svg", bytes)`` for every map, chart and history page of a site.

    Maps and the history page are photographed as drawn on screen; charts are
    exported by plotly.js itself (``Plotly.toImage``), in PNG and SVG, from the
    figure in their page. plotly.js draws such a picture the same in any page
    (``Plotly.toImage`` draws it afresh, off screen), so a chart's page is opened
    only when the page open has no plotly.js: a build loads it once or twice
    (with the history page), not once a chart.
    """
    from playwright.sync_api import Error

    with launch() as browser:
        context = offline_context(browser)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            for entry in entries:
                if entry.kind != "chart" or not page.evaluate("() => 'Plotly' in window"):
                    errors.clear()
                    page.goto((site / entry.href).resolve().as_uri())
                    wait_ready(page, errors, entry.href)
                if entry.kind == "map":
                    page.evaluate("() => immunoviz.snapshot()")
                    page.wait_for_selector("body[data-snapshot='1']", state="attached", timeout=60_000)
                    yield entry, "png", page.screenshot(animations="disabled")
                elif entry.kind == "history":  # the page as it opens: the map beside the timeline
                    yield entry, "png", page.screenshot(animations="disabled")
                elif entry.kind == "chart":
                    html = (site / entry.href).read_text(encoding="utf-8")
                    for fmt in ("png", "svg"):
                        try:
                            blob = _data_url_bytes(page.evaluate(_EXPORT, [html, fmt]))
                        except Error as exc:
                            reason = exc.message.splitlines()[0]
                            raise PageFailed(f"{entry.href}: the chart could not be drawn ({reason})") from None
                        yield entry, fmt, _stable_svg(blob, entry.id) if fmt == "svg" else blob
        finally:
            context.close()
