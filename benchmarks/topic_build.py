"""A small dataset on another topic, built with images: how long does a course author wait?

Issue 14 asks that a dataset of about ten concepts builds, PNG pictures included,
in seconds (at most 15 s on a two-core machine), not minutes. This script times
``immunoviz build --data DIR --out SITE`` in a fresh process (the command a
course author runs, imports and Chromium included), three times, each into an
empty output folder and with the cache of validated tables turned off, for:

* ``new``: the dataset ``immunoviz new`` writes (6 concepts, 2 maps, a timeline);
* ``tectonics``: ten concepts of plate tectonics on a copy of our ``data/`` with the
  tables of our topic emptied (3 maps, no chart), as tests/test_topics.py builds it.

It also records the CPU time each build used (Python, Playwright's driver and
Chromium together: on a shared machine the wall-clock time says more about the
other users than about us) and times one rebuild with nothing changed (the
incremental build). The median of each is printed and written, with the machine's load average, to
``benchmarks/results/topic_build.json``. Nothing else is written outside
temporary folders.

usage: python benchmarks/topic_build.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "topic_build.json"
TARGET_S = 15.0


def _build(data: Path, out: Path) -> tuple[float, float]:
    """Wall-clock seconds of one build, and the CPU seconds it used (Python, Playwright's driver, Chromium)."""
    env = {**os.environ, "IMMUNOVIZ_CACHE": "off"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "viz.cli", "build", "--data", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"build of {data} failed:\n{result.stderr}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    from test_topics import make_tectonics

    from viz import tables

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="immunoviz-bench-") as tmp:
        datasets = {"new": tables.new_dataset(Path(tmp) / "new"), "tectonics": make_tectonics(Path(tmp) / "tectonics")}
        for name, folder in datasets.items():
            runs = [_build(folder, Path(tmp) / f"site-{name}-{i}") for i in range(args.runs)]
            clean, cpu = [r[0] for r in runs], [r[1] for r in runs]
            again = _build(folder, Path(tmp) / f"site-{name}-0")[0]
            results[name] = {
                "clean_s": [round(t, 2) for t in clean],
                "median_clean_s": round(statistics.median(clean), 2),
                "median_cpu_s": round(statistics.median(cpu), 2),
                "unchanged_rebuild_s": round(again, 2),
                "within_target": statistics.median(clean) <= TARGET_S,
            }
            print(
                f"{name:<10} clean build with images: median {statistics.median(clean):.1f} s "
                f"({', '.join(f'{t:.1f}' for t in clean)}), {statistics.median(cpu):.1f} s of CPU; "
                f"rebuild with nothing changed {again:.1f} s"
            )
    load = os.getloadavg()
    print(f"load average while measuring: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} on {os.cpu_count()} cores")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"target_s": TARGET_S, "cores": os.cpu_count(), "load_average": load, "datasets": results}, indent=1)
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
