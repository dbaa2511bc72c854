"""The page checkers the accessibility tests run: axe-core in the browser, and the W3C Nu Html Checker.

Both come from npm, pinned in ``package.json`` / ``package-lock.json`` and installed into
``node_modules/`` by ``make test`` (``npm ci``); the Nu checker (``vnu-jar``) needs Java
(``.ci/run`` installs Debian's ``default-jre-headless`` when it is missing).
``tools/audit_site.py`` uses the same functions to print the counts for a whole site.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run `npm ci --ignore-scripts` in the project folder (make test does)"
JAVA_HINT = "install Java (Debian/Ubuntu: sudo apt-get install -y default-jre-headless)"

#: What axe checks: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
#: What fails a page: these impacts, and these rules whatever their impact.
FAILING_IMPACTS = ("critical", "serious")
FAILING_RULES = ("region",)


def axe_missing() -> str | None:
    """Why axe-core cannot run here, or ``None`` when it can."""
    return None if AXE_JS.exists() else f"axe-core is not installed ({AXE_JS} is missing); {INSTALL_HINT}"


def vnu_missing() -> str | None:
    """Why the Nu Html Checker cannot run here, or ``None`` when it can."""
    if not VNU_JAR.exists():
        return f"the Nu Html Checker is not installed ({VNU_JAR} is missing); {INSTALL_HINT}"
    if shutil.which("java") is None:
        return f"the Nu Html Checker needs Java; {JAVA_HINT}"
    return None


def run_axe(page) -> list[dict]:
    """axe-core's violations on a Playwright page that has drawn, in every frame.

    axe is evaluated into each frame (page scripts are bound by the page's strict CSP;
    evaluation from the driver is not) and run on each frame's own document, so the maps
    in a notebook page's sandboxed iframes are checked too. Each violation is
    ``{"id", "impact", "help", "frame", "targets"}``. ``preload: false``: axe would fetch the
    stylesheets again, which the pages' CSP forbids (the CSS is applied all the same).
    """
    source = AXE_JS.read_text(encoding="utf-8")
    found = []
    for number, frame in enumerate(page.frames):
        if frame.is_detached():
            continue
        frame.evaluate(source + "\n;void 0")
        result = frame.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, iframes: false, preload: false,
                                          resultTypes: ["violations"]})
                   .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                      targets: v.nodes.map(n => n.target.join(" "))})))""",
            AXE_TAGS,
        )
        for v in result:
            found.append({**v, "frame": number})
    return found


def failing(violations: list[dict]) -> list[dict]:
    """The violations that fail a page: critical or serious, or a rule in :data:`FAILING_RULES`."""
    return [v for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES]


def impact_counts(violations: list[dict]) -> Counter:
    """How many violations (rules broken on a page) of each impact."""
    return Counter(v["impact"] for v in violations)


def run_vnu(paths: list[Path]) -> list[dict]:
    """The Nu Html Checker's errors for HTML files: ``{"url", "line", "message", "extract"}`` each."""
    if not paths:
        return []
    java = shutil.which("java")
    args = [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, env={**os.environ, "LC_ALL": "C.UTF-8"})
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        {
            "url": m.get("url", ""),
            "line": m.get("lastLine"),
            "message": m.get("message", ""),
            "extract": (m.get("extract") or "")[:160],
        }
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
