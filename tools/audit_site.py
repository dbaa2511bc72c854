"""Audit a built site: axe-core on every page and the Nu Html Checker on index, map and chart pages.

    .venv/bin/python tools/audit_site.py site/            # counts, and every failing rule
    .venv/bin/python tools/audit_site.py site/ --json out.json

Needs the checkers from ``package.json`` (``npm ci --ignore-scripts``), Java and Chromium.
The tests (tests/test_accessibility.py) run the same checks and fail on what this prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import checkers

from viz import _browser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", type=Path, help="write every violation and error to this file")
    args = parser.parse_args(argv)
    for why in (checkers.axe_missing(), checkers.vnu_missing()):
        if why:
            print(why, file=sys.stderr)
            return 1
    pages = sorted(args.site.rglob("*.html"))
    report: dict = {"axe": {}, "vnu": []}
    with _browser.launch() as browser:
        context = _browser.offline_context(browser)
        page = context.new_page()
        for path in pages:
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
            report["axe"][str(path.relative_to(args.site))] = checkers.run_axe(page)
        context.close()
    own = [p for p in pages if p.parent.name in ("maps", "charts") or p.name == "index.html"]
    report["vnu"] = checkers.run_vnu(own)

    every = [v for vs in report["axe"].values() for v in vs]
    top = [v for v in every if v["frame"] == 0]
    print(f"axe-core on {len(pages)} pages: {dict(checkers.impact_counts(top))} (top documents)")
    print(f"  with the maps in notebook iframes: {dict(checkers.impact_counts(every))}")
    rules = Counter((v["id"], v["impact"]) for v in every)
    for (rule, impact), n in sorted(rules.items(), key=lambda x: -x[1]):
        print(f"  {rule:28} {impact:9} on {n} documents")
    print(f"Nu Html Checker on {len(own)} index, map and chart pages: {len(report['vnu'])} errors")
    for message, n in Counter(m["message"] for m in report["vnu"]).most_common():
        print(f"  {n:4}  {message[:150]}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
