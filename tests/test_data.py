"""The data contract: the loader's types and every failure a course author can make."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viz import data


def row_of(folder, table: str, first_cell: str) -> int:
    """Spreadsheet row number (header = 1) of the row whose first cell is ``first_cell``."""
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh), start=1):
            if row and row[0] == first_cell:
                return number
    raise AssertionError(f"{first_cell} not in {table}")


def line_with(folder, table: str, text: str) -> int:
    """Line number (header = 1) of the first line containing ``text``."""
    lines = (folder / f"{table}.csv").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def problems_text(folder) -> list[str]:
    return [str(p) for p in data.validate(folder)]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``immunoviz ARGS`` in this process (tests/test_cli.py checks the installed command itself)."""
    import contextlib
    import io

    from viz.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


# ---------------------------------------------------------------------------
# the loader


def test_tiny_fixture_is_valid(tiny_copy):
    assert data.validate(tiny_copy) == []


def test_loader_types(tiny_dataset):
    ds = tiny_dataset
    assert isinstance(ds.concepts["category"].dtype, pd.CategoricalDtype)
    assert list(ds.concepts["category"].cat.categories[:3]) == ["modality", "drug", "cell"]  # legend order
    assert ds.concepts.loc["pd1", "sources"] == ("pmid-1396582",)
    assert ds.relation_types["directed"].dtype == bool
    assert str(ds.view_concepts["rank"].dtype) == "Int64"
    assert str(ds.combinations["first_approval"].dtype) == "Int64"
    assert ds.sources.loc["pmid-1396582", "url"] == "https://pubmed.ncbi.nlm.nih.gov/1396582/"


def test_dates_keep_their_precision(tiny_dataset):
    ev = tiny_dataset.events
    year = ev.loc["ipilimumab-survival"]
    assert (year["date"], year["precision"]) == ("2010", "year")
    assert year["start"] == pd.Timestamp("2010-01-01") and year["end"] == pd.Timestamp("2010-12-31")
    month = ev.loc["pd1-discovered"]
    assert month["start"] == pd.Timestamp("1992-11-01") and month["end"] == pd.Timestamp("1992-11-30")
    day = ev.loc["nobel-2018"]
    assert day["start"] == day["end"] == pd.Timestamp("2018-10-01")
    assert list(ev["start"]) == sorted(ev["start"])


def test_doi_links_become_urls():
    assert data.link_url("doi:10.1126/science.1203486") == "https://doi.org/10.1126/science.1203486"
    assert data.link_url("pmid:12407406") == "https://pubmed.ncbi.nlm.nih.gov/12407406/"
    assert data.link_url("https://www.fda.gov/x") == "https://www.fda.gov/x"


# ---------------------------------------------------------------------------
# one fixture per failure: (table, how to break it) -> the location and words of the problem


def _drop_column(text: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    i = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])
    return out.getvalue()


def _add_column(text: str, column: str, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0] + [column]] + [[*r, value] for r in rows[1:]])
    return out.getvalue()


def test_missing_file(tiny_copy):
    (tiny_copy / "events.csv").unlink()
    assert any(
        p.endswith(
            "events.csv: file is missing (hint: create it; the header row is: "
            "id,date,precision,kind,title,summary,venue,regulator,concepts,modality,milestone,sources)"
        )
        for p in problems_text(tiny_copy)
    )


def test_missing_column(tiny_copy, edit_table):
    text = (tiny_copy / "concepts.csv").read_text(encoding="utf-8")
    edit_table(tiny_copy, "concepts", text=_drop_column(text, "label"))
    found = problems_text(tiny_copy)
    assert any("concepts.csv:1:label: missing required column 'label'" in p for p in found), found


def test_unknown_column_suggests_the_right_name(tiny_copy, edit_table):
    text = (tiny_copy / "concepts.csv").read_text(encoding="utf-8")
    edit_table(tiny_copy, "concepts", text=_add_column(text, "sumary", "x"))
    found = problems_text(tiny_copy)
    assert any("concepts.csv:1:sumary: unknown column 'sumary' (hint: did you mean 'summary'?)" in p for p in found)


