"""Lesson Markdown to safe HTML.

Two layers, on purpose: markdown-it-py with ``html=False`` never passes raw HTML through (it is
escaped as text), and nh3 then keeps only ordinary text tags, so even a rendering bug cannot put a
script, an image or a style on a lesson page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "hr",
        "br",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    """Lesson Markdown as sanitized HTML: only :data:`ALLOWED_TAGS`, links get ``rel`` added."""
    return nh3.clean(
        _RENDERER.render(text),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )


def markdown_problems(text: str) -> list[tuple[int, str]]:
    """What the sanitizer would silently drop: images and headings other than ``##`` to ``####``.

    :return: (0-based line within ``text``, message) pairs, so the caller can add the body's offset.
    """
    problems = []
    for token in _RENDERER.parse(text):
        line = token.map[0] if token.map else 0
        if token.type == "heading_open" and token.tag not in {"h2", "h3", "h4"}:
            level = token.tag[1:]
            problems.append((line, f"a level {level} heading is not allowed: use ##, ### or ####"))
        for child in _images(token):
            problems.append((line, f"images are not allowed in lessons: ![{child.content}]"))
    return problems


def _images(token: Token) -> list[Token]:
    return [child for child in token.children or () if child.type == "image"]
