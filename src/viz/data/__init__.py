"""Load and validate the immunoviz tables: the only package that reads them.

The tables live in one folder (``data/`` in the project) beside a Frictionless
``datapackage.json`` that describes them. :func:`validate` reports every problem
at once as a :class:`Problem` (``file:row:column: message (hint: ...)``);
:func:`load` returns a :class:`Dataset` of typed pandas DataFrames or raises
:class:`DataError` carrying all problems.

Validation runs in three passes:

1. a structural scan that only Python can do safely (file present, UTF-8,
   not empty, header, cell counts, cell size): :mod:`viz.data.reader`;
2. the Frictionless schema (types, required cells, enums, patterns, keys,
   foreign keys), on the rows in memory: :mod:`viz.data.reader`;
3. the checks a schema cannot express (lists of ids, dates against their
   precision, views, story steps, links): :mod:`viz.data.checks`, then the checks of
   our topic that the tables have not switched off (:mod:`viz.data.topic`) and the
   ``site`` section (:mod:`viz.data.settings`).

The modules, from the bottom up (each imports only those before it): ``problems``
(what is wrong, where), ``schema`` (the descriptor and what each column is),
``reader`` (passes 1 and 2), ``checks`` (pass 3), ``topic`` (our topic's checks),
``settings`` (the ``site`` section), ``dataset`` (the typed tables), ``loading``
(:func:`validate` and :func:`load`).

Rows are numbered as in a spreadsheet: the header is row 1.
"""

from viz.data.dataset import Dataset
from viz.data.loading import dataset_files, load, table_text, validate
from viz.data.problems import TABLES, DataError, Problem
from viz.data.schema import LIST_SEPARATOR, MAX_CELL_CHARS, OPTIONAL_TABLES, Field, link_url, split_list
from viz.data.schema import own_resource as _own_resource  # noqa: F401 (tests/test_slides.py)
from viz.data.settings import site_settings, topic_checks
from viz.data.topic import AGGREGATOR_HOSTS, TOPIC_CHECKS, link_warnings
from viz.data.topic import aggregator as _aggregator  # noqa: F401 (tests/test_content.py)

__all__ = [
    "AGGREGATOR_HOSTS",
    "LIST_SEPARATOR",
    "MAX_CELL_CHARS",
    "OPTIONAL_TABLES",
    "TABLES",
    "TOPIC_CHECKS",
    "DataError",
    "Dataset",
    "Field",
    "Problem",
    "dataset_files",
    "link_url",
    "link_warnings",
    "load",
    "site_settings",
    "split_list",
    "table_text",
    "topic_checks",
    "validate",
]
