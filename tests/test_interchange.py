"""Bring your own map (issue 31): concept maps from CmapTools, Obsidian, yEd, Gephi, Cytoscape and Mermaid
become tables, and our maps go back out to those tools.

* Files made by the tools themselves (tests/fixtures/interchange, origins in its README) import to tables
  that validate and build, and the import prints what it read, matching the files.
* Every view of our tables, in every format: export then import gives the same concepts, links and verbs,
  and positions within 1 px where the format keeps them.
* Other readers read what we write: networkx and igraph our GraphML, networkx our GEXF (valid against the
  GEXF 1.3 grammar) and Cytoscape JSON; the JSON Canvas files follow the spec's rules.
* Hostile files are refused or neutralised, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import statistics
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from conftest import run_cli

from viz import data, interchange
from viz.interchange import dataset

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "interchange"
#: What each file holds, counted in the file itself (its README says how): concepts, relations,
#: categories, and whether it has positions.
EXPECTED = {
    "cmaptools-fig-ecosystem.cxl": (12, 23, 1, True),
    "cmaptools-legend.cxl": (7, 7, 1, True),
    "jsoncanvas-sample.canvas": (4, 1, 3, True),
    "yed-groups.graphml": (6, 4, 3, True),
    "yfiles-shapes.graphml": (3, 1, 2, True),
    "gephi-lesmiserables.gexf": (77, 254, 9, True),
    "gexf-hierarchy.gexf": (7, 5, 3, False),
    "cytoscape-compound.json": (4, 1, 3, True),
    "mermaid-decision.mmd": (5, 4, 1, False),
    "mermaid-subgraphs.mmd": (6, 4, 3, False),
    "mermaid-click.mmd": (4, 3, 1, False),
}
#: Formats that keep positions (Cytoscape does too; Mermaid lays its maps out itself).
PLACED = ("cxl", "canvas", "graphml", "gexf", "cytoscape")


def read_rows(folder: Path, table: str) -> list[dict]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------------------
# files made by the tools


def test_every_fixture_is_listed_with_its_origin():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in FIXTURES.iterdir() if p.is_file() and p.name != "README.md")
    assert files == sorted(EXPECTED)
    for name in files:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}`")), None)
        assert row, f"{name} is not in the fixtures' README"
        assert re.search(r"\b[0-9a-f]{40}\b", row), f"{name}: no commit recorded"
        assert re.search(r"MIT|BSD|CC BY|no licence", row), f"{name}: no licence recorded"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_tool_file_imports_to_valid_tables_and_says_what_it_read(name, tmp_path):
    concepts, relations, categories, placed = EXPECTED[name]
    code, out, err = run_cli("import", FIXTURES / name, "--out", tmp_path / "tables")
    assert code == 0, err
    summary = (
        f"{concepts} concepts, {relations} relation{'s' if relations != 1 else ''}, {categories} "
        f"categor{'ies' if categories != 1 else 'y'} from {name}; "
        + ("positions kept" if placed else "no positions: laid out by immunoviz")
    )
    assert summary in out.splitlines()
    folder = tmp_path / "tables"
    assert data.validate(folder) == []
    assert len(read_rows(folder, "concepts")) == concepts
    assert len(read_rows(folder, "relations")) == relations
    members = read_rows(folder, "view_concepts")
    assert all(bool(r["x"]) == placed for r in members)
    for line in out.splitlines()[:-5]:  # what was dropped, each where it came from
        assert re.match(rf"{re.escape(name)}(:\d+)?: \S", line), line  # the whole file: overlaps as drawn


def test_the_counts_agree_with_networkx_where_it_reads_the_file():
    """networkx reads the yEd and Gephi files as plain graphs: its nodes, less the groups, are our concepts."""
    g = nx.read_graphml(FIXTURES / "yed-groups.graphml")
    groups = {n for n in g if any(other.startswith(f"{n}::") for other in g)}
    assert len(g) - len(groups) == EXPECTED["yed-groups.graphml"][0]
    import xml.etree.ElementTree as ET

    root = ET.parse(FIXTURES / "gephi-lesmiserables.gexf").getroot()
    counts = (len(root.findall(".//{*}node")), len(root.findall(".//{*}edge")))
    assert counts == EXPECTED["gephi-lesmiserables.gexf"][:2]


def test_what_cannot_be_carried_over_is_listed_where_it_was(tmp_path):
    (tmp_path / "a-file").write_text("")
    # a folder that cannot be made, even by root (under a file): the error, not a traceback
    code, _out, err = run_cli("import", FIXTURES / "mermaid-click.mmd", "--out", tmp_path / "a-file" / "x")
    assert code == 1
    assert "Traceback" not in err
    m = interchange.read(FIXTURES / "mermaid-click.mmd")
    assert [d.line for d in m.dropped] == [5, 6, 7, 8]
    assert all("click action" in d.what and "never run" in d.what for d in m.dropped)
    m = interchange.read(FIXTURES / "cytoscape-compound.json")
    assert any("compound node" in d.what for d in m.dropped)
    m = interchange.read(FIXTURES / "jsoncanvas-sample.canvas")
    assert sorted(d.line for d in m.dropped if "file node" in d.what) == [4, 5, 7]


def test_a_phrase_linking_several_concepts_is_one_relation_each():
    cxl = b"""<cmap xmlns="http://cmap.ihmc.us/xml/cmap/"><map>
