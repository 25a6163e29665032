"""The learner's path through a course: each module's lessons, then its quiz; after the last, the finish.

One ordered list drives "Next" and "Previous" on lessons and quiz results, the outline beside a
lesson, and "Continue where you left off", so they can never disagree about what comes next.
Quizzes count towards completion and the certificate, so they sit on the path like lessons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from flask import url_for
from sqlalchemy import Float, Row, bindparam, cast, literal, null, select, union_all

from coursehub.content.models import Course, Lesson, Module, Quiz
from coursehub.core.extensions import db
from coursehub.learning.access import CourseAccess
from coursehub.learning.models import LessonProgress
from coursehub.learning.progress import CourseProgress
from coursehub.quizzes.models import QuizAttempt

LESSON, QUIZ = "lesson", "quiz"
DONE, IN_PROGRESS, OPEN, LOCKED = "done", "in progress", "open", "locked"


@dataclass(frozen=True)
class PathItem:
    kind: str  # LESSON or QUIZ
    item_id: int  # the lesson's id, or the quiz's
    title: str
    url: str
    module: Module
    state: str  # DONE, IN_PROGRESS, OPEN or LOCKED
    opens_at: datetime | None = None  # for a locked item of a drip module: when it opens

    @property
    def done(self) -> bool:
        return self.state == DONE


@dataclass(frozen=True)
class CoursePath:
    course: Course
    items: list[PathItem]
    lesson_progress: dict[int, Row] = field(default_factory=dict)  # the progress rows it was built from

    def index_of(self, kind: str, item_id: int) -> int | None:
        return next(
            (i for i, item in enumerate(self.items) if item.kind == kind and item.item_id == item_id), None
        )

    def neighbours(self, kind: str, item_id: int) -> tuple[PathItem | None, PathItem | None]:
        """The items before and after; None at either end (after the last comes the finish page)."""
        index = self.index_of(kind, item_id)
        if index is None:
            return None, None
        after = self.items[index + 1] if index + 1 < len(self.items) else None
        return (self.items[index - 1] if index else None), after

    def next_unfinished(self, kind: str | None = None, item_id: int | None = None) -> PathItem | None:
        """The first item not done after the given one, wrapping round to the start; None when all are."""
        start = self.index_of(kind, item_id) if kind else None
        order = self.items if start is None else self.items[start + 1 :] + self.items[: start + 1]
        return next((item for item in order if not item.done), None)

    @property
    def last_lesson_id(self) -> int | None:
        return next((item.item_id for item in reversed(self.items) if item.kind == LESSON), None)

    @property
    def progress(self) -> CourseProgress:
        lessons = [item for item in self.items if item.kind == LESSON]
        quizzes = [item for item in self.items if item.kind == QUIZ]
        return CourseProgress(
            sum(item.done for item in lessons), len(lessons), sum(item.done for item in quizzes), len(quizzes)
        )

    @property
    def finished(self) -> bool:
        return bool(self.items) and all(item.done for item in self.items)

    def finish_url(self) -> str:
        return url_for("learning.finished", slug=self.course.slug)


Section = tuple[Module, list[Lesson], Quiz | None]


def _lesson_state(lesson: Lesson, row, access: CourseAccess | None) -> tuple[str, datetime | None]:
    if row is not None and row.completed_at is not None:
        return DONE, None
    if access is not None and not access.can_view(lesson):
        return LOCKED, access.opens_at(lesson.module) if access.opens_course else None
    started = row is not None and (row.furthest_seconds > 0 or row.position_seconds > 0)
    return (IN_PROGRESS if started else OPEN), None


def _quiz_state(module: Module, quiz: Quiz, passed: set[int], access: CourseAccess | None):
    if quiz.id in passed:
        return DONE, None
    if access is None or access.can_take_quiz(module):
        return OPEN, None
    return LOCKED, access.opens_at(module) if access.opens_course else None


def build_path(
    course: Course, sections: list[Section], rows: dict, passed: set[int], access: CourseAccess | None = None
) -> CoursePath:
    """The path from already loaded rows. Without ``access`` nothing is locked (the dashboard's view,
    which shows only courses the learner holds)."""
    items: list[PathItem] = []
    for module, lessons, quiz in sections:
        for lesson in lessons:
            state, opens_at = _lesson_state(lesson, rows.get(lesson.id), access)
            url = url_for("learning.lesson", course_slug=course.slug, lesson_slug=lesson.slug)
            items.append(PathItem(LESSON, lesson.id, lesson.title, url, module, state, opens_at))
        if quiz is not None and quiz.archived_at is None:
            state, opens_at = _quiz_state(module, quiz, passed, access)
            url = url_for("quizzes.quiz", course_slug=course.slug, module_slug=module.slug)
            items.append(PathItem(QUIZ, quiz.id, quiz.title, url, module, state, opens_at))
    return CoursePath(course, items, rows)


def course_path(user, course: Course, modules: list[Module], access: CourseAccess) -> CoursePath:
    """The path over ``modules`` (the syllabus, lessons and quiz loaded) with the learner's state.

    One query whatever the course's size: the learner's lesson progress and passed quizzes together.
    """
    sections = [(module, list(module.lessons), module.quiz) for module in modules]
    lesson_ids = [lesson.id for _, lessons, _ in sections for lesson in lessons]
    quiz_ids = [quiz.id for _, _, quiz in sections if quiz is not None and quiz.archived_at is None]
    rows, passed = learner_state(user, lesson_ids, quiz_ids)
    return build_path(course, sections, rows, passed, access)


@cache
def _learner_state_query():
    """``learner_state``'s statement, built once with its values as parameters (it runs on every lesson
    page; building the union anew cost about as much as running it)."""
    user_id = bindparam("user_id")
    progress = select(
        literal(LESSON).label("kind"),
        LessonProgress.lesson_id.label("item_id"),
        LessonProgress.position_seconds,
        LessonProgress.furthest_seconds,
        LessonProgress.completed_at,
    ).where(
        LessonProgress.user_id == user_id,
        LessonProgress.lesson_id.in_(bindparam("lesson_ids", expanding=True)),
    )
    passes = (
        select(
            literal(QUIZ),
            QuizAttempt.quiz_id,
            cast(null(), Float),
            cast(null(), Float),
            cast(null(), LessonProgress.completed_at.type),
        )
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id.in_(bindparam("quiz_ids", expanding=True)),
            QuizAttempt.passed.is_(True),
        )
        .distinct()
    )
    return union_all(progress, passes)


def learner_state(user, lesson_ids: list[int], quiz_ids: list[int]) -> tuple[dict[int, Row], set[int]]:
    """The learner's progress rows on ``lesson_ids`` (position, furthest point, completion) and which of
    ``quiz_ids`` they have passed, in one statement: a path needs both, on every lesson page."""
    if not getattr(user, "is_authenticated", False) or not (lesson_ids or quiz_ids):
        return {}, set()
    rows = db.session.execute(
        _learner_state_query(), {"user_id": user.id, "lesson_ids": lesson_ids, "quiz_ids": quiz_ids}
    ).all()
    return {row.item_id: row for row in rows if row.kind == LESSON}, {
        row.item_id for row in rows if row.kind == QUIZ
    }
