from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from coursehub.content.models import Course, Lesson
from coursehub.content.notices import notice
from coursehub.content.queries import course_by_slug, syllabus
from coursehub.core.extensions import db
from coursehub.learning import bp
from coursehub.learning.access import CourseAccess, is_staff
from coursehub.learning.completion import finish_if_complete
from coursehub.learning.dashboard import dashboard_for
from coursehub.learning.enrollment import EnrollmentError, start_free_course
from coursehub.learning.media import media_url
from coursehub.learning.offer_slot import offer_for
from coursehub.learning.progress import progress_for, set_completed, touch_enrollment


def _find_lesson(course_slug: str, lesson_slug: str) -> tuple[Course, Lesson, list[Lesson]]:
    """The course, the lesson and the syllabus order; 404 when the lesson is not published.

    Authors and admins also reach drafts, to preview them as a learner would see them.
    """
    staff = is_staff(current_user)
    course = course_by_slug(course_slug, include_drafts=staff)
    if course is None:
        abort(404)
    lesson = db.session.scalar(
        select(Lesson).where(
            Lesson.course_id == course.id, Lesson.slug == lesson_slug, Lesson.archived_at.is_(None)
        )
    )
    lessons = [item for module in syllabus(course, include_drafts=staff) for item in module.lessons]
    if lesson is None or lesson not in lessons:
        abort(404)  # a draft or archived module's lessons do not exist for learners
    return course, lesson, lessons


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>")
def lesson(course_slug: str, lesson_slug: str):
    """The lesson, or, for anyone without access, the course's call to action and nothing of the lesson."""
    course, found, lessons = _find_lesson(course_slug, lesson_slug)
    access = CourseAccess(current_user, course)
    if not access.can_view(found):
        opens_at = access.opens_at(found.module) if access.opens_course else None
        offer = offer_for(current_user, course, lessons[0], access)
        return render_template(
            "learning/locked.html", course=course, lesson=found, offer=offer, opens_at=opens_at
        ), 403
    progress = progress_for(current_user, [found.id]).get(found.id)
    # ?t=SECONDS (from a quiz's feedback) starts the video where the answer is taught.
    start_at = request.args.get("t", type=int)
    if start_at is None or not 0 <= start_at <= found.duration_seconds:
        start_at = int(progress.position_seconds) if progress else 0
    index = lessons.index(found)
    page = render_template(
        "learning/lesson.html",
        course=course,
        lesson=found,
        progress=progress,
        start_at=start_at,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        video_url=media_url(found, "video", current_user),
        captions_url=media_url(found, "captions", current_user),
        safety_notice=notice("safety"),
    )
    # After rendering: the commit expires every loaded row, and the page needs none of them again. A
    # visitor of a free preview is not enrolled: that would start the drip clock and list the course.
    if access.opens_course and not access.staff:
        touch_enrollment(current_user, found)
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
        flash(f"You finished {course.title}. Your certificate is ready on your dashboard.", "success")
    else:
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
    lessons = [item for module in syllabus(course) for item in module.lessons]
    if not lessons:
        return redirect(url_for("catalog.course", slug=slug))
    return redirect(url_for("learning.lesson", course_slug=slug, lesson_slug=lessons[0].slug))


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("learning/dashboard.html", rows=dashboard_for(current_user))