def test_a_header_that_cannot_be_a_location_is_named_by_its_place(tiny_copy, edit_table):
    """A column named with a colon (or with no name) can't stand in a file:row:column location: the
    problem names it by its place instead, and the message quotes it as written (found by Hypothesis)."""
    text = (tiny_copy / "concepts.csv").read_text(encoding="utf-8")
    width = len(text.splitlines()[0].split(","))
    edit_table(tiny_copy, "concepts", text=_add_column(_add_column(text, "note: draft", "x"), "", "y"))
    found = problems_text(tiny_copy)
    assert any(f"concepts.csv:1:column {width + 1}: unknown column 'note: draft'" in p for p in found), found
    assert any(f"concepts.csv:1:column {width + 2}: unknown column ''" in p for p in found), found


def test_a_line_break_in_a_cell_or_header_stays_inside_its_problem_line(tiny_copy, edit_table):
    """A header pasted with a line break in it (or a cell with U+2028) must not split the report:
    every problem is one line a course author can read, with the break shown as an escape."""
    text = (tiny_copy / "concepts.csv").read_text(encoding="utf-8")
    edit_table(tiny_copy, "concepts", text=_add_column(text, "sum\nmary", "x\u2028y"))
    result = run_cli("validate", "--data", str(tiny_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.rstrip("\n").split("\n")
    assert any("concepts.csv:1:sum\\nmary: unknown column" in line for line in lines), lines
    assert all(re.match(r"^\S.*?\.(csv|json)(:\d+)?(:[^:]+)?: \S", line) for line in lines[:-1]), lines
    assert "\u2028" not in result.stderr and "\x85" not in result.stderr


def test_empty_file(tiny_copy, edit_table):
    edit_table(tiny_copy, "relations", text="")
    assert any(
        p.endswith("relations.csv: file is empty (hint: the header row is: from,relation,to,note,sources)")
        for p in problems_text(tiny_copy)
    )


def test_byte_order_mark_and_crlf_are_accepted(tiny_copy, tiny_dataset):
    """Excel writes a BOM and CRLF line ends; both are harmless and must load identically."""
    path = tiny_copy / "concepts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert data.validate(tiny_copy) == []
    loaded = data.load(tiny_copy).concepts
    pd.testing.assert_frame_equal(loaded, tiny_dataset.concepts)
    assert not loaded["summary"].str.contains("\r").any()


def test_non_utf8_file(tiny_copy, edit_table):
    path = tiny_copy / "sources.csv"
    text = path.read_text(encoding="utf-8").replace("Honjo T.", "Honjö T.")
    edit_table(tiny_copy, "sources", raw=text.encode("latin-1"))
    line = next(i for i, s in enumerate(text.splitlines(), start=1) if "Honjö" in s)
    found = problems_text(tiny_copy)
    assert any(f"sources.csv:{line}: not UTF-8 text (byte 0xf6)" in p and "CSV UTF-8" in p for p in found), found


def test_duplicate_id(tiny_copy, edit_table):
    line = (
        (tiny_copy / "concepts.csv").read_text(encoding="utf-8").splitlines()[row_of(tiny_copy, "concepts", "pd1") - 1]
    )
    edit_table(tiny_copy, "concepts", find=line, replace=line + "\n" + line)
    first = row_of(tiny_copy, "concepts", "pd1")
    found = problems_text(tiny_copy)
    assert any(f"concepts.csv:{first + 1}:id: duplicate id (first in row {first})" in p for p in found), found


def test_relation_to_unknown_concept(tiny_copy, edit_table):
    edit_table(tiny_copy, "relations", find="pd1_inhibitor,blocks,pd1,", replace="pd1_inhibitor,blocks,pd_1,")
    row = line_with(tiny_copy, "relations", "pd1_inhibitor,blocks,pd_1,")
    found = problems_text(tiny_copy)
    assert any(
        f"relations.csv:{row}:to: 'pd_1' is not an id in concepts.csv (hint: did you mean 'pd1'" in p for p in found
    ), found


def test_unknown_category(tiny_copy, edit_table):
    edit_table(tiny_copy, "concepts", find="pd1,PD-1,molecule,", replace="pd1,PD-1,moleculs,")
    row = row_of(tiny_copy, "concepts", "pd1")
    found = problems_text(tiny_copy)
    assert any(
        f"concepts.csv:{row}:category: 'moleculs' is not an id in categories.csv (hint: did you mean 'molecule'?)" in p
        for p in found
    ), found


def test_impossible_date(tiny_copy, edit_table):
    edit_table(tiny_copy, "events", find="2018-10-01,day", replace="2014-13-40,day")
    row = row_of(tiny_copy, "events", "nobel-2018")
    found = problems_text(tiny_copy)
    assert any(f"events.csv:{row}:date: '2014-13-40' is not a real date" in p for p in found), found


def test_year_precision_written_as_a_day(tiny_copy, edit_table):
    edit_table(tiny_copy, "events", find="ipilimumab-survival,2010,year", replace="ipilimumab-survival,2010-01-01,year")
    row = row_of(tiny_copy, "events", "ipilimumab-survival")
    found = problems_text(tiny_copy)
    assert any(
        f"events.csv:{row}:date: '2010-01-01' does not match its precision 'year' "
        "(hint: a year-precision date is written like 1891" in p
        for p in found
    ), found


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/x",
        "www.fda.gov/x",
        "http://",
    ],
)
def test_only_http_doi_and_pmid_links(tiny_copy, edit_table, link):
    edit_table(tiny_copy, "sources", find="pmid:1396582", replace=f'"{link}"')
    row = row_of(tiny_copy, "sources", "pmid-1396582")
    found = problems_text(tiny_copy)
    assert any(
        p.startswith(f"{tiny_copy / 'sources.csv'}:{row}:link: ") or f"sources.csv:{row}:link: " in p for p in found
    ), found


