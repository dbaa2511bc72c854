"""Mermaid flowcharts (``graph`` / ``flowchart``; https://mermaid.js.org/syntax/flowchart.html), as text.

A statement is a chain of nodes and links (``A[Cells] -->|make up| B(Tissues) --> C``, ``A & B --> C``);
a node's text is in its brackets (``[...]``, ``(...)``, ``{...}``, ...), quoted or not; a link's text
sits between pipes or inside the arrow (``-- text -->``). ``subgraph ... end`` blocks become categories,
and so do classes (``classDef`` / ``class`` / ``:::``), with their fill colour. Mermaid has no positions.
``click`` lines (callbacks and links) are dropped and never run; so are styles.
"""

from __future__ import annotations

import html
import re

from viz.interchange.model import Concept, FileError, Group, Link, Map, clean_text

__all__ = ["is_mermaid", "read", "write"]

_HEADER = re.compile(r"^\s*(graph|flowchart)\b(\s+(TB|TD|BT|RL|LR))?\s*;?\s*$", re.I)
_ID = re.compile(r"[^\s\[\]\(\)\{\}<>|&;:\"'`=~.@-]+(?:[.-][^\s\[\]\(\)\{\}<>|&;:\"'`=~.@-]+)*")
#: Node shapes: opening bracket -> closing bracket (longest first).
_SHAPES = [
    ("(((", ")))"),
    ("((", "))"),
    ("([", "])"),
    ("[[", "]]"),
    ("[(", ")]"),
    ("[/", "/]"),
    ("[/", "\\]"),
    ("[\\", "\\]"),
    ("[\\", "/]"),
    ("{{", "}}"),
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    (">", "]"),
]
_TEXT_LINK = re.compile(
    r"\s*(<)?(--|==|-\.)\s+(\"[^\"]*\"|[^|\n]*?)\s*(-{2,}>|={2,}>|\.-+>|-{3,}|={3,}|\.-+|-{2,}[ox]|={2,}[ox])"
)
_PLAIN_LINK = re.compile(
    r"\s*(?:[A-Za-z0-9_]+@)?(<|o|x)?(-{2,}>|={2,}>|-\.+->|-{3,}|={3,}|-\.+-|~{3,}|(?:-{2,}|={2,})[ox](?![A-Za-z0-9_]))"
)
_PIPE = re.compile(r"\s*\|(\"[^\"]*\"|[^|]*)\|")
_FILL = re.compile(r"fill\s*:\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def is_mermaid(text: str) -> bool:
    """Whether text is a Mermaid flowchart: its first statement is ``graph`` or ``flowchart``."""
    for line in _statements(text):
        return bool(_HEADER.match(line[1]))
    return False


def _statements(text: str):
    """(line number, statement) pairs: comments, directives and front matter left out, ``;`` splits."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        start = end + 1
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("%%"):
            continue
        for part in _split(stripped):
            if part.strip():
                yield number, part.strip()


def _split(line: str) -> list[str]:
    """Split a line on ``;`` outside quotes."""
    parts, buf, quoted = [], "", False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    return [*parts, buf]


def _title(lines: list[str]) -> str:
    if lines and lines[0].strip() == "---":
        for line in lines[1:]:
            if line.strip() == "---":
                break
            if line.strip().startswith("title:"):
                return clean_text(line.split(":", 1)[1].strip().strip("\"'"))
    return ""


def unescape(text: str) -> str:
    """Mermaid's entity codes (``#quot;``, ``#35;``) and HTML entities as characters, ``<br>`` as a space.

    Examples
    --------
    >>> unescape('A #quot;quote#quot; #lt;b#gt;<br/>#35;1')
    'A "quote" <b> #1'
    """
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))) if int(m.group(1)) < 0x110000 else "", text)
    text = re.sub(
        r"#([a-zA-Z]+);", lambda m: html.unescape(f"&{m.group(1)};").replace(f"&{m.group(1)};", m.group()), text
    )
    return text


def _hex(value: str) -> str:
    value = value.lower()
    return "#" + ("".join(ch * 2 for ch in value) if len(value) == 3 else value)


def _strip_quotes(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    if len(text) >= 2 and text[0] == "`" and text[-1] == "`":  # a Markdown string
        text = text[1:-1].replace("**", "").replace("*", "")
    return unescape(text)


class _Parser:
    def __init__(self, name: str):
        self.m = Map(name, "mermaid")
        self.nodes: dict[str, Concept] = {}
        self.classes: dict[str, str | None] = {}
        self.node_class: dict[str, str] = {}
        self.stack: list[str] = []
        self.subgraph_ids: set[str] = set()
        self.line = 0

    def error(self, line: int, message: str, column: int | None = None):
        return FileError(self.m.name, message, line, column)

    def node(self, s: str, i: int, line: int) -> tuple[str, int]:
        """Read one node reference at ``s[i:]``; return its id and where it ends."""
        while i < len(s) and s[i].isspace():
            i += 1
        found = _ID.match(s, i)
        if not found:
            raise self.error(line, f"expected a node id at '{clean_text(s[i : i + 20])}'", i + 1)
        key, i = found.group(), found.end()
        label = None
        if s.startswith("@{", i):
            end = s.find("}", i)
            if end < 0:
                raise self.error(line, "a node's '@{' has no closing '}'", i + 1)
            spec = s[i + 2 : end]
            found_label = re.search(r"label\s*:\s*\"([^\"]*)\"", spec)
            label = unescape(found_label.group(1)) if found_label else None
            i = end + 1
        else:
            for opening, closing in _SHAPES:
                if s.startswith(opening, i):
                    j = i + len(opening)
                    if s.startswith('"', j):
                        q = s.find('"', j + 1)
                        end = s.find(closing, q + 1) if q >= 0 else -1
                    else:
                        end = s.find(closing, j)
                    if end < 0:
                        continue
                    label = _strip_quotes(s[j:end])
                    i = end + len(closing)
                    break
        if s.startswith(":::", i):
            found = re.match(r":::([A-Za-z0-9_-]+)", s[i:])
            if found:
                self.node_class[key] = found.group(1)
                i += found.end()
        if key in self.subgraph_ids:
            return key, i
        if key not in self.nodes:
            self.nodes[key] = Concept(key, label if label is not None else key, line)
            self.m.concepts.append(self.nodes[key])
        elif label is not None:
            self.nodes[key].label = label
        if self.stack:  # as Mermaid draws it: a node belongs to the last subgraph that mentions it
            self.nodes[key].group = self.stack[-1]
        return key, i

    def group(self, s: str, i: int, line: int) -> tuple[list[str], int]:
        keys = []
        while True:
            key, i = self.node(s, i, line)
            keys.append(key)
            found = re.match(r"\s*&\s*", s[i:])
            if not found:
                return keys, i
            i += found.end()

    def link(self, s: str, i: int) -> tuple[str, bool, bool, int] | None:
        """A link at ``s[i:]``: (its text, whether it points, whether it is drawn, where it ends)."""
        found = _TEXT_LINK.match(s, i)
        if found and not found.group(3).startswith(("-", "=", ">")):
            arrow = found.group(4)
            return _strip_quotes(found.group(3)), arrow.endswith((">", "o", "x")), True, found.end()
        found = _PLAIN_LINK.match(s, i)
        if not found:
            return None
        if found.group(1) == "<":
            self.m.drop(self.line, "an arrow head at both ends: kept as a link in the direction it was written")
        arrow, end, text = found.group(2), found.end(), ""
        pipe = _PIPE.match(s, end)
        if pipe:
            text, end = _strip_quotes(pipe.group(1)), pipe.end()
        return text, arrow.endswith((">", "o", "x")), not arrow.startswith("~"), end

    def statement(self, line: int, s: str) -> None:
        word = s.split(None, 1)[0].lower() if s.split() else ""
        rest = s[len(word) :].strip()
        if word == "subgraph":
            found = re.match(r"([^\s\[\"]+)?\s*(?:\[(.*)\]|\"(.*)\")?\s*$", rest)
            key = (found.group(1) if found and found.group(1) else None) or f"subgraph-{line}"
            title = (found.group(2) or found.group(3)) if found else None
            self.subgraph_ids.add(key)
            self.m.groups[key] = Group(key, clean_text(_strip_quotes(title or key)), None, line)
            if self.stack:
                self.m.drop(
                    line,
                    f"the subgraph '{self.m.groups[key].label}' sits in another: each of their "
                    "concepts is in the innermost one",
                )
            self.stack.append(key)
        elif word == "end":
            if not self.stack:
                raise self.error(line, "'end' without a 'subgraph' before it", 1)
            self.stack.pop()
        elif word == "classdef":
            names, _, spec = rest.partition(" ")
            fill = _FILL.search(spec)
            for cls in names.split(","):
                self.classes[cls] = _hex(fill.group(1)) if fill else None
        elif word == "class":
            found = re.match(r"(\S+)\s+(\S+)", rest)
            if found:
                for key in found.group(1).split(","):
                    self.node_class[key] = found.group(2)
        elif word == "style":
            found = re.match(r"(\S+)\s+(.*)", rest)
            fill = _FILL.search(found.group(2)) if found else None
            if found and fill and found.group(1) in self.nodes:
                self.nodes[found.group(1)].colour = _hex(fill.group(1))
        elif word == "click":
            self.m.drop(line, "a click action (a callback or a link): never run, and not kept")
        elif word in ("linkstyle", "direction", "acctitle", "accdescr") or word.startswith(("acctitle:", "accdescr")):
            if word == "linkstyle":
                self.m.drop(line, "the style of a link (links are styled by their verb)")
        else:
            self.chain(line, s)

    def chain(self, line: int, s: str) -> None:
        self.line = line
        left, i = self.group(s, 0, line)
        while i < len(s) and s[i:].strip():
            found = self.link(s, i)
            if found is None:
                raise self.error(line, f"expected a link (such as -->) at '{clean_text(s[i : i + 20])}'", i + 1)
            text, directed, drawn, i = found
            right, i = self.group(s, i, line)
            for a in left:
                for b in right:
                    if a in self.subgraph_ids or b in self.subgraph_ids:
                        self.m.drop(line, "a link to a subgraph (it became a category; the tables link concepts)")
                    elif not drawn:
                        self.m.drop(line, "an invisible link (~~~), which only shapes Mermaid's layout")
                    else:
                        self.m.links.append(Link(a, b, text, line, directed))
            left = right

    def finish(self) -> Map:
        if self.stack:
            raise self.error(
                len(self.m.concepts) and self.m.groups[self.stack[-1]].line, "a 'subgraph' without its 'end'"
            )
        for key, cls in self.node_class.items():
            c = self.nodes.get(key)
            if c is None or c.group:
                continue
            gkey = f"class:{cls}"
            self.m.groups.setdefault(gkey, Group(gkey, cls, self.classes.get(cls), c.line))
            c.group = gkey
        return self.m


def read(data: bytes, name: str) -> Map:
    """Read a Mermaid flowchart into a :class:`~viz.interchange.model.Map` (without positions)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(
            name, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", data[: exc.start].count(b"\n") + 1
        ) from None
    parser = _Parser(name)
    parser.m.title = _title(text.splitlines())
    statements = iter(_statements(text))
    first = next(statements, None)
    if first is None or not _HEADER.match(first[1]):
        raise FileError(
            name, "not a Mermaid flowchart: it does not start with 'graph' or 'flowchart'", first[0] if first else 1, 1
        )
    for line, s in statements:
        parser.statement(line, s)
    return parser.finish()


def _quote(text: str) -> str:
    """Text for inside Mermaid's double quotes: quotes and markup as entity codes, so it shows literally."""
    return "".join(
        {'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "#": "#35;", "`": "#96;"}.get(ch, ch)
        for ch in clean_text(text)
    )


def write(m: Map) -> str:
    """Write a map as a Mermaid flowchart: a node per concept, a labelled arrow per link, a class per category
    (with its colour). Mermaid lays it out itself: positions are not kept."""
    ids = {c.key: f"n{i}" for i, c in enumerate(m.concepts, start=1)}
    lines = ["---", f"title: {_quote(m.title or m.name)}", "---", "flowchart LR"]
    lines += [f'    {ids[c.key]}["{_quote(c.label)}"]' for c in m.concepts]
    for k in m.links:
        arrow = "-->" if k.directed else "---"
        lines.append(f'    {ids[k.source]} {arrow}|"{_quote(k.verb)}"| {ids[k.target]}')
    classes: dict[str, list[str]] = {}
    for c in m.concepts:
        if c.group in m.groups:
            classes.setdefault(c.group, []).append(ids[c.key])
    for n, (gkey, members) in enumerate(classes.items(), start=1):
        g = m.groups[gkey]
        cls = re.sub(r"[^A-Za-z0-9_-]", "_", g.label) or f"category{n}"
        lines.append(f"    classDef {cls} fill:{g.colour or '#ffffff'}")
        lines.append(f"    class {','.join(members)} {cls}")
    return "\n".join(lines) + "\n"
