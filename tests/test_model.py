"""One map, many hosts: the typed map model, the one payload, and the map component that every host mounts."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from viz import data, maps, render, style
from viz.model import MapPage

MNEMONIC = "Memory aid"


def _add_mnemonic(folder, memos: dict[str, str]) -> None:
    """What a course author does for a new column: the column in concepts.csv, the field in the schema."""
    path = folder / "concepts.csv"
    concepts = pd.read_csv(path, dtype=str, keep_default_na=False)
    concepts["mnemonic"] = concepts["id"].map(memos).fillna("")
    concepts.to_csv(path, index=False)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r for r in package["resources"] if r["name"] == "concepts")["schema"]
    schema["fields"].append({"name": "mnemonic", "title": MNEMONIC, "type": "string"})
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")


def _views_showing(ds, concept: str) -> list[str]:
    members = ds.view_concepts
    chosen = set(members.loc[members["concept"] == concept, "view"])
    return [v for v in ds.views["id"] if v in chosen or ds.views.loc[v, "selection"] == "all"]


def test_a_new_column_reaches_every_map_and_its_text_version_with_no_code_change(tiny_copy):
    memo = "PD-1 Puts the brakes Down on T cells <b>not bold</b>"
    _add_mnemonic(tiny_copy, {"pd1": memo})
    ds = data.load(tiny_copy)
    views = _views_showing(ds, "pd1")
    assert len(views) >= 2, "the concept is on several maps"
    for view in views:
        net = maps.view_map(ds, view)
        assert [f.title for f in net.page.fields if f.name == "mnemonic"] == [MNEMONIC], view
        payload = render.map_payload(net)
        assert ["mnemonic", MNEMONIC, False] in payload["fields"] and payload["concepts"]["pd1"]["mnemonic"] == memo
        page = render.render_map(net)
        text_version = page.split('id="text-version"', 1)[1]
        item = re.search(r'<li id="c-pd1">(.*?)</li>', text_version, re.S).group(1)
        assert f'<span class="field-title">{MNEMONIC}:</span> PD-1 Puts the brakes Down on T cells &lt;b&gt;' in item
        assert "<b>not bold" not in page, "the text is escaped"


def test_the_panel_and_the_tooltip_show_a_new_column_under_its_title(tiny_copy, offline_page, tmp_path):
    memo = "PD-1 Puts the brakes Down <img src=x onerror=alert(1)>"
    _add_mnemonic(tiny_copy, {"pd1": memo})
    net = maps.view_map(data.load(tiny_copy), "checkpoints")
    path = tmp_path / "map.html"
    path.write_text(render.render_map(net), encoding="utf-8")
    page = offline_page.open(path)
    page.evaluate("immunoviz.select('pd1', false)")
    panel = page.inner_text("#panel")
    assert f"{MNEMONIC}: {memo}" in panel, panel
    titles = page.eval_on_selector_all("#panel .field-title", "els => els.map(e => e.textContent)")
    schema = [f"{f.title}: " for f in net.page.fields]
    assert titles == [t for t in schema if t in titles] and titles[-1] == f"{MNEMONIC}: ", "in schema order"
    # the tooltip: rest the pointer on the concept
    box = page.evaluate(
        "(() => { var n = immunoviz.network, p = n.canvasToDOM(n.getPosition('pd1')),"
        " r = document.getElementById('map').getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; })()"
    )
    page.mouse.move(*box)
    page.wait_for_selector(".vis-tooltip", state="visible", timeout=5_000)
    assert f"{MNEMONIC}: {memo}" in page.inner_text(".vis-tooltip")
    offline_page.assert_clean()


def test_the_map_page_is_a_typed_object():
    page = MapPage(id="a", title="A")
    with pytest.raises(AttributeError):
        page.title = "B"  # frozen: a host cannot change another host's map by accident
    assert page.replace(title="B").title == "B" and page.title == "A"


def test_the_payload_documents_every_key_it_holds(tiny_dataset):
    payload = render.map_payload(maps.view_map(tiny_dataset, "checkpoints"))
    documented = set(re.findall(r"``(\w+)``", render.map_payload.__doc__))
    assert set(payload) <= documented, f"undocumented payload keys: {set(payload) - documented}"
    geometry = payload["geometry"]
    assert geometry["font"] == payload["options"]["nodes"]["font"]["size"]
    assert geometry["maxZoomPresenter"] >= geometry["maxZoom"] > 1


# ---------------------------------------------------------------------------
# several maps in one document: what a notebook with two widgets, or a deck, is


def _two_maps_page(ds, tmp_path):
    """A bare host page: two map fragments (the same map twice, as a notebook may show it), the map scripts,
    and a mount for each."""
    maps_ = {"a-": maps.view_map(ds, "checkpoints"), "b-": maps.view_map(ds, "checkpoints")}
    css = "".join(render.SITE_ASSETS[name]() for name in render.MAP_STYLES)
    scripts = "".join(f"<script>{render.SITE_ASSETS[name]()}</script>" for name in render.MAP_SCRIPTS)
    parts = []
    for uid, net in maps_.items():
        body = render.render_map_body(net, uid=uid)
        parts.append(f'<div class="host" id="{uid}host" style="height:560px">{body}</div>')
        parts.append(
            f'<script type="application/json" id="{uid}data">{render.json_for_script(render.map_payload(net))}</script>'
        )
    mount = (
        "<script>window.maps = {};"
        "['a-', 'b-'].forEach(function (u) { var root = document.getElementById(u + 'host').firstElementChild;"
        " maps[u] = immunoviz.mountMap(root, JSON.parse(document.getElementById(u + 'data').textContent), {});"
        " maps[u].events = [];"
        " root.addEventListener('immunoviz:select', function (e) { maps[u].events.push(e.detail.ids); });"
        " });"
        "var n = 0; ['a-', 'b-'].forEach(function (u) { maps[u].whenDrawn(function () {"
        " if (++n === 2) document.body.dataset.ready = '1'; }); });</script>"
    )
    path = tmp_path / "two.html"
    path.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two maps</title><style>{css}</style>'
        f"</head><body><main>{''.join(parts)}</main>{scripts}{mount}</body></html>",
        encoding="utf-8",
    )
    return path


def test_two_maps_in_one_document_keep_to_themselves(tiny_dataset, offline_page, tmp_path):
    page = offline_page.open(_two_maps_page(tiny_dataset, tmp_path))
    ids = page.evaluate("Array.from(document.querySelectorAll('[id]')).map(function (e) { return e.id; })")
    assert len(ids) == len(set(ids)), "every id in the document is unique"
    # select in one: its own panel shows it, the other map is untouched
    page.evaluate("maps['a-'].select('pd1', true)")
    assert "PD-1" in page.inner_text("#a-panel") and page.evaluate("maps['b-'].selected()") == []
    assert page.evaluate("maps['a-'].events") == [["pd1"]], "the host hears the selection, once"
    # the story of one moves alone, by its own buttons and its own keys
    before = page.evaluate("maps['b-'].step()")
    page.click("#a-prev")  # from the whole map, where a map opens, to its last step
    assert page.evaluate("maps['a-'].step()") == page.evaluate("maps['a-'].steps")
    assert page.evaluate("maps['b-'].step()") == before
    page.focus("#b-prev")
    page.keyboard.press("Home")
    assert page.evaluate("maps['b-'].step()") == 1 and page.evaluate("maps['a-'].step()") != 1
    # several concepts at once, as a notebook asks for them: all lit, the first in the panel
    page.evaluate("maps['b-'].setStep(maps['b-'].steps); maps['b-'].select(['cd8_t_cell', 'ctla4'], true)")
    assert page.evaluate("maps['b-'].selected()") == ["cd8_t_cell", "ctla4"]
    assert not page.evaluate("maps['b-'].isDimmed('ctla4')") and page.evaluate("maps['b-'].isDimmed('melanoma')")
    # a category hidden in one map only
    page.evaluate("maps['a-'].setHidden(['drug'])")
    assert page.evaluate("maps['a-'].hidden()") == ["drug"] and page.evaluate("maps['b-'].hidden()") == []
    assert not page.is_checked('#a-host input[data-category="drug"]')
    offline_page.assert_clean()


# ---------------------------------------------------------------------------
# one look


def test_the_generated_block_defines_every_custom_property_the_stylesheet_reads():
    css = render.SITE_ASSETS["immunoviz.css"]()
    used = set(re.findall(r"var\(--([\w-]+)\)", css))
    defined = set(style.PAGE) | set(style.JUPYTER)
    assert used <= defined, f"read but never defined: {used - defined}"
    assert css.startswith(style.css_root()), "the generated block comes first"


COLOUR = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b|\brgba?\(")


def test_no_colour_is_written_outside_viz_style():
    from viz.paths import STATIC_DIR, TEMPLATES_DIR

    files = [*TEMPLATES_DIR.rglob("*.html"), *TEMPLATES_DIR.rglob("*.j2"), *STATIC_DIR.glob("*.css")]
    files += list(STATIC_DIR.glob("*.js"))
    assert len(files) > 10
    found = [
        f"{p.name}:{n}: {line.strip()[:80]}"
        for p in files
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if COLOUR.search(line)
    ]
    assert found == [], "colours belong in viz.style.PAGE (or MAP_STATES):\n" + "\n".join(found)
    assert COLOUR.search("color: #1b1b1f;") and COLOUR.search("background: rgba(0, 0, 0, 0.1)"), "the check can fail"


def test_every_page_of_the_site_links_the_one_stylesheet(site):
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] if len(p.relative_to(site).parts) > 1 else p.name for p in pages}
    assert {"index.html", "history.html", "maps", "charts", "notebooks"} <= kinds, kinds
    from viz import style

    def has_stylesheet(html: str) -> bool:
        # a page of the site links it; a lecture deck is one file to carry to the lecture hall, so it
        # carries the same stylesheet inline (its :root block first)
        linked = re.search(r'<link (rel="stylesheet" )?href="(\.\./)*assets/immunoviz\.css"', html)
        return bool(linked) or style.css_root() in html

    unlinked = [str(p.relative_to(site)) for p in pages if not has_stylesheet(p.read_text(encoding="utf-8"))]
    assert unlinked == [], f"pages without the site's stylesheet: {unlinked}"
