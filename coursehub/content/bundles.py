"""``courses/bundles.toml``: several paid courses sold together at a discount.

Checked against the courses it names, so a bundle can't point at a free or missing course, or cost as
much as its courses bought one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coursehub.content.errors import Problems
from coursehub.content.files import CourseFile
from coursehub.content.tables import read_text, read_toml
from coursehub.content.toml_format import toml_table_array

BUNDLES_TOML = "bundles.toml"
HEADER = (
    "# Bundles sell several paid courses at once, at a discount. Each course keeps its own price as well."
)
BUNDLE_KEYS = ("slug", "title", "summary", "price", "currency", "courses")


@dataclass(frozen=True)
class BundleFile:
    slug: str
    title: str
    summary: str
    price: int  # minor units
    currency: str
    courses: tuple[str, ...]  # course slugs


def load_bundles(root: Path, courses: tuple[CourseFile, ...]) -> tuple[BundleFile, ...]:
    """The bundles in ``root/bundles.toml`` (none if the file is absent).

    :raise ContentErrors: each problem with its file and line.
    """
    path = root.absolute() / BUNDLES_TOML
    if not path.exists():
        return ()
    problems = Problems(root.absolute().parent)
    text = read_text(path, problems)
    table = read_toml(path, text, problems) if text is not None else None
    bundles: list[BundleFile] = []
    if table is not None:
        table.allow(("bundles",))
        by_slug = {course.slug: course for course in courses}
        taken = set(by_slug)
        for entry in table.tables("bundles") or ():
            bundle = _read_bundle(entry, by_slug, taken)
            if bundle is not None:
                bundles.append(bundle)
                taken.add(bundle.slug)
    problems.raise_if_any()
    return tuple(bundles)


def _read_bundle(entry, courses: dict[str, CourseFile], taken: set[str]) -> BundleFile | None:
    entry.allow(BUNDLE_KEYS)
    slug, title, summary = entry.slug("slug"), entry.text("title"), entry.text("summary")
    price, currency = entry.integer("price", minimum=1), entry.text("currency")
    names = entry.value("courses", list, "an array of course slugs")
    if slug is not None and slug in taken:
        entry.error("slug", f"slug {slug!r} is already used by a course or another bundle")
    members = []
    for name in names or ():
        course = courses.get(name) if isinstance(name, str) else None
        if course is None or course.access != "paid":
            entry.error("courses", f"{name!r} is not a paid course in this catalog")
        elif course.currency != currency:
            entry.error("currency", f"bundle currency {currency!r} differs from {name}'s {course.currency!r}")
        else:
            members.append(course)
    if names is not None and len(set(names)) < 2:
        entry.error("courses", "a bundle needs at least two different courses")
    if price is not None and members and price >= sum(course.price for course in members):
        entry.error("price", f"price {price} is not below the courses' total {sum(c.price for c in members)}")
    if entry.failed:
        return None
    return BundleFile(
        slug=slug, title=title, summary=summary, price=price, currency=currency, courses=tuple(names)
    )


def dump_bundles(bundles: tuple[BundleFile, ...], root: Path) -> None:
    """Write ``bundles.toml`` in the shipped layout (or remove it when there are no bundles)."""
    path = root / BUNDLES_TOML
    if not bundles:
        path.unlink(missing_ok=True)
        return
    tables = (
        [
            ("slug", b.slug),
            ("title", b.title),
            ("summary", b.summary),
            ("price", b.price),
            ("currency", b.currency),
            ("courses", list(b.courses)),
        ]
        for b in bundles
    )
    path.write_text("\n".join([HEADER, "", *toml_table_array("bundles", tables), ""]), encoding="utf-8")
