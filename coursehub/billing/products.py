"""The price list, kept on the server: one product per paid course and one per bundle.

Fed by ``flask courses import`` from course.toml and bundles.toml; a client never sends an amount.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from coursehub.billing.models import Product, ProductKind
from coursehub.content.bundles import BundleFile
from coursehub.content.files import CourseFile
from coursehub.content.models import Course
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db


def sync_products(
    courses: tuple[CourseFile, ...], bundles: tuple[BundleFile, ...], now: datetime | None = None
) -> Counter:
    """Create, update or archive products to match the files. :return: counts of added/changed/archived."""
    now = now or utcnow()
    counts: Counter = Counter()
    rows = {course.slug: course for course in db.session.scalars(select(Course))}
    existing = {product.slug: product for product in db.session.scalars(select(Product))}
    wanted = [
        (c.slug, ProductKind.COURSE, c.title, c.summary, c.price, c.currency, (c.slug,))
        for c in courses
        if c.access == "paid"
    ]
    wanted += [
        (b.slug, ProductKind.BUNDLE, b.title, b.summary, b.price, b.currency, b.courses) for b in bundles
    ]
    for slug, kind, title, summary, price, currency, course_slugs in wanted:
        product = existing.pop(slug, None)
        members = [rows[course_slug] for course_slug in course_slugs]
        values = {
            "kind": kind,
            "title": title,
            "summary": summary[:500],
            "price_cents": price,
            "currency": currency,
            "archived_at": None,
        }
        if product is None:
            db.session.add(Product(slug=slug, courses=members, **values))
            counts["added"] += 1
            continue
        changed = any(getattr(product, name) != value for name, value in values.items())
        changed |= {course.id for course in product.courses} != {course.id for course in members}
        if changed:
            for name, value in values.items():
                setattr(product, name, value)
            product.courses = members
            counts["changed"] += 1
    for product in existing.values():
        if product.archived_at is None:
            product.archived_at = now
            counts["archived"] += 1
    db.session.flush()
    return counts


def product_for_course(course: Course) -> Product | None:
    return db.session.scalar(
        select(Product).where(
            Product.slug == course.slug, Product.kind == ProductKind.COURSE, Product.archived_at.is_(None)
        )
    )


def current_bundle_products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.kind == ProductKind.BUNDLE, Product.archived_at.is_(None))
            .order_by(Product.id)
        )
    )


def bundles_with(course: Course) -> list[Product]:
    """Current bundles that include ``course``, to offer beside it."""
    return [product for product in current_bundle_products() if course in product.courses]


def current_bundles() -> tuple[BundleFile, ...]:
    """The bundles on sale, as files again (for ``flask courses export``)."""
    return tuple(
        BundleFile(
            slug=p.slug,
            title=p.title,
            summary=p.summary,
            price=p.price_cents,
            currency=p.currency,
            courses=tuple(c.slug for c in p.courses),
        )
        for p in current_bundle_products()
    )


def sync_course_product(course: Course) -> None:
    """After the studio creates or edits a paid course: its product carries the same title and price.

    An order already placed keeps the amount it was created with (fulfilment compares against the order).
    """
    if course.is_free:
        return
    product = db.session.scalar(
        select(Product).where(Product.slug == course.slug, Product.kind == ProductKind.COURSE)
    )
    values = {
        "title": course.title,
        "summary": course.summary[:500],
        "price_cents": course.price_cents,
        "currency": course.currency,
    }
    if product is None:
        db.session.add(Product(slug=course.slug, kind=ProductKind.COURSE, courses=[course], **values))
    else:
        for name, value in values.items():
            setattr(product, name, value)
    db.session.flush()
