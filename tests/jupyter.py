"""JupyterLab 4 and Notebook 7 for the widget tests: a server on a free port with a token, in a folder of
its own, and a notebook in it that Chromium opens and runs cell by cell, as a reader does (Shift+Enter).

The server reads no user settings (its config, data-runtime, settings and workspace folders are the
test's), asks nothing of the web (no news, no update check) and listens on 127.0.0.1 only; the browser
context lets through the server's own address and records every other request it aborts.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from conftest import free_port

#: Seconds a cell may take to run and show its output (the first map widget of a kernel builds its map).
CELL_TIMEOUT = 120


@dataclass
class Server:
    """A running Jupyter server: ``url`` (with no trailing slash), its ``token`` and the folder it serves."""

    app: str
    url: str
    token: str
    root: Path
    process: subprocess.Popen = field(repr=False)
    log: Path = field(repr=False)

    def page_url(self, notebook: str) -> str:
        if self.app == "lab":  # reset: the workspace would open the notebooks of earlier pages beside it
            return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"
        return f"{self.url}/notebooks/{notebook}?token={self.token}"

    def start_kernel(self, notebook: str) -> None:
        """Start the notebook's session and kernel from the REST API: the page then connects to it, instead of
        choosing a kernel itself (which a loaded machine can leave at "No Kernel")."""
        body = json.dumps({"path": notebook, "type": "notebook", "name": notebook, "kernel": {"name": "python3"}})
        request = urllib.request.Request(
            f"{self.url}/api/sessions?token={self.token}",
            data=body.encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as r:
            assert r.status == 201, r.status

    def kernel_ready(self) -> bool:
        """A kernel runs, idle, with a page connected to it (a cell run before that is lost)."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/kernels?token={self.token}", timeout=10) as r:
                return any(k["execution_state"] == "idle" and k["connections"] > 0 for k in json.load(r))
        except OSError:  # a loaded machine: ask again
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


def start(app: str, root: Path) -> Server:
    """Start ``jupyter lab`` (``app="lab"``) or Notebook 7 (``app="notebook"``) on ``root``; wait until it answers."""
    home = root / ".jupyter-home"
    for name in ("config", "data", "runtime", "settings", "workspaces", "ipython"):
        (home / name).mkdir(parents=True, exist_ok=True)
    # JupyterLab's "would you like news?" toast and its fetch of the news feed: off
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(exist_ok=True)
    disabled = {"@jupyterlab/apputils-extension:announcements": True}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}), encoding="utf-8")
    # every cell stays in the page (no windowing: a test reads cells far below), and no news or update question
    settings = home / "settings" / "@jupyterlab"
    for plugin, values in {
        "notebook-extension/tracker": {"windowingMode": "none"},
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    port, token = free_port(), secrets.token_hex(16)
    module = "jupyterlab" if app == "lab" else "notebook"
    args = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI and containers run as root
        args.append("--allow-root")
    if app == "lab":
        args += ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        args += ["--LabApp.extension_manager=readonly"]  # no look-ups of extensions on PyPI
        args += ["--LabApp.expose_app_in_browser=True"]  # window.jupyterapp: a test may run every cell at once
    log = root / f".{app}-server.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(app, f"http://127.0.0.1:{port}", token, root, process, log)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the {app} server did not start: {log.read_text(encoding='utf-8')[-2000:]}")
        time.sleep(0.3)


def write_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of code cells, with the project's Python as its kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, path)
    return path


def open_context(browser, server: Server, blocked: list[str]):
    """A browser context that lets through the server's own requests and aborts (and records) every other."""
    from viz import _browser

    context = browser.new_context(viewport=_browser.VIEWPORT, device_scale_factor=1, service_workers="block")

    def route(r):
        url = r.request.url
        if url.startswith((server.url + "/", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context


class NotebookPage:
    """A notebook open in JupyterLab or Notebook 7, whose cells are run one at a time from the keyboard."""

    def __init__(self, page, server: Server, name: str):
        self.page = page
        self.server = server
        server.start_kernel(name)
        page.goto(server.page_url(name))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        # wait in the browser's own time: Playwright answers the page's requests (the route above) only then
        deadline = time.monotonic() + 120
        while not server.kernel_ready():
            assert time.monotonic() < deadline, "no kernel was ready in 120 s"
            page.wait_for_timeout(250)
        page.wait_for_timeout(1000)  # the page asks for the kernel's info once connected

    def cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def run(self, index: int) -> str:
        """Run cell ``index`` (click its editor, Shift+Enter) and return the text of its output once it has run."""
        cell = self.cell(index)
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Shift+Enter")
        prompt = cell.locator(".jp-InputArea-prompt")
        deadline = time.monotonic() + CELL_TIMEOUT
        while not any(ch.isdigit() for ch in (prompt.inner_text() or "")):
            if time.monotonic() > deadline:
                raise AssertionError(f"cell {index} did not run in {CELL_TIMEOUT} s")
            self.page.wait_for_timeout(100)
        outputs = cell.locator(".jp-OutputArea-output")
        return "\n".join(outputs.nth(i).inner_text() for i in range(outputs.count()))


@contextmanager
def notebook(browser, server: Server, name: str, cells: list[str]) -> Iterator[tuple[NotebookPage, list[str]]]:
    """Write a notebook of these cells, open it in a new browser context; yield the page and the list of the
    requests it tried beyond the server (to assert empty)."""
    write_notebook(server.root / name, cells)
    blocked: list[str] = []
    context = open_context(browser, server, blocked)
    try:
        yield NotebookPage(context.new_page(), server, name), blocked
    finally:
        context.close()
