"""Line numbers in TOML text, so that a refused experiment file names the line.

``tomllib`` parses a file but says nothing of where a key was written; ``LineIndex`` finds
the line of a key path (best effort), and ``Context`` builds the one error message that
names the file, the line and the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


class Context:
    """Where an error is: the file, and the line of a key path when it can be found."""

    def __init__(self, label: str, lines: LineIndex) -> None:
        self.label = label
        self.lines = lines

    def error(self, keys: Sequence[str | int], message: str) -> ValueError:
        """The error to raise about ``keys``: file, line (when found) and key, then ``message``."""
        where = [self.label]
        line = self.lines.line(tuple(keys))
        if line is not None:
            where.append(f"line {line}")
        if keys:
            where.append(f"key {key_label(keys)}")
        return ValueError(f"{', '.join(where)}: {message}")


def key_label(keys: Sequence[str | int]) -> str:
    """A key path as written in messages, e.g. ``arms[1].programmes[0].coverage``."""
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


class LineIndex:
    """Line numbers of keys and tables in TOML text (best effort: tomllib gives none).

    Table headers (``[a.b]``, ``[[arms]]``), ``key = value`` lines and the keys of inline
    tables written on one line are indexed by their key path; arrays of tables are
    counted, so the second ``[[arms]]`` is ``("arms", 1)``.
    """

    _HEADER_ARRAY = re.compile(r"^\s*\[\[\s*(.+?)\s*\]\]\s*$")
    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*$")
    _BARE = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
    _KEY = re.compile(rf"^\s*({_BARE}(?:\s*\.\s*{_BARE})*)\s*=(.*)$")
    _INLINE_KEY = re.compile(r"[{,]\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.index: dict[tuple, int] = {}
        counters: dict[tuple, int] = {}
        current: tuple = ()
        depth = 0  # open brackets of a multi-line value: its lines hold no keys
        in_string = None  # the quotes of a multi-line string being read
        array_path: tuple = ()
        element = -1
        for n, raw in enumerate(text.splitlines(), start=1):
            if in_string:
                if raw.count(in_string) % 2:
                    in_string = None
                continue
            line = _strip_comment(raw)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes
            if depth > 0:
                # Inside a multi-line array: index the keys of inline tables, one per line.
                if depth == 1 and line.lstrip().startswith("{"):
                    element += 1
                    for k in self._INLINE_KEY.findall(line):
                        self.index.setdefault(array_path + (element, k), n)
                    self.index.setdefault(array_path + (element,), n)
                depth += _bracket_balance(line)
                continue
            m = self._HEADER_ARRAY.match(line)
            if m:
                keys = _split_keys(m.group(1))
                table = self._resolve(keys[:-1], counters) + (keys[-1],)
                counters[table] = counters.get(table, -1) + 1
                current = table + (counters[table],)
                self.index.setdefault(table, n)
                self.index[current] = n
                continue
            m = self._HEADER.match(line)
            if m:
                current = self._resolve(_split_keys(m.group(1)), counters)
                self.index.setdefault(current, n)
                continue
            m = self._KEY.match(line)
            if m:
                path = current + tuple(_split_keys(m.group(1)))
                self.index.setdefault(path, n)
                value = m.group(2)
                if value.lstrip().startswith("{"):
                    for k in self._INLINE_KEY.findall(value):
                        self.index.setdefault(path + (k,), n)
                elif value.lstrip().startswith("["):
                    # An array of inline tables on this line: [{...}, {...}]
                    for element, item in enumerate(re.findall(r"\{[^{}]*\}", value)):
                        self.index.setdefault(path + (element,), n)
                        for k in self._INLINE_KEY.findall(item):
                            self.index.setdefault(path + (element, k), n)
                depth = max(0, _bracket_balance(value))
                array_path, element = path, -1

    @staticmethod
    def _resolve(keys: Sequence[str], counters: dict[tuple, int]) -> tuple:
        path: tuple = ()
        for k in keys:
            path += (k,)
            if path in counters:  # a table inside the latest element of an array of tables
                path += (counters[path],)
        return path

    def line(self, keys: tuple) -> int | None:
        """Line of a key path, or of the nearest enclosing key or table found."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.index:
                return self.index[keys[:end]]
        return None


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _bracket_balance(text: str) -> int:
    quote, bal = None, 0
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            bal += 1
        elif ch in "]}":
            bal -= 1
    return bal


def _split_keys(text: str) -> list[str]:
    return [k.strip().strip("\"'") for k in re.findall(r"""(?:"[^"]*"|'[^']*'|[^.]+)""", text)]
