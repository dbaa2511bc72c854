"""Copy the tables' schema from data/datapackage.json to its copies: the scaffold and the test fixture.

usage: python tools/sync_schemas.py

``data/datapackage.json`` is the one source of the schema. ``immunoviz new`` copies
``src/viz/scaffold/`` (its own name, title and ``site`` section, our schema), and the tests
read ``tests/fixtures/tiny/`` (our schema too). This tool replaces their ``resources`` with
ours and leaves the rest of each file as it is; ``tests/test_data.py`` fails, naming the
field, when a copy has drifted. Run it after changing the schema, then ``make check``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Tables a dataset may leave out (viz.data.OPTIONAL_TABLES): a copy that has no such table keeps it out.
OPTIONAL_TABLES = {"decks"}
SOURCE = ROOT / "data" / "datapackage.json"
COPIES = [
    ROOT / "src" / "viz" / "scaffold" / "datapackage.json",
    ROOT / "tests" / "fixtures" / "tiny" / "datapackage.json",
]


def main() -> None:
    ours = json.loads(SOURCE.read_text(encoding="utf-8"))["resources"]
    for path in COPIES:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        kept = {r["name"] for r in descriptor.get("resources", [])}
        # an optional table the copy leaves out stays out (the test fixture has no decks.csv)
        resources = [r for r in ours if r["name"] in kept or r["name"] not in OPTIONAL_TABLES]
        if descriptor.get("resources") != resources:
            descriptor["resources"] = resources
            path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
