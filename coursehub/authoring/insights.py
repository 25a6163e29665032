"""What works in a course: how far learners get in each lesson, where they stop, which questions trip them.

Every figure comes from a handful of aggregate queries over the whole course, so the page costs the same
for three learners as for three thousand. Only learners count: the author's own checks would skew it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import String, case, cast, func, select

from coursehub.accounts.models import Role, User
from coursehub.content.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Certificate, Enrollment, LessonProgress
from coursehub.quizzes.models import QuizAnswer, QuizAttempt

SILENCE = timedelta(days=14)


@dataclass(frozen=True)
class LessonInsight:
    lesson: Lesson
    module: Module
    started: int
    finished: int
    median_watched: float | None  # 0..1 of the video; None without a video or without learners
    stopped_here: int  # learners silent for SILENCE whose last lesson this was


@dataclass(frozen=True)
class QuestionInsight:
    question: QuizQuestion
    answers: int
    right: int
    common_wrong: str | None  # the wrong answer given most often, in the learner's words
    common_wrong_count: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True)
class CourseInsights:
    course: Course
    lessons: list[LessonInsight]
    questions: list[QuestionInsight]
    silent_learners: int


def _learner_ids():
    return select(User.id).where(User.role == Role.LEARNER)


def course_insights(course: Course, now: datetime | None = None) -> CourseInsights:
    """The course's figures in seven queries whatever the number of learners, lessons or questions."""
    now = now or utcnow()
    lessons = db.session.execute(
        select(Lesson, Module)
        .join(Module, Lesson.module_id == Module.id)
        .where(Lesson.course_id == course.id, Lesson.archived_at.is_(None), Module.archived_at.is_(None))
        .order_by(Module.position, Lesson.position)
    ).all()
    in_course = LessonProgress.lesson_id.in_(select(Lesson.id).where(Lesson.course_id == course.id))
    by_learners = LessonProgress.user_id.in_(_learner_ids())
    counts = {
        lesson_id: (started, finished)
        for lesson_id, started, finished in db.session.execute(
            select(LessonProgress.lesson_id, func.count(), func.count(LessonProgress.completed_at))
            .where(in_course, by_learners)
            .group_by(LessonProgress.lesson_id)
        )
    }
    shares: dict[int, list[float]] = defaultdict(list)
    for lesson_id, share in db.session.execute(
        select(
            LessonProgress.lesson_id,
            LessonProgress.furthest_seconds / Lesson.duration_seconds,
        )
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(Lesson.course_id == course.id, Lesson.duration_seconds > 0, by_learners)
    ):
        shares[lesson_id].append(min(float(share), 1.0))
    stops = dict(
        db.session.execute(
            select(Enrollment.last_lesson_id, func.count())
            .where(
                Enrollment.course_id == course.id,
                Enrollment.last_activity_at < now - SILENCE,
                Enrollment.user_id.in_(_learner_ids()),
                Enrollment.user_id.not_in(
                    select(Certificate.user_id).where(
                        Certificate.course_id == course.id, Certificate.revoked_at.is_(None)
                    )
                ),
            )
            .group_by(Enrollment.last_lesson_id)
        ).all()
    )
    return CourseInsights(
        course=course,
        lessons=[
            LessonInsight(
                lesson=lesson,
                module=module,
                started=counts.get(lesson.id, (0, 0))[0],
                finished=counts.get(lesson.id, (0, 0))[1],
                median_watched=median(shares[lesson.id]) if shares.get(lesson.id) else None,
                stopped_here=stops.get(lesson.id, 0),
            )
            for lesson, module in lessons
        ],
        questions=_question_insights(course),
        silent_learners=sum(stops.values()),
    )


def _question_insights(course: Course) -> list[QuestionInsight]:
    questions = db.session.scalars(
        select(QuizQuestion)
        .join(Quiz, QuizQuestion.quiz_id == Quiz.id)
        .join(Module, Quiz.module_id == Module.id)
        .where(
            Module.course_id == course.id,
            Module.archived_at.is_(None),
            Quiz.archived_at.is_(None),
            QuizQuestion.archived_at.is_(None),
        )
        .order_by(Module.position, QuizQuestion.position)
    ).all()
    answered = (
        select(QuizAnswer.question_id)
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(
            QuizAnswer.question_id.in_([question.id for question in questions]),
            QuizAttempt.user_id.in_(_learner_ids()),
        )
        .group_by(QuizAnswer.question_id)
    )
    totals = {
        question_id: (answers, right)
        for question_id, answers, right in db.session.execute(
            answered.add_columns(func.count(), func.sum(case((QuizAnswer.correct.is_(True), 1), else_=0)))
        )
    }
    # Grouped by the stored JSON text; two orders of the same multiple choice merge in Python below.
    response_text = cast(QuizAnswer.response, String)
    wrong: dict[int, Counter[str]] = defaultdict(Counter)
    by_id = {question.id: question for question in questions}
    for question_id, text, count in db.session.execute(
        answered.where(QuizAnswer.correct.is_(False))
        .add_columns(response_text, func.count())
        .group_by(response_text)
    ):
        wrong[question_id][describe_response(by_id[question_id], json.loads(text))] += count
    insights = []
    for question in questions:
        answers, right = totals.get(question.id, (0, 0))
        # Most chosen first; ties go to the alphabetically first answer so the page is stable.
        common = min(wrong[question.id].items(), key=lambda item: (-item[1], item[0]), default=(None, 0))
        insights.append(QuestionInsight(question, answers, int(right or 0), *common))
    return insights


def describe_response(question: QuizQuestion, response: Any) -> str:
    """A stored response in the words the learner saw: option labels, not the author's option ids."""
    labels = dict(question.options)
    if question.kind == "true_false":
        return "True" if response is True else "False"
    if question.kind == "multiple":
        return ", ".join(sorted(labels.get(choice, str(choice)) for choice in response)) or "nothing"
    if question.kind == "ordering":
        return " → ".join(labels.get(choice, str(choice)) for choice in response)
    return labels.get(response, str(response))
