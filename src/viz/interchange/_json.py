"""JSON files for the readers: parsed whole, with ``file:line:column`` for a syntax error, and the line of an id."""

from __future__ import annotations

import json
import re

from viz.interchange.model import FileError

__all__ = ["id_lines", "load"]


def load(data: bytes, name: str):
    """Parse JSON text; a syntax error (or a nesting too deep to read) is a :class:`FileError`.

    Examples
    --------
    >>> load(b'{"nodes": []}', "a.canvas")
    {'nodes': []}
    >>> load(b'{"nodes": [}', "a.canvas")
    Traceback (most recent call last):
    ...
    viz.interchange.model.FileError: a.canvas:1:12: not valid JSON: Expecting value
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(name, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(name, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise FileError(name, "JSON nested too deeply to be a map") from None


def id_lines(text: str, key: str = "id") -> dict[str, int]:
    """The line of the first ``"key": value`` of each value in JSON text (one pass over the text).

    Examples
    --------
    >>> id_lines('{\\n "id": "a",\\n "x": {"id": 7}}')
    {'a': 2, '7': 3}
    """
    lines: dict[str, int] = {}
    line, last = 1, 0
    for found in re.finditer(rf'"{re.escape(key)}"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9.eE+-]+)', text):
        line += text.count("\n", last, found.start())
        last = found.start()
        try:
            value = json.loads(found.group(1))
        except ValueError:
            continue
        lines.setdefault(str(value), line)
    return lines
