"""The shop window: the home page, course pages and the disclaimer, composed from the features below."""

from flask import abort, render_template
from flask_login import current_user

from coursehub.billing.products import bundles_with, current_bundle_products
from coursehub.billing.stripe_client import payments_enabled
from coursehub.catalog import bp
from coursehub.catalog.offers import call_to_action, course_facts
from coursehub.catalog.visitor_cache import catalog_page
from coursehub.content.notices import notice
from coursehub.content.outline import course_outline
from coursehub.content.queries import catalog_cards, course_by_slug, syllabus
from coursehub.learning.access import CourseAccess, is_staff
from coursehub.learning.path import LESSON, QUIZ, course_path


@bp.get("/")
def index():
    """The same for every visitor: kept (``visitor_cache``) until the catalog changes."""
    return catalog_page(
        "home",
        lambda now: render_template(
            "catalog/index.html",
            cards=catalog_cards(now),
            bundles=current_bundle_products() if payments_enabled() else [],
        ),
    )


@bp.get("/courses")
def courses():
    """The catalog on its own page, so "Courses" in the header names one page and the home page another."""
    return catalog_page(
        "courses",
        lambda now: render_template(
            "catalog/courses.html",
            cards=catalog_cards(now),
            bundles=current_bundle_products() if payments_enabled() else [],
        ),
    )


@bp.get("/courses/<slug>")
def course(slug: str):
    staff = is_staff(current_user)  # authors preview draft courses and modules as learners will see them
    found = course_by_slug(slug, include_drafts=staff)
    if found is None:
        abort(404)
    # Staff preview drafts from the syllabus; everyone else reads the cached outline (content.outline).
    modules = syllabus(found, include_drafts=True) if staff else course_outline(found)
    lessons = [lesson for module in modules for lesson in module.lessons]
    access = CourseAccess(current_user, found)
    path = course_path(current_user, found, modules, access)
    offer = call_to_action(current_user, found, lessons[0] if lessons else None, access, path)
    return render_template(
        "catalog/course.html",
        course=found,
        modules=modules,
        access=access,
        offer=offer,
        openable={lesson.id for lesson in lessons if access.can_view(lesson)},
        completed={item.item_id for item in path.items if item.kind == LESSON and item.done},
        passed={item.item_id for item in path.items if item.kind == QUIZ and item.done},
        progress=path.progress,
        facts=course_facts(modules),
        bundles=bundles_with(found) if offer.kind == "buy" and offer.url else [],
    )


@bp.get("/disclaimer")
def disclaimer():
    return render_template("catalog/disclaimer.html", notice=notice("disclaimer"))
