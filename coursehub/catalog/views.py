"""The shop window: the home page, course pages and the disclaimer, composed from the features below."""

from flask import abort, render_template
from flask_login import current_user

from coursehub.billing.products import bundles_with, current_bundle_products
from coursehub.billing.stripe_client import payments_enabled
from coursehub.catalog import bp
from coursehub.catalog.offers import call_to_action
from coursehub.content.notices import notice
from coursehub.content.queries import catalog_cards, course_by_slug, syllabus
from coursehub.learning.access import CourseAccess, is_staff
from coursehub.learning.progress import CourseProgress, completed_lesson_ids
from coursehub.quizzes.services import passed_quiz_ids


@bp.get("/")
def index():
    return render_template(
        "catalog/index.html",
        cards=catalog_cards(),
        bundles=current_bundle_products() if payments_enabled() else [],
    )


@bp.get("/courses/<slug>")
def course(slug: str):
    staff = is_staff(current_user)  # authors preview draft courses and modules as learners will see them
    found = course_by_slug(slug, include_drafts=staff)
    if found is None:
        abort(404)
    modules = syllabus(found, include_drafts=staff)
    lessons = [lesson for module in modules for lesson in module.lessons]
    access = CourseAccess(current_user, found)
    completed = completed_lesson_ids(current_user, [lesson.id for lesson in lessons])
    quizzes = [module.quiz for module in modules if module.quiz and module.quiz.archived_at is None]
    passed = passed_quiz_ids(current_user, [quiz.id for quiz in quizzes])
    offer = call_to_action(current_user, found, lessons[0] if lessons else None, access)
    return render_template(
        "catalog/course.html",
        course=found,
        modules=modules,
        access=access,
        offer=offer,
        openable={lesson.id for lesson in lessons if access.can_view(lesson)},
        completed=completed,
        passed=passed,
        progress=CourseProgress(len(completed), len(lessons), len(passed), len(quizzes)),
        bundles=bundles_with(found) if offer.kind == "buy" and offer.url else [],
    )


@bp.get("/disclaimer")
def disclaimer():
    return render_template("catalog/disclaimer.html", notice=notice("disclaimer"))
