"""The catalog's cache namespace: visitors' pages that list courses are kept under its version.

Flushes that add, change or delete courses, modules, lessons or products move it by themselves (the
catalog watches those models, ``coursehub.catalog.visitor_cache``). A write the flush never sees, such as
the studio's publish (one conditional UPDATE), calls ``catalog_changed``. Scheduled publishing writes
nothing when its time comes: the catalog keeps its pages no longer than the next scheduled time.
"""

from coursehub.core.cache import mark_changed

CATALOG = "catalog"


def catalog_changed() -> None:
    """The catalog's cached pages are stale once this session commits."""
    mark_changed(CATALOG)
