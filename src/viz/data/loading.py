"""The front door: :func:`validate` and :func:`load` run the passes in order; :func:`load` caches the result."""

from __future__ import annotations

from pathlib import Path

from viz.data.checks import CHECKS, WHOLE_TABLE_CHECKS
from viz.data.dataset import Dataset, build_dataset
from viz.data.problems import TABLES, DataError, Problem, Report
from viz.data.reader import check_schema, scan
from viz.data.schema import read_descriptor, string_frame
from viz.data.settings import check_site, topic_checks
from viz.data.topic import TOPIC_CHECKS
from viz.paths import DATA_DIR

__all__ = ["dataset_files", "load", "table_text", "validate"]


def validate(data_dir: Path | str = DATA_DIR) -> list[Problem]:
    """Return every problem in the dataset at ``data_dir`` (empty when valid).

    Warnings are not problems: a valid dataset's warnings are in :attr:`Dataset.warnings`.

    Examples
    --------
    >>> from viz import data
    >>> data.validate()
    []
    """
    return _read(Path(data_dir))[2].problems


def load(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Validate the dataset at ``data_dir`` and return it as a :class:`Dataset`.

    A dataset read before with exactly the same files (and the same immunoviz) is
    taken from the cache (:mod:`viz.cache`) instead of being validated again.

    Raises
    ------
    DataError
        With every problem found, when the data is not valid.

    Examples
    --------
    >>> from viz import data
    >>> ds = data.load()
    >>> ds.concepts.loc["pd1", "label"]
    'PD-1'
    """
    from viz import cache

    root = Path(data_dir)
    files = dataset_files(root)
    if (root / "datapackage.json") not in files:  # nothing to cache: let validation explain what is missing
        return _load(root)
    key = cache.fingerprint(
        [
            str(root.resolve()),
            str(Path.cwd()),  # the warnings name their files relative to it
            cache.code_fingerprint(*cache.DATA_CODE),
            *(p.name for p in files),
            *(p.read_bytes() for p in files),
        ]
    )
    return cache.cached(_load_cached, root, key, ignore=["root"])


def _load_cached(root: Path, key: str) -> Dataset:  # joblib keys the cache on ``key`` alone
    return _load(root)


def _load(root: Path) -> Dataset:
    descriptor, texts, report = _read(root)
    if report.problems:
        raise DataError(report.problems, root)
    return build_dataset(root, descriptor, texts, report.warnings)


def _read(root: Path) -> tuple[dict, dict[str, list[list]], Report]:
    """The three passes: the text of each table, its schema (Frictionless), then what a schema cannot say.

    Returns the descriptor, the rows of each table that could be read (``[row number, cell, ...]``
    in schema order) and the report, its problems and warnings sorted.
    """
    report = Report(root)
    texts: dict[str, list[list]] = {}
    read = read_descriptor(root, report)
    descriptor: dict = {}
    if read is not None:
        descriptor, schemas = read
        for name in TABLES:
            rows = scan(report, name, schemas[name])
            if rows is not None:
                texts[name] = rows
        # ids first, so that foreign-key hints can suggest close matches
        for name, rows in texts.items():
            key = schemas[name]["primaryKey"][0]
            pos = [f["name"] for f in schemas[name]["fields"]].index(key) + 1
            report.ids[name] = [*(r[pos] for r in rows), *report.left_out.get(name, [])]
        check_schema(report, schemas, texts)
        frames = {name: string_frame(schemas[name], rows) for name, rows in texts.items()}
        report.ids = {
            name: [*frame[schemas[name]["primaryKey"][0]].tolist(), *report.left_out.get(name, [])]
            for name, frame in frames.items()
        }
        whole = {name: frame for name, frame in frames.items() if name not in report.left_out}
        for check in (*CHECKS, *(TOPIC_CHECKS[name].check for name in topic_checks(descriptor))):
            # a check of whole tables (every concept on a map, steps 1, 2, 3) skips a table read in part
            check(report, whole if check in WHOLE_TABLE_CHECKS else frames, schemas)
        check_site(report, descriptor)
    report.problems = report.sorted(report.problems)
    report.warnings = report.sorted(report.warnings)
    return descriptor, texts, report


def dataset_files(root: Path | str) -> list[Path]:
    """The files of a dataset folder that exist: ``datapackage.json`` and the tables, in :data:`TABLES` order."""
    root = Path(root)
    names = ["datapackage.json", *(f"{t}.csv" for t in TABLES)]
    return [root / n for n in names if (root / n).is_file()]


def table_text(root: Path | str, table: str) -> str:
    """The text of one table file (a byte-order mark removed), for the code that edits a copy of the tables."""
    return (Path(root) / f"{table}.csv").read_text(encoding="utf-8-sig")
