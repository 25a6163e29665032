"""The school-wide texts kept beside the courses: the disclaimer page and the safety box on every lesson.

They are content the author edits in ``courses/`` like the lessons; each is read and rendered once per
process (a deploy brings new text, and restarts the workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from coursehub.content.markdown import render_markdown
from coursehub.core.paths import COURSES_DIR

NOTICES = ("disclaimer", "safety")


@dataclass(frozen=True)
class Notice:
    title: str | None  # the file's leading "# Heading", shown as the page's own heading
    html: str


@cache
def notice(name: str) -> Notice:
    """``courses/<name>.md`` as a title and sanitized HTML.

    The sanitizer keeps no ``h1`` (a lesson's own title is the page's one), so a leading ``# Heading`` is
    taken out of the Markdown and handed to the template instead.
    """
    if name not in NOTICES:
        raise ValueError(f"unknown notice {name!r}")
    text = (COURSES_DIR / f"{name}.md").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        return Notice(first[2:].strip(), render_markdown(rest))
    return Notice(None, render_markdown(text))
