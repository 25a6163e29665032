"""Problems found in the course files, each pinned to a file and a line.

Authors fix content in an editor, so every complaint reads like a compiler error
(``courses/<course>/<module>/quiz.toml:42: ...``) that an editor or terminal can jump to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class ContentError(Exception):
    """One problem in the course files.

    :param path: the file, relative to the parent of the catalog root (``courses/...``).
    :param line: 1-based line in that file.
    :param message: what is wrong, in words an author can act on.
    """

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path.as_posix()}:{self.line}: {self.message}"


class ContentErrors(ContentError):
    """Every problem found in one load, so an author can fix them all in one pass.

    It is a :class:`ContentError` itself (path, line and message of the first problem), so code that
    only wants to know "the content is broken, and where first" can catch the simpler type.
    """

    def __init__(self, errors: Sequence[ContentError]) -> None:
        if not errors:
            raise ValueError("ContentErrors needs at least one error")
        first = errors[0]
        super().__init__(first.path, first.line, first.message)
        self.errors: tuple[ContentError, ...] = tuple(errors)
        self.args = (self.errors,)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class Problems:
    """Collects the problems of one load; paths are shown relative to ``base`` (the root's parent)."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._errors: list[ContentError] = []

    def add(self, path: Path, line: int, message: str) -> None:
        """Record a problem at ``path:line``."""
        self._errors.append(ContentError(self._display(path), line, message))

    def __len__(self) -> int:
        return len(self._errors)

    def raise_if_any(self) -> None:
        """Raise every recorded problem at once, in the order they were found."""
        if self._errors:
            raise ContentErrors(self._errors)

    def _display(self, path: Path) -> Path:
        try:
            return path.relative_to(self._base)
        except ValueError:
            return path
