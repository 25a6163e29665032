"""TOML for the course files: parsing that keeps line numbers, and a small writer.

``tomllib`` returns plain values with no positions, yet an author needs to be told *where* a wrong value
is. :class:`TomlLines` re-scans the (already valid) text to map each key of each table to its line.
The standard library has no TOML writer; the course files only use strings, integers, booleans, arrays
and inline tables, so a few functions cover them and keep full control over the layout.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# A table instance: None for the root table, ("questions", 2) for the third [[questions]] table.
Scope = tuple[str, int] | None

_SYNTAX_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_SYNTAX_AT_END = re.compile(r"\s*\(at end of document\)$")
_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
_KEY = re.compile(rf"\s*(?P<key>{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER = re.compile(r"\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_MULTILINE_QUOTES = ('"""', "'''")


class TomlSyntaxError(Exception):
    """The text is not TOML; ``line`` is already shifted to the line numbering of the whole file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message


def parse_toml(text: str, first_line: int = 1) -> tuple[dict[str, Any], TomlLines]:
    """Parse ``text`` whose first line is line ``first_line`` of its file (front matter starts on 2).

    :raise TomlSyntaxError: with the file line of the syntax error, taken from tomllib's message.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(str(error), text, first_line) from None
    return data, TomlLines(text, first_line)


def _syntax_error(message: str, text: str, first_line: int) -> TomlSyntaxError:
    at_line = _SYNTAX_AT_LINE.search(message)
    if at_line:
        return TomlSyntaxError(first_line + int(at_line[1]) - 1, message[: at_line.start()])
    last_line = first_line + max(len(text.splitlines()), 1) - 1
    return TomlSyntaxError(last_line, _SYNTAX_AT_END.sub("", message) + " (at end of the TOML)")


class TomlLines:
    """Where each table header and each key's value sits in a TOML text (1-based file lines)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.first_line = first_line
        self._headers: dict[Scope, int] = {}
        self._keys: dict[tuple[Scope, str], tuple[int, int]] = {}
        self._items: dict[tuple[Scope, str], list[int]] = {}
        self._scan(text)

    def table_line(self, scope: Scope) -> int | None:
        """The header line of a table, the first line for the root table, None if it has no header."""
        return self.first_line if scope is None else self._headers.get(scope)

    def key_span(self, scope: Scope, key: str) -> tuple[int, int] | None:
        """First and last line of ``key = value`` in a table, or None if the key is not written there."""
        return self._keys.get((scope, key))

    def item_lines(self, scope: Scope, key: str) -> list[int]:
        """The line of each inline table ``{ ... }`` in the array value of ``key``."""
        return self._items.get((scope, key), [])

    def _scan(self, text: str) -> None:
        scanner = _ValueScanner()
        scope: Scope = None
        counts: dict[str, int] = {}
        open_key: tuple[Scope, str] | None = None
        start = 0
        for number, line in enumerate(text.split("\n"), start=self.first_line):
            scanner.line_number = number
            if open_key is not None:
                scanner.feed(line)
            elif header := _HEADER.match(line):
                name = _normal_key(header["name"])
                scope = (name, counts.get(name, 0))
                counts[name] = scope[1] + 1
                self._headers[scope] = number
            elif key := _KEY.match(line):
                open_key, start = (scope, _normal_key(key["key"])), number
                scanner.item_lines = self._items.setdefault(open_key, [])
                scanner.feed(line[key.end() :])
            if open_key is not None and scanner.value_ended():
                self._keys.setdefault(open_key, (start, number))
                open_key = None


class _ValueScanner:
    """Follows brackets and strings across lines, to know where a value ends and where its items start."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.line_number = 0
        self.item_lines: list[int] = []

    def value_ended(self) -> bool:
        return self.depth == 0 and self.quote not in _MULTILINE_QUOTES

    def feed(self, line: str) -> None:
        index = 0
        while index < len(line):
            index = self._step(line, index)
        if self.quote not in _MULTILINE_QUOTES:
            self.quote = None

    def _step(self, line: str, index: int) -> int:
        if self.quote is not None:
            return self._step_in_string(line, index, self.quote)
        char = line[index]
        if char == "#":
            return len(line)
        for quote in (*_MULTILINE_QUOTES, '"', "'"):
            if line.startswith(quote, index):
                self.quote = quote
                return index + len(quote)
        if char in "[{":
            if char == "{" and self.depth == 1:
                self.item_lines.append(self.line_number)
            self.depth += 1
        elif char in "]}":
            self.depth -= 1
        return index + 1

    def _step_in_string(self, line: str, index: int, quote: str) -> int:
        if line[index] == "\\" and quote.startswith('"'):
            return index + 2
        if not line.startswith(quote, index):
            return index + 1
        end = index + len(quote)
        if quote in _MULTILINE_QUOTES:  # up to two quotes may sit inside the closing delimiter
            while end < len(line) and line[end] == quote[0] and end - index < 5:
                end += 1
        self.quote = None
        return end


def _normal_key(raw: str) -> str:
    """``a . "b"`` -> ``a.b``: the key as tomllib names it (enough for the simple keys used here)."""
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


# ---- writing ---------------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """A basic (double-quoted) TOML string; non-ASCII text is written as is (the files are UTF-8)."""
    return '"' + "".join(_escape(char) for char in value) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"\\u{ord(char):04x}"
    return char


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: Any) -> str:
    """One value on one line: string, integer, boolean, array or inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def toml_assignments(pairs: Iterable[tuple[str, Any]]) -> list[str]:
    """``key = value`` lines, skipping None; an array of inline tables gets one table per line."""
    lines: list[str] = []
    for key, value in pairs:
        if value is None:
            continue
        if _is_table_array(value):
            lines.append(f"{toml_key(key)} = [")
            lines.extend(f"  {toml_value(item)}," for item in value)
            lines.append("]")
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return lines


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, Mapping) for v in value)


def toml_table_array(name: str, tables: Iterable[Iterable[tuple[str, Any]]]) -> list[str]:
    """``[[name]]`` blocks separated by blank lines (no leading or trailing blank line)."""
    lines: list[str] = []
    for pairs in tables:
        if lines:
            lines.append("")
        lines.append(f"[[{name}]]")
        lines.extend(toml_assignments(pairs))
    return lines
