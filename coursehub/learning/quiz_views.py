"""Quiz pages: the quiz and its history, an attempt's form, and its result with feedback."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from coursehub.content.models import Module, Quiz
from coursehub.content.queries import course_by_slug, syllabus
from coursehub.core.extensions import db
from coursehub.learning.access import CourseAccess, is_staff
from coursehub.learning.completion import finish_if_complete
from coursehub.learning.path import QUIZ, CoursePath, course_path
from coursehub.quizzes import bp
from coursehub.quizzes.models import QuizAttempt
from coursehub.quizzes.services import (
    QuizError,
    attempts_left,
    attempts_of,
    next_attempt_at,
    reveals_answers,
    start_attempt,
    submit_attempt,
)

QUIZ_URL = "/courses/<course_slug>/modules/<module_slug>/quiz"


@bp.app_template_filter("option_texts")
def option_texts(option_ids, options) -> list[str]:
    """The texts of ``option_ids``, in that order, for feedback after submission."""
    texts = dict(options)
    return [texts[option_id] for option_id in option_ids]


def _load(course_slug: str, module_slug: str):
    """The course, module, quiz and the access rule; 404 if missing, 403 if not open to the user."""
    course = course_by_slug(course_slug, include_drafts=is_staff(current_user))
    if course is None:
        abort(404)
    module = db.session.scalar(
        select(Module).where(Module.course_id == course.id, Module.slug == module_slug)
    )
    if module is not None and not is_staff(current_user) and not module.is_published():
        module = None  # a draft or scheduled module's quiz does not exist for learners
    quiz = module.quiz if module is not None else None
    if quiz is None or quiz.archived_at is not None:
        abort(404)
    access = CourseAccess(current_user, course)
    if not access.can_take_quiz(module):
        abort(403, "This quiz opens with the module's lessons.")
    return course, module, quiz, access


def _path(course, access: CourseAccess) -> CoursePath:
    return course_path(current_user, course, syllabus(course, include_drafts=access.staff), access)


def _own_attempt(quiz: Quiz, attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.quiz_id != quiz.id or attempt.user_id != current_user.id:
        abort(404)
    return attempt


@bp.get(QUIZ_URL)
@login_required
def quiz(course_slug: str, module_slug: str):
    course, module, found, access = _load(course_slug, module_slug)
    attempts = attempts_of(current_user, found)
    path = _path(course, access)
    return render_template(
        "quizzes/quiz.html",
        path=path,
        neighbours=path.neighbours(QUIZ, found.id),
        course=course,
        module=module,
        quiz=found,
        attempts=attempts,
        attempts_left=attempts_left(found, attempts),
        next_attempt_at=next_attempt_at(found, attempts),
    )


@bp.post(f"{QUIZ_URL}/attempts")
@login_required
def start(course_slug: str, module_slug: str):
    course, module, found, _ = _load(course_slug, module_slug)
    try:
        attempt = start_attempt(current_user, found)
    except QuizError as error:
        abort(error.status, error.message)
    db.session.commit()
    return redirect(
        url_for("quizzes.attempt", course_slug=course.slug, module_slug=module.slug, attempt_id=attempt.id),
        code=303,
    )


@bp.get(f"{QUIZ_URL}/attempts/<int:attempt_id>")
@login_required
def attempt(course_slug: str, module_slug: str, attempt_id: int):
    course, module, found, access = _load(course_slug, module_slug)
    sitting = _own_attempt(found, attempt_id)
    if sitting.submitted_at is None:
        return render_template(
            "quizzes/attempt.html",
            course=course,
            module=module,
            quiz=found,
            attempt=sitting,
            questions={q.id: q for q in found.questions},
        )
    path = _path(course, access)
    return render_template(
        "quizzes/result.html",
        reveal=reveals_answers(found, attempts_of(current_user, found)),
        path=path,
        next_item=path.next_unfinished(QUIZ, found.id),
        course=course,
        module=module,
        quiz=found,
        attempt=sitting,
        questions={q.id: q for q in found.questions},
    )


@bp.post(f"{QUIZ_URL}/attempts/<int:attempt_id>")
@login_required
def submit(course_slug: str, module_slug: str, attempt_id: int):
    course, module, found, _ = _load(course_slug, module_slug)
    sitting = _own_attempt(found, attempt_id)
    try:
        submit_attempt(sitting, request.form)
    except QuizError as error:
        db.session.rollback()
        if error.status == 409:
            abort(409, error.message)
        return render_template(
            "quizzes/attempt.html",
            course=course,
            module=module,
            quiz=found,
            attempt=sitting,
            questions={q.id: q for q in found.questions},
            error=error.message,
            given=request.form,
        ), error.status
    certificate = finish_if_complete(current_user, course) if sitting.passed else None
    db.session.commit()
    if certificate is not None:
        flash(f"You finished {course.title}. Your certificate is ready.", "success")
    return redirect(
        url_for("quizzes.attempt", course_slug=course.slug, module_slug=module.slug, attempt_id=sitting.id),
        code=303,
    )
