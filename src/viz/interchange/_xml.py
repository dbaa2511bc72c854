"""Safe XML: a small element tree with line numbers, parsed by defusedxml (no entities, no DTD lookups).

``defusedxml`` refuses entity declarations (the billion laughs and external entities both need one)
and external references; the parse stops after :data:`MAX_ELEMENTS` elements. Every element keeps the
line and column where it starts, so a reader can say where something it dropped came from.
"""

from __future__ import annotations

import io
import xml.sax
from dataclasses import dataclass, field
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml
import defusedxml.sax

from viz.interchange.model import MAX_CONCEPTS, FileError

__all__ = ["Element", "parse", "root", "top"]

#: Elements one file may hold: about a hundred per concept, far more than any tool writes.
MAX_ELEMENTS = 100 * MAX_CONCEPTS


@dataclass
class Element:
    """An XML element: local name, namespace, attributes by local name, text, children and where it starts."""

    tag: str
    ns: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        """The first child with this local name."""
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        """The children with this local name."""
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str | None = None):
        """This element and every element under it (with this local name), in document order."""
        if tag is None or self.tag == tag:
            yield self
        for c in self.children:
            yield from c.iter(tag)

    def alltext(self) -> str:
        """The text of this element and of every element under it."""
        return self.text + "".join(c.alltext() for c in self.children)


class _TooBig(Exception):
    pass


class _Found(Exception):
    """The root element has started: :func:`top` needs no more of the file."""


class _Builder(ContentHandler):
    def __init__(self, *, whole: bool = True):
        super().__init__()
        self.whole = whole
        self.stack: list[Element] = []
        self.root: Element | None = None
        self.count = 0
        self.locator = None

    def setDocumentLocator(self, locator):
        self.locator = locator

    def position(self) -> tuple[int, int]:
        if self.locator is None:
            return 1, 1
        return self.locator.getLineNumber(), self.locator.getColumnNumber() + 1

    def startElementNS(self, name, qname, attrs):
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _TooBig
        ns, tag = name
        line, column = self.position()
        el = Element(tag, ns or "", {k[1]: v for k, v in attrs.items()}, line, column)
        if self.stack:
            self.stack[-1].children.append(el)
        else:
            self.root = el
            if not self.whole:
                raise _Found
        self.stack.append(el)

    def endElementNS(self, name, qname):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text += content


def parse(data: bytes, name: str) -> Element:
    """Parse XML safely into an :class:`Element` tree; raise :class:`FileError` (``file:line:column``).

    Examples
    --------
    >>> root = parse(b'<a x="1">\\n  <b>hi</b>\\n</a>', "t.xml")
    >>> root.tag, root.attrs, root.find("b").text, root.find("b").line
    ('a', {'x': '1'}, 'hi', 2)
    >>> parse(b'<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>', "t.xml")
    Traceback (most recent call last):
    ...
    viz.interchange.model.FileError: t.xml:1:...: the file declares an XML entity ('e'); ...
    """
    return _run(_Builder(), data, name)


def top(data: bytes, name: str) -> Element:
    """The root element as its start tag gives it (no children, no text): the parse stops there, so a
    file's format is told without reading the rest of it. What comes before it (an XML declaration, a
    DOCTYPE, comments) is checked as :func:`parse` checks it.

    Examples
    --------
    >>> top(b'<?xml version="1.0"?>\\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>', "t.xml").tag
    'graphml'
    """
    return _run(_Builder(whole=False), data, name)


def _run(handler: _Builder, data: bytes, name: str) -> Element:
    """Parse ``data`` into ``handler`` with defusedxml; its refusals and expat's errors as :class:`FileError`."""
    parser = defusedxml.sax.make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except _Found:
        pass
    except xml.sax.SAXParseException as exc:
        line, column = exc.getLineNumber(), exc.getColumnNumber() + 1
        raise FileError(name, f"not well-formed XML: {exc.getMessage()}", line, column) from None
    except defusedxml.EntitiesForbidden as exc:
        raise FileError(
            name,
            f"the file declares an XML entity ('{exc.name}'); entities are refused, since they can expand to "
            "gigabytes or read other files (save the map again from its tool, which writes none)",
            *handler.position(),
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden, defusedxml.NotSupportedError) as exc:
        where = getattr(exc, "sysid", None) or getattr(exc, "system_id", None) or "a DTD"
        raise FileError(
            name,
            f"the file refers to a document outside itself ({where}); that is refused (delete its <!DOCTYPE ...> line)",
            *handler.position(),
        ) from None
    except _TooBig:
        raise FileError(
            name, f"more than {MAX_ELEMENTS:,} XML elements; split the map into several files", *handler.position()
        ) from None
    if handler.root is None:  # pragma: no cover - expat refuses a document without a root element
        raise FileError(name, "no XML element in the file", 1, 1)
    return handler.root


def root(data: bytes, name: str, tag: str, what: str) -> Element:
    """Parse a file that must be of one XML format: its root element is ``<tag>``, or it is not ``what``."""
    top = parse(data, name)
    if top.tag != tag:
        raise FileError(name, f"not a {what} file: its root element is <{top.tag}>, not <{tag}>", top.line, top.column)
    return top
