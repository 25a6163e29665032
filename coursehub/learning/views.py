from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coursehub.content.models import Access, Course, Lesson, Module
from coursehub.content.notices import notice
from coursehub.content.outline import course_outline
from coursehub.content.queries import course_by_slug, lesson_with_course, syllabus, visible_courses
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning import bp
from coursehub.learning.access import CourseAccess, is_staff
from coursehub.learning.captions import transcript
from coursehub.learning.certificates import certificate_of
from coursehub.learning.completion import finish_if_complete
from coursehub.learning.dashboard import dashboard_for
from coursehub.learning.enrollment import EnrollmentError, start_free_course
from coursehub.learning.media import media_url
from coursehub.learning.offer_slot import offer_for
from coursehub.learning.path import LESSON, course_path
from coursehub.learning.progress import keep_enrollment_current, set_completed


def _find_lesson(course_slug: str, lesson_slug: str) -> tuple[Course, Lesson, list]:
    """The course, the lesson and the course's outline; 404 when the lesson is not published.

    Authors and admins also reach drafts, to preview them as a learner would see them; their outline is
    the syllabus with drafts (``Module`` rows), a learner's the cached one (``OutlineModule``).
    """
    staff = is_staff(current_user)
    found = lesson_with_course(course_slug, lesson_slug, include_drafts=staff)
    if found is None:
        abort(404)
    course, lesson = found
    modules = syllabus(course, include_drafts=True) if staff else course_outline(course)
    if not any(lesson.id == shown.id for module in modules for shown in module.lessons):
        abort(404)  # a draft or archived module's lessons do not exist for learners
    return course, lesson, modules


def _where_next(course: Course) -> list[Course]:
    """After the free course: the paid courses, as the catalog shows them now (live titles and prices)."""
    if not course.is_free:
        return []
    return list(
        db.session.scalars(visible_courses().where(Course.access == Access.PAID).order_by(Course.position))
    )


def _first_lesson(modules: list[Module]) -> Lesson | None:
    return next((lesson for module in modules for lesson in module.lessons), None)


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>")
def lesson(course_slug: str, lesson_slug: str):
    """The lesson, or, for anyone without access, the course's call to action and nothing of the lesson."""
    course, found, modules = _find_lesson(course_slug, lesson_slug)
    access = CourseAccess(current_user, course)
    if not access.can_view(found):
        opens_at = access.opens_at(found.module) if access.opens_course else None
        offer = offer_for(current_user, course, _first_lesson(modules), access)
        return render_template(
            "learning/locked.html", course=course, lesson=found, offer=offer, opens_at=opens_at
        ), 403
    path = course_path(current_user, course, modules, access)
    progress = path.lesson_progress.get(found.id)
    # ?t=SECONDS (from a quiz's feedback) starts the video where the answer is taught.
    start_at = request.args.get("t", type=int)
    if start_at is None or not 0 <= start_at <= found.duration_seconds:
        start_at = int(progress.position_seconds) if progress else 0
    previous, following = path.neighbours(LESSON, found.id)
    page = render_template(
        "learning/lesson.html",
        course=course,
        lesson=found,
        progress=progress,
        start_at=start_at,
        path=path,
        previous=previous,
        next=following,
        video_url=media_url(found, "video", current_user),
        captions_url=media_url(found, "captions", current_user),
        transcript=transcript(found),
        safety_notice=notice("safety"),
        next_courses=_where_next(course) if path.last_lesson_id == found.id else [],
    )
    # After rendering: a commit expires every loaded row, and the page needs none of them again. A
    # visitor of a free preview is not enrolled: that would start the drip clock and list the course.
    recorded = access.opens_course and not access.staff
    if recorded and keep_enrollment_current(current_user, found, access.enrollment, utcnow()):
        db.session.commit()
    return page


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/complete")
@login_required
def mark_complete(course_slug: str, lesson_slug: str):
    """The "Mark complete" button (and its undo); works without JavaScript."""
    course, found, _ = _find_lesson(course_slug, lesson_slug)
    if not CourseAccess(current_user, course).can_view(found):
        abort(403)
    done = request.form.get("done") == "1"
    set_completed(current_user, found, done)
    certificate = finish_if_complete(current_user, course) if done else None
    db.session.commit()
    if certificate is not None:
        return redirect(url_for("learning.finished", slug=course.slug))
    flash("Marked complete." if done else "Marked as not complete.", "success")
    return redirect(url_for("learning.lesson", course_slug=course.slug, lesson_slug=found.slug))


@bp.post("/courses/<slug>/start")
@login_required
def start(slug: str):
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    try:
        start_free_course(current_user, course)
    except EnrollmentError as error:
        abort(409, str(error))
    db.session.commit()
    first = _first_lesson(syllabus(course))
    if first is None:
        return redirect(url_for("catalog.course", slug=slug))
    return redirect(url_for("learning.lesson", course_slug=slug, lesson_slug=first.slug))


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("learning/dashboard.html", rows=dashboard_for(current_user))


@bp.get("/courses/<slug>/finished")
@login_required
def finished(slug: str):
    """The end of the path: congratulations and the certificate, or what is still left to do."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    access = CourseAccess(current_user, course)
    if not access.opens_course:
        abort(403, "This course is not open to you.")
    path = course_path(current_user, course, syllabus(course), access)
    response = make_response(
        render_template(
            "learning/finished.html",
            course=course,
            path=path,
            certificate=certificate_of(current_user, course),
            left=[item for item in path.items if not item.done],
            next_courses=_where_next(course),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/courses/<slug>/finished")
@login_required
def claim_certificate(slug: str):
    """For a learner who finished before the certificate could be issued (content changed since)."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    if not CourseAccess(current_user, course).opens_course:
        abort(403, "This course is not open to you.")
    if finish_if_complete(current_user, course) is None:
        flash("There is still something left to finish; it is listed below.", "error")
    db.session.commit()
    return redirect(url_for("learning.finished", slug=slug), code=303)