def test_one_megabyte_cell_is_refused_quickly(tiny_copy, edit_table):
    big = "x" * 1_048_576
    edit_table(
        tiny_copy,
        "concepts",
        find="A receptor on activated T cells; when its partner PD-L1 binds, the T cell slows down.",
        replace=big,
    )
    row = row_of(tiny_copy, "concepts", "pd1")
    found = problems_text(tiny_copy)
    assert any(
        f"concepts.csv:{row}:summary: cell is 1,048,576 characters long; the limit is 5,000" in p for p in found
    ), found
    assert not any(big[:100] in p for p in found), "the message must not repeat the cell"


def test_unknown_source_is_named(tiny_copy, edit_table):
    edit_table(tiny_copy, "concepts", find="CD279; PDCD1,pmid-1396582", replace="CD279; PDCD1,pmid-1396528")
    row = row_of(tiny_copy, "concepts", "pd1")
    found = problems_text(tiny_copy)
    assert any(
        f"concepts.csv:{row}:sources: 'pmid-1396528' is not an id in sources.csv "
        "(hint: did you mean 'pmid-1396582'" in p
        for p in found
    ), found


def test_concept_in_no_view(tiny_copy, edit_table):
    edit_table(tiny_copy, "view_concepts", find="checkpoints,melanoma,4,\n", replace="")
    row = row_of(tiny_copy, "concepts", "melanoma")
    assert any(f"concepts.csv:{row}:id: 'melanoma' is not in any view" in p for p in problems_text(tiny_copy))


def test_disconnected_view(tiny_copy, edit_table):
    edit_table(tiny_copy, "relations", find="ipilimumab,treats,melanoma,", replace="ipilimumab,treats,ipilimumab,")
    found = problems_text(tiny_copy)
    assert any("view 'checkpoints' falls apart: melanoma not linked to the rest" in p for p in found), found


def test_step_without_caption(tiny_copy, edit_table):
    edit_table(tiny_copy, "view_concepts", find="checkpoints,melanoma,4,", replace="checkpoints,melanoma,5,")
    assert any("view 'checkpoints' has no caption for step 5" in p for p in problems_text(tiny_copy))