<concept-list><concept id="a" label="Cells"/><concept id="b" label="Tissues"/><concept id="c" label="Organs"/>
<concept id="d" label="Plants"/></concept-list>
<linking-phrase-list><linking-phrase id="p" label="make up"/></linking-phrase-list>
<connection-list><connection id="1" from-id="a" to-id="p"/><connection id="2" from-id="d" to-id="p"/>
<connection id="3" from-id="p" to-id="b"/><connection id="4" from-id="p" to-id="c"/></connection-list>
</map></cmap>"""
    m = interchange.loads(cxl, "cells.cxl")
    links = {(k.source, k.verb, k.target) for k in m.links}
    assert links == {(a, "make up", b) for a in "ad" for b in "bc"}


def test_similar_verbs_are_kept_apart_and_said_so():
    text = b"flowchart LR\n  A -->|leads to| B\n  B -->|Leads to| C\n  C -->|leads to| D\n"
    imported = dataset.dataset_files([interchange.loads(text, "v.mmd")], today="2026-01-01")
    types = list(csv.DictReader(io.StringIO(imported.files["relation_types.csv"].decode())))
    assert sorted(t["label"] for t in types) == ["Leads to", "leads to"]
    assert any("kept as two relation types" in n and n.startswith("v.mmd:3:") for n in imported.notices)


def test_one_source_row_per_file_is_cited_by_every_row_and_nothing_is_invented(tmp_path):
    files = [FIXTURES / "cmaptools-fig-ecosystem.cxl", FIXTURES / "mermaid-decision.mmd"]
    code, _, err = run_cli("import", *files, "--out", tmp_path / "t")
    assert code == 0, err
    sources = read_rows(tmp_path / "t", "sources")
    assert [(s["kind"], s["link"]) for s in sources] == [("other", ""), ("other", "")]
    for f, s in zip(files, sources, strict=True):
        assert Path(f).name in s["citation"] and "Not a source" in s["citation"]
    ids = {s["id"] for s in sources}
    for table in ("concepts", "relations"):
        for row in read_rows(tmp_path / "t", table):
            assert set(data.split_list(row["sources"])) <= ids and row["sources"]
    readme = " ".join((tmp_path / "t" / "README.md").read_text(encoding="utf-8").split())
    assert "That row is not a source**: it only says where the rows came from" in readme
    warnings = [str(w) for w in data.load(tmp_path / "t").warnings]
    assert len(warnings) == 2 and all(":kind: warning:" in w and "concepts.csv rows" in w for w in warnings)


def test_a_source_without_a_link_must_be_of_kind_other(tiny_copy, edit_table):
    first = read_rows(tiny_copy, "sources")[0]
    edit_table(tiny_copy, "sources", find=f",{first['link']}\n", replace=",\n")
    problems = [str(p) for p in data.validate(tiny_copy)]
    assert any(
        p.endswith("sources.csv:2:link: the link is empty (hint: give https://..., doi:10.x/y or pmid:N)")
        for p in problems
    ), problems


@pytest.mark.slow
def test_every_tool_file_builds_into_a_site(tmp_path):
    """All the fixtures at once: one dataset, one map per file (shared labels become one concept), built."""

    from conftest import build_site

    names = sorted(EXPECTED)
    code, _out, err = run_cli("import", *(FIXTURES / n for n in names), "--out", tmp_path / "all")
    assert code == 0, err
    build_site(tmp_path / "site", images=False, data_dir=tmp_path / "all")
    views = [v["id"] for v in read_rows(tmp_path / "all", "views")]
    assert len(views) == len(names)
    for view in views:
        assert (tmp_path / "site" / "maps" / f"{view}.html").is_file()


# ---------------------------------------------------------------------------
# round trips


def _views():
    return list(data.load().views["id"])


@pytest.fixture(scope="module")
def our_maps():
    ds = data.load()
    return {view: dataset.view_map(ds, view) for view in ds.views["id"]}


def _shape(m):
    labels = {c.key: c.label for c in m.concepts}
    return (
        Counter(labels.values()),
        Counter((labels[k.source], k.verb, labels[k.target]) for k in m.links),
    )


@pytest.mark.parametrize("fmt", list(interchange.FORMATS))
def test_every_view_comes_back_from_every_format(fmt, our_maps):
    for view, m in our_maps.items():
        back = interchange.loads(interchange.write(m, fmt).encode("utf-8"), f"{view}{interchange.EXTENSIONS[fmt]}")
        assert back.fmt == fmt
        assert _shape(back) == _shape(m), f"{view} as {fmt}"
        if fmt in PLACED:
            _assert_same_places(m, back, shift=fmt == "cxl")


def _assert_same_places(m, back, *, shift: bool):
    """Positions within 1 px (for CXL, up to one shift of the whole map, which CmapTools needs to start at 0)."""
    where = {c.label: (c.x, c.y) for c in m.concepts}
    again = {c.label: (c.x, c.y) for c in back.concepts}
    dx = dy = 0.0
    if shift:  # a shift by whole pixels
        dx = round(statistics.median(again[k][0] - where[k][0] for k in where))
        dy = round(statistics.median(again[k][1] - where[k][1] for k in where))
    for label, (x, y) in where.items():
        assert math.dist((x + dx, y + dy), again[label]) <= 1.0, (m.name, label, (x, y), again[label])


@pytest.mark.parametrize("fmt", list(interchange.FORMATS))
def test_an_exported_map_imports_to_the_same_tables(fmt, tmp_path):
    code, _, err = run_cli(
        "export", "checkpoints", "--format", fmt, "--out", tmp_path / f"c{interchange.EXTENSIONS[fmt]}"
    )
    assert code == 0, err
    code, _out, err = run_cli("import", tmp_path / f"c{interchange.EXTENSIONS[fmt]}", "--out", tmp_path / "t")
    assert code == 0, err
    ds = data.load()
    members = set(ds.view_concepts.loc[ds.view_concepts["view"] == "checkpoints", "concept"])
    label = dict(zip(ds.concepts["id"], ds.concepts["label"], strict=True))
    verb = dict(zip(ds.relation_types["id"], ds.relation_types["label"], strict=True))
    ours = Counter(
        (label[r.source], verb[r.relation], label[r.target])
        for r in ds.relations.rename(columns={"from": "source", "to": "target"}).itertuples()
        if r.source in members and r.target in members
    )
    concepts = {c["id"]: c["label"] for c in read_rows(tmp_path / "t", "concepts")}
    verbs = {t["id"]: t["label"] for t in read_rows(tmp_path / "t", "relation_types")}
    theirs = Counter(
        (concepts[r["from"]], verbs[r["relation"]], concepts[r["to"]]) for r in read_rows(tmp_path / "t", "relations")
    )
    assert sorted(concepts.values()) == sorted(label[c] for c in members)
    assert theirs == ours


# ---------------------------------------------------------------------------
# what other tools read


def test_networkx_and_igraph_read_our_graphml(our_maps, tmp_path):
    import igraph

    m = our_maps["cycle"]
    path = tmp_path / "cycle.graphml"
    path.write_text(interchange.write(m, "graphml"), encoding="utf-8")
    g = nx.read_graphml(path)
    assert sorted(a["label"] for _, a in g.nodes(data=True)) == sorted(c.label for c in m.concepts)
    assert Counter(a["label"] for *_, a in g.edges(data=True)) == Counter(k.verb for k in m.links)
    placed = {a["label"]: (a["x"], a["y"]) for _, a in g.nodes(data=True)}
    assert all(math.dist(placed[c.label], (c.x, c.y)) < 1 for c in m.concepts)
    with pytest.warns(RuntimeWarning, match="attr.type"):  # yEd's graphics keys, which igraph skips
        h = igraph.Graph.Read_GraphML(str(path))
    assert sorted(h.vs["label"]) == sorted(c.label for c in m.concepts)
    assert Counter(h.es["label"]) == Counter(k.verb for k in m.links)


def test_our_gexf_is_valid_gexf_1_3_and_networkx_reads_it(our_maps, tmp_path):
    from lxml import etree

    grammar = etree.RelaxNG(etree.parse(str(FIXTURES / "gexf-1.3" / "gexf.rng")))
    for view, m in our_maps.items():
        doc = etree.fromstring(interchange.write(m, "gexf").encode("utf-8"))
        assert grammar.validate(doc), f"{view}: {grammar.error_log}"
    path = tmp_path / "cycle.gexf"
    path.write_text(interchange.write(our_maps["cycle"], "gexf"), encoding="utf-8")
    g = nx.read_gexf(path)
    assert sorted(a["label"] for _, a in g.nodes(data=True)) == sorted(c.label for c in our_maps["cycle"].concepts)


def test_the_gexf_grammar_can_fail():
    from lxml import etree

    grammar = etree.RelaxNG(etree.parse(str(FIXTURES / "gexf-1.3" / "gexf.rng")))
    bad = b'<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes><node label="no id"/></nodes></graph></gexf>'
    assert not grammar.validate(etree.fromstring(bad))


def test_networkx_reads_our_cytoscape_json(our_maps):
    m = our_maps["cycle"]
    g = nx.cytoscape_graph(json.loads(interchange.write(m, "cytoscape")))
    assert sorted(a["name"] for _, a in g.nodes(data=True)) == sorted(c.label for c in m.concepts)
    assert g.number_of_edges() == len(m.links)


def test_our_json_canvas_follows_the_spec(our_maps):
    """The rules of JSON Canvas 1.0 (jsoncanvas.org/spec/1.0): the spec has no JSON schema to check against."""
    for view, m in our_maps.items():
        doc = json.loads(interchange.write(m, "canvas"))
        ids = [n["id"] for n in doc["nodes"]] + [e["id"] for e in doc["edges"]]
        assert len(ids) == len(set(ids)), view
        for n in doc["nodes"]:
            assert n["type"] in ("text", "file", "link", "group") and isinstance(n["text"], str)
            assert all(isinstance(n[k], int) and not isinstance(n[k], bool) for k in ("x", "y", "width", "height"))
            assert re.fullmatch(r"#[0-9a-f]{6}|[1-6]", n.get("color", "1"))
        nodes = {n["id"] for n in doc["nodes"]}
        for e in doc["edges"]:
            assert e["fromNode"] in nodes and e["toNode"] in nodes
            assert e.get("toEnd", "arrow") in ("none", "arrow") and isinstance(e["label"], str)


# ---------------------------------------------------------------------------
# hostile files: refused, with file:line:column, and nothing written

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE cmap [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<cmap xmlns="http://cmap.ihmc.us/xml/cmap/"><map><concept-list>
<concept id="a" label="&lol3;"/></concept-list></map></cmap>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>
<node id="a"><data key="d0">&secret;</data></node></graph></graphml>
"""
HOSTILE = {
    "laughs.cxl": (BILLION_LAUGHS, r"laughs\.cxl:3:\d+: the file declares an XML entity \('lol'\)"),
    "secret.graphml": (EXTERNAL_ENTITY, r"secret\.graphml:2:\d+: the file declares an XML entity \('secret'\)"),
    "picture.gexf": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), r"picture\.gexf:1:1: not a CmapTools CXL"),
    "drawing.graphml": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
        r"drawing\.graphml:1:1: an XML file whose root element is <svg>",
    ),
    "page.cxl": (b"<html><body><p>hello</html>", r"page\.cxl:1:1: an XML file whose root element is <html>"),
    "cut.graphml": (  # told GraphML from its start; the reader finds where it breaks
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>\n<node id="a"/>\n<node id="b"></graph>',
        r"cut\.graphml:3:\d+: not well-formed XML: mismatched tag",
    ),
    "broken.canvas": (b'{"nodes": [\n  {"id": "a", "type": "text",}\n]}', r"broken\.canvas:2:\d+: not valid JSON"),
    "numbers.json": (b"[1, 2, 3]", r"numbers\.json:1:1: a JSON file, but not"),
    "empty.mmd": (b"", r"empty\.mmd:1:1: not a CmapTools CXL"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, r"deep\.json: JSON nested too deeply"),
    "unclosed.mmd": (b"flowchart LR\n  A[Cells --> B\n", r"unclosed\.mmd:2:\d+: expected a link"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_or_broken_file_is_refused_and_nothing_is_written(name, tmp_path):
    content, message = HOSTILE[name]
    (tmp_path / name).write_bytes(content)
    code, _out, err = run_cli("import", tmp_path / name, "--out", tmp_path / "tables")
    assert code == 1
    assert re.search(message, err), err
    assert "Traceback" not in err and "nothing was written" in err
    assert not (tmp_path / "tables").exists()
    assert "root:" not in err  # /etc/passwd was never read


def _big(kind: str, n: int = 100_000) -> bytes:
    if kind == "graphml":
        nodes = "".join(f'<node id="n{i}"/>' for i in range(n))
        return f'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>{nodes}</graph></graphml>'.encode()
    if kind == "canvas":
        return json.dumps(
            {
                "nodes": [
                    {"id": f"n{i}", "type": "text", "text": "x", "x": 0, "y": 0, "width": 1, "height": 1}
                    for i in range(n)
                ]
            }
        ).encode()
    return ("flowchart LR\n" + "".join(f"  n{i} --> n{i + 1}\n" for i in range(n))).encode()


@pytest.mark.parametrize("kind", ["graphml", "canvas", "mermaid"])
def test_a_hundred_thousand_nodes_are_refused(kind, tmp_path):
    path = tmp_path / f"big.{kind}"
    path.write_bytes(_big(kind))
    code, _, err = run_cli("import", path, "--out", tmp_path / "tables")
    assert code == 1
    assert re.search(r"big\.\w+: 100,00\d concepts; the limit is 5,000", err), err
    assert not (tmp_path / "tables").exists()


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.graphml"
    with open(path, "wb") as fh:
        fh.truncate(interchange.MAX_BYTES + 1)
    code, _, err = run_cli("import", path, "--out", tmp_path / "tables")
    assert code == 1 and f"{interchange.MAX_BYTES + 1:,} bytes; the limit is" in err


def test_a_folder_that_holds_files_is_kept_unless_forced(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "notes.txt").write_text("mine")
    code, _, err = run_cli("import", FIXTURES / "mermaid-decision.mmd", "--out", tmp_path / "t")
    assert code == 1 and "--force" in err
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["notes.txt"]
    code, _, err = run_cli("import", FIXTURES / "mermaid-decision.mmd", "--out", tmp_path / "t", "--force")
    assert code == 0, err
    assert (tmp_path / "t" / "notes.txt").read_text() == "mine" and data.validate(tmp_path / "t") == []


def test_new_from_a_file_writes_what_import_writes(tmp_path):
    code, _, err = run_cli("new", tmp_path / "a", "--from", FIXTURES / "jsoncanvas-sample.canvas")
    assert code == 0, err
    code, _, err = run_cli("import", FIXTURES / "jsoncanvas-sample.canvas", "--out", tmp_path / "b")
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    code, _, err = run_cli("new", tmp_path / "a", "--from", FIXTURES / "jsoncanvas-sample.canvas")
    assert code == 1 and "already exists" in err


def test_export_names_a_missing_view(tmp_path):
    code, _, err = run_cli("export", "no_such_map", "--format", "cxl", "--out", tmp_path / "x.cxl")
    assert code == 1 and "no view 'no_such_map'" in err and not (tmp_path / "x.cxl").exists()


def test_labels_are_kept_literally_and_exports_escape_them():
    """A label is text: markup and control characters survive as characters, in every format both ways."""
    from conftest import ALL_PAYLOADS

    from viz.interchange.model import Concept, Link, Map, clean_text

    m = Map("payloads", "immunoviz", title="<script>alert(1)</script>")
    m.concepts = [Concept(f"c{i}", p, x=float(i * 50), y=0.0, width=40, height=20) for i, p in enumerate(ALL_PAYLOADS)]
    m.links = [Link(f"c{i}", f"c{i + 1}", ALL_PAYLOADS[-i - 1]) for i in range(len(ALL_PAYLOADS) - 1)]
    for fmt in interchange.FORMATS:
        back = interchange.loads(interchange.write(m, fmt).encode("utf-8"), f"p{interchange.EXTENSIONS[fmt]}")
        assert [c.label for c in back.concepts] == [clean_text(p) for p in ALL_PAYLOADS], fmt
        assert [clean_text(k.verb) for k in back.links] == [clean_text(k.verb) for k in m.links], fmt


# ---------------------------------------------------------------------------
# the manual layout: positions as drawn


def _placed_graph(places: dict, labels: dict | None = None):
    g = nx.MultiDiGraph(layout="manual")
    for n, p in places.items():
        g.add_node(n, label=(labels or {}).get(n, n), shape="box", place=p)
    return g


def test_a_manual_map_keeps_the_drawing_and_only_scales_it():
    from viz import layout

    places = {"Cells": (0.0, 0.0), "Tissues": (40.0, 0.0), "Organs": (40.0, 30.0), "Body": (-25.0, 60.0)}
    g = _placed_graph(places)
    pos = layout.manual_layout(g)
    names = sorted(places)
    scale = {
        (pos[a][0] - pos[b][0]) / (places[a][0] - places[b][0])
        for a in names
        for b in names
        if places[a][0] != places[b][0]
    }
    scale |= {
        (pos[a][1] - pos[b][1]) / (places[a][1] - places[b][1])
        for a in names
        for b in names
        if places[a][1] != places[b][1]
    }
    assert max(scale) - min(scale) < 0.05 and min(scale) > 1  # one factor for the whole map, grown to our chips
    boxes = layout.node_boxes(g, layout.label_sides(g, pos))
    assert layout.overlaps(pos, boxes) == []


def test_overlaps_as_drawn_stay_unless_the_view_asks_to_spread_them():
    from viz import layout

    places = {f"c{i}": (float(i % 5) * 100, float(i // 5) * 30) for i in range(20)}
    places["stacked"] = places["c0"]  # drawn on top of another: the scale does not grow for one pair
    g = _placed_graph(places)
    drawn = layout.manual_layout(g)
    boxes = layout.node_boxes(g, layout.label_sides(g, drawn))
    assert ("c0", "stacked") in layout.overlaps(drawn, boxes)
    spread = layout.manual_layout(g, spread=True)
    assert layout.overlaps(spread, boxes) == []
    g.graph["layout"] = "manual-spread"
    assert layout.view_layout(g).pos == spread


def test_a_manual_view_needs_every_position(tmp_path):
    code, _, err = run_cli("import", FIXTURES / "cmaptools-legend.cxl", "--out", tmp_path / "t")
    assert code == 0, err
    assert [v["layout"] for v in read_rows(tmp_path / "t", "views")] == ["manual"]
    text = (tmp_path / "t" / "view_concepts.csv").read_text(encoding="utf-8").splitlines()
    row = text[3].split(",")
    text[3] = ",".join([*row[:-2], "", row[-1]])
    (tmp_path / "t" / "view_concepts.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    problems = [str(p) for p in data.validate(tmp_path / "t")]
    assert any(
        re.search(
            r"view_concepts\.csv:4:x: view '[^']+' is laid out by hand \(layout manual\) but this "
            r"concept has no position",
            p,
        )
        for p in problems
    ), problems


def test_import_says_which_drawings_overlap_and_spread_pushes_them_apart(tmp_path):
    code, out, _ = run_cli("import", FIXTURES / "cmaptools-fig-ecosystem.cxl", "--out", tmp_path / "a")
    assert code == 0 and re.search(r"cmaptools-fig-ecosystem\.cxl: \d+ pairs of concepts overlap as drawn", out)
    code, out, _ = run_cli("import", FIXTURES / "cmaptools-fig-ecosystem.cxl", "--out", tmp_path / "b", "--spread")
    assert code == 0 and "overlap" not in out
    assert [v["layout"] for v in read_rows(tmp_path / "b", "views")] == ["manual-spread"]


# ---------------------------------------------------------------------------
# the site offers every map for other tools


def test_every_map_page_links_its_files_for_other_tools_and_they_read_back(site):
    from viz import graph
    from viz.site import download_name

    ds = data.load()
    for view in ds.views["id"]:
        page = (site / "maps" / f"{view}.html").read_text(encoding="utf-8")
        size = len(graph.view_graph(ds, view))
        for fmt in interchange.FORMATS:
            name = download_name(view, fmt)
            assert f'href="../{name}" download>{interchange.NAMES[fmt]}</a>' in page, (view, fmt)
            back = interchange.read(site / name)
            assert (back.fmt, len(back.concepts)) == (fmt, size), (view, fmt)


@pytest.mark.slow  # builds the tiny site twice
def test_build_format_writes_the_downloads_and_a_rebuild_keeps_them(tmp_path):
    from viz import site

    ds = data.load(ROOT / "tests" / "fixtures" / "tiny")
    first = site.build_site(ds, tmp_path / "s", images=False, downloads=["cxl", "mermaid"])
    names = sorted(p.relative_to(tmp_path / "s").as_posix() for p in (tmp_path / "s" / "downloads").iterdir())
    assert names == sorted(site.download_name(v, f) for v in ds.views["id"] for f in ("cxl", "mermaid"))
    assert set(names) <= set(first.written)
    again = site.build_site(ds, tmp_path / "s", images=False, downloads=["cxl", "mermaid"])
    assert set(names) <= set(again.kept)
    site.build_site(ds, tmp_path / "s", images=False)
    assert not (tmp_path / "s" / "downloads").exists()
    page = (tmp_path / "s" / "maps" / f"{ds.views['id'].iloc[0]}.html").read_text(encoding="utf-8")
    assert "downloads/" not in page


@pytest.mark.browser
@pytest.mark.slow
def test_payloads_in_an_imported_map_are_shown_literally_and_never_run(tmp_path, offline_page):
    """Labels and verbs full of markup, from a canvas file, through import and build to the page in Chromium."""

    from conftest import ALL_PAYLOADS, build_site

    from viz.interchange.model import clean_text

    payloads = ALL_PAYLOADS[:30]
    nodes = [
        {"id": f"n{i}", "type": "text", "text": p, "x": (i % 6) * 260, "y": (i // 6) * 90, "width": 240, "height": 60}
        for i, p in enumerate(payloads)
    ]
    edges = [
        {"id": f"e{i}", "fromNode": f"n{i}", "toNode": f"n{i + 1}", "label": payloads[-i - 1]}
        for i in range(len(payloads) - 1)
    ]
    (tmp_path / "hostile.canvas").write_text(json.dumps({"nodes": nodes, "edges": edges}), encoding="utf-8")
    code, _, err = run_cli("import", tmp_path / "hostile.canvas", "--out", tmp_path / "t")
    assert code == 0, err
    build_site(tmp_path / "site", images=False, data_dir=tmp_path / "t")
    page = offline_page.open(tmp_path / "site" / "maps" / "hostile.html")
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    text = page.evaluate("() => document.getElementById('text-version').textContent")
    for p in payloads:
        label = clean_text(p)[1:] if p.startswith("\\") else clean_text(p)
        assert label in text, p
    assert page.evaluate("() => document.querySelectorAll('#text-version script, #text-version img').length") == 0
    offline_page.assert_clean()
