"""Reading parsed TOML tables into typed values, reporting each mistake at its line.

The getters never raise: they record the problem (at the line of the key, or where the table starts
when the key is missing) and return None, so one pass over a file reports every problem in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursehub.content.errors import Problems
from coursehub.content.toml_format import Scope, TomlLines, TomlSyntaxError, parse_toml

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REQUIRED: Any = object()

_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number with a fraction",
    list: "an array",
    dict: "a table",
}


@dataclass
class SourceFile:
    """One file being read: where it is, where its keys are, and where its problems go."""

    path: Path
    lines: TomlLines
    problems: Problems
    failed: bool = field(default=False)

    def report(self, line: int, message: str) -> None:
        self.failed = True
        self.problems.add(self.path, line, message)


def read_toml(path: Path, text: str, problems: Problems, first_line: int = 1) -> Table | None:
    """The root table of a TOML text, or None (syntax error reported) if it does not parse."""
    try:
        data, lines = parse_toml(text, first_line)
    except TomlSyntaxError as error:
        problems.add(path, error.line, f"TOML syntax error: {error.message}")
        return None
    return Table(SourceFile(path, lines, problems), data)


def read_text(path: Path, problems: Problems) -> str | None:
    """The file as UTF-8 text (newlines normalised to \\n), or None with the problem reported."""
    try:
        return path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is harmless
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        problems.add(path, line, f"not valid UTF-8: {error.reason}")
    except OSError as error:
        problems.add(path, 1, f"cannot read the file: {error.strerror}")
    return None


def describe(value: Any) -> str:
    """``an integer``, ``a string``: how the file wrote a value, for "must be X, not Y" messages."""
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return "a date or time" if hasattr(value, "isoformat") else type(value).__name__


class Table:
    """A TOML table of one file, read key by key.

    :param scope: which table of the file this is (see :data:`~coursehub.content.toml_format.Scope`).
    :param start_line: where to point when the table has no header of its own (an inline table).
    """

    def __init__(
        self, source: SourceFile, data: Mapping[str, Any], scope: Scope = None, start_line: int | None = None
    ) -> None:
        self.source = source
        self.data = data
        self.scope = scope
        self._start_line = start_line

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def failed(self) -> bool:
        """Whether any problem was found in this file so far (then no object is built from it)."""
        return self.source.failed

    def line(self, key: str | None = None) -> int:
        """The line of ``key = ...``, or of the table's start when the key is absent."""
        span = self.source.lines.key_span(self.scope, key) if key else None
        if span:
            return span[0]
        return self.source.lines.table_line(self.scope) or self._start_line or self.source.lines.first_line

    def error(self, key: str | None, message: str) -> None:
        self.source.report(self.line(key), message)

    def allow(self, keys: Iterable[str]) -> None:
        """Report every key not in ``keys``: a typo in a key name must not pass silently."""
        allowed = tuple(keys)
        for key in self.data:
            if key not in allowed:
                self.error(key, f"unknown key {key!r} (allowed: {', '.join(allowed)})")

    def value(self, key: str, kind: type | tuple[type, ...], what: str, default: Any = _REQUIRED) -> Any:
        """The value of ``key`` if it has type ``kind``; else report (missing or wrong type) and None."""
        if key not in self.data:
            if default is _REQUIRED:
                self.error(None, f"missing key {key!r}")
                return None
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.error(key, f"{key} must be {what}, not {describe(value)}")
            return None
        return value

    def text(self, key: str, default: Any = _REQUIRED) -> str | None:
        """A string that is not blank."""
        value = self.value(key, str, "a string", default)
        if isinstance(value, str) and not value.strip():
            self.error(key, f"{key} must not be empty")
            return None
        return value

    def integer(
        self, key: str, minimum: int = 0, maximum: int | None = None, default: Any = _REQUIRED
    ) -> int | None:
        """An integer within ``minimum..maximum``."""
        value = self.value(key, int, "an integer", default)
        if value is None:
            return None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            self.error(key, f"{key} must be {bounds}, not {value}")
            return None
        return int(value)

    def flag(self, key: str, default: Any = _REQUIRED) -> bool | None:
        return self.value(key, bool, "true or false", default)

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        """A string that is one of ``choices``."""
        allowed = tuple(choices)
        value = self.value(key, str, "a string", _REQUIRED)
        if value is not None and value not in allowed:
            self.error(key, f"{key} must be one of {', '.join(map(repr, allowed))}, not {value!r}")
            return None
        return value

    def slug(self, key: str) -> str | None:
        """Lowercase letters and digits in hyphen-separated words, like ``pelvic-torsion-2``."""
        value = self.text(key)
        if value is not None and not SLUG.fullmatch(value):
            self.error(key, f"{key} {value!r} is not a slug (lowercase letters, digits and single hyphens)")
            return None
        return value

    def tables(self, key: str, default: Any = _REQUIRED) -> list[Table] | None:
        """An array of tables (``[[key]]`` blocks or ``key = [{...}, ...]``), each as a :class:`Table`."""
        items = self.value(key, list, "an array of tables", default)
        if items is None:
            return None
        item_lines = self.source.lines.item_lines(self.scope, key)
        tables = []
        for index, item in enumerate(items):
            start = item_lines[index] if index < len(item_lines) else self.line(key)
            if not isinstance(item, dict):
                self.source.report(start, f"each entry of {key} must be a table, not {describe(item)}")
                continue
            # Nested arrays are inline here; a name no header can have makes lines fall back to `start`.
            name = key if self.scope is None else f"{self.scope[0]}[{self.scope[1]}].{key}"
            tables.append(Table(self.source, item, (name, index), start))
        return tables