def test_onset_range_backwards(tiny_copy, edit_table):
    edit_table(tiny_copy, "side_effects", find=",2,12,", replace=",12,2,")
    assert any(
        "side_effects.csv:2:onset_max_weeks: onset ends (2 weeks) before it starts (12 weeks)" in p
        for p in problems_text(tiny_copy)
    )


def test_domain_row_needs_the_right_category(tiny_copy, edit_table):
    edit_table(tiny_copy, "biomarkers", find="pdl1_expression,", replace="pdl1,")
    assert any("biomarkers.csv:2:concept: 'pdl1' is a molecule, not a biomarker" in p for p in problems_text(tiny_copy))


def test_every_problem_is_reported_at_once(tiny_copy, edit_table):
    edit_table(tiny_copy, "concepts", find="pd1,PD-1,molecule,", replace="pd1,PD-1,moleculs,")
    edit_table(tiny_copy, "events", find="2018-10-01,day", replace="2014-13-40,day")
    edit_table(tiny_copy, "sources", find="pmid:1396582", replace="javascript:alert(1)")
    files = {p.file.rsplit("/", 1)[-1] for p in data.validate(tiny_copy)}
    assert {"concepts.csv", "events.csv", "sources.csv"} <= files


def test_missing_folder_and_schema(tmp_path):
    assert "no such data folder" in str(data.validate(tmp_path / "nope")[0])
    (tmp_path / "empty").mkdir()
    assert "datapackage.json is missing" in str(data.validate(tmp_path / "empty")[0])


# ---------------------------------------------------------------------------
# the command line tells the same story, with exit code 1 and no traceback


def test_validate_cli_lists_problems_without_traceback(tiny_copy, edit_table):
    edit_table(tiny_copy, "concepts", find="pd1,PD-1,molecule,", replace="pd1,PD-1,moleculs,")
    edit_table(tiny_copy, "events", find="2018-10-01,day", replace="2014-13-40,day")
    result = run_cli("validate", "--data", str(tiny_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "'moleculs' is not an id in categories.csv" in result.stderr
    assert "'2014-13-40' is not a real date" in result.stderr
    assert result.stderr.strip().endswith("nothing was written.")


def test_validate_cli_on_valid_data(tiny_copy):
    result = run_cli("validate", "--data", str(tiny_copy))
    assert result.returncode == 0, result.stderr
    assert "valid (" in result.stdout and "15 concepts" in result.stdout


# ---------------------------------------------------------------------------
# random tables: the only outcomes are success or the project's own DataError

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "pd1", "true", "2014-13-40", "1992-11", "pmid:1", "javascript:x", "a;b", '"', "\r\n", "\ufeff"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=st.sampled_from(data.TABLES),
    header=st.lists(st.text(max_size=12), max_size=8),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=6),
    keep_header=st.booleans(),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_random_tables_give_data_errors_not_crashes(tiny_copy, table, header, rows, keep_header, raw, use_raw):
    path = tiny_copy / f"{table}.csv"
    original = path.read_bytes() if path.exists() else None  # an optional table the fixture leaves out
    try:
        if use_raw:
            path.write_bytes(raw)
        else:
            if keep_header:
                header = (original or b"deck,order,kind,ref,step").decode("utf-8").splitlines()[0].split(",")
            out = io.StringIO()
            csv.writer(out).writerows([header, *rows])
            path.write_text(out.getvalue(), encoding="utf-8")
        problems = data.validate(tiny_copy)
        for p in problems:
            assert isinstance(p, data.Problem) and p.message
        try:
            data.load(tiny_copy)
        except data.DataError as exc:
            assert exc.problems
        else:
            assert problems == []
    finally:
        if original is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(original)


def test_one_row_per_citation(tiny_copy, edit_table):
    edit_table(tiny_copy, "sources", find="pmid:8596936", replace="pmid:1396582")
    first = row_of(tiny_copy, "sources", "pmid-1396582")
    found = problems_text(tiny_copy)
    assert any(f"same link as row {first} ('pmid-1396582')" in p for p in found), found
