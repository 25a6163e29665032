"""The visitor's home and course list, built once and shared by every visitor until the catalog changes.

They are kept under the catalog's version (``coursehub.content.catalog_version``), which moves after
the commit of any write to the rows they show, in the app's cache (Redis with ``REDIS_URL``, otherwise
each worker's memory). A kept page also ends at the next scheduled publication, when a course or module
appears without any write, and after ``MAX_AGE`` at most: the bound for changes no write path can
announce, such as the catalog edited by hand in SQL or a database restored from a backup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from coursehub.billing.models import Product
from coursehub.content.catalog_version import CATALOG
from coursehub.content.models import Course, Lesson, Module
from coursehub.content.queries import next_publication
from coursehub.core.cache import watch
from coursehub.core.db_types import utcnow
from coursehub.core.visitor_pages import visitor_page

MAX_AGE = 60.0  # seconds


def watch_catalog_rows() -> None:
    """What the cards show: courses, their published modules, lesson counts and video time, bundles."""
    watch((Course, Module, Lesson, Product), CATALOG)


def catalog_page(key: str, render: Callable[[datetime], str]) -> str:
    """``render(now)``'s page, from the cache for a plain visit; ``key`` names the page."""

    def build() -> tuple[str, Callable[[], float]]:
        now = utcnow()
        page = render(now)

        def lifetime() -> float:
            upcoming = next_publication(now)
            if upcoming is None:
                return MAX_AGE
            return min(MAX_AGE, (upcoming - utcnow()).total_seconds())

        return page, lifetime

    return visitor_page(CATALOG, key, build)
