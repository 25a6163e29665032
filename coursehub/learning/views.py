from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from coursehub.catalog.models import Lesson
from coursehub.catalog.offers import call_to_action
from coursehub.catalog.queries import course_by_slug, syllabus
from coursehub.extensions import db
from coursehub.learning import bp
from coursehub.learning.access import CourseAccess
from coursehub.learning.media import media_url


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>")
def lesson(course_slug: str, lesson_slug: str):
    """The lesson, or, for anyone without access, the course's call to action and nothing of the lesson."""
    course = course_by_slug(course_slug)
    if course is None:
        abort(404)
    found = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug,
                                                   Lesson.archived_at.is_(None)))
    if found is None:
        abort(404)
    lessons = [item for module in syllabus(course) for item in module.lessons]
    if found not in lessons:
        abort(404)  # its module is a draft or archived: it does not exist for learners yet
    access = CourseAccess(current_user, course)
    offer = call_to_action(current_user, course, lessons[0])
    if not access.can_view(found):
        return render_template("learning/locked.html", course=course, lesson=found, offer=offer), 403
    index = lessons.index(found)
    return render_template(
        "learning/lesson.html", course=course, lesson=found,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        video_url=media_url(found, "video", current_user),
        captions_url=media_url(found, "captions", current_user),
    )
