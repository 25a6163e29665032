"""Safety before practice: consent to the current disclaimer, and the screening, per course.

Practice in a course opens only when the learner consented to the current ``disclaimer_version`` and
their latest screening for that course has no red flag. The lessons themselves stay readable either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.accounts.models import User
from coursehub.content.models import Course
from coursehub.content.screening import Screening, ScreeningQuestion, current_screening
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice.errors import PracticeError
from coursehub.practice.models import Consent, ScreeningAnswer

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Clearance:
    """Where one learner stands for one course."""

    consented: bool
    answered: bool
    red_flags: tuple[ScreeningQuestion, ...]

    @property
    def open(self) -> bool:
        return self.consented and self.answered and not self.red_flags

    @property
    def urgent(self) -> bool:
        return any(question.urgent for question in self.red_flags)


def screening_in_force() -> Screening:
    """The questions and disclaimer version in force (one place, so a test can swap them)."""
    return current_screening()


def has_consented(user: User, screening: Screening | None = None) -> bool:
    version = (screening or screening_in_force()).disclaimer_version
    query = select(Consent.id).where(Consent.user_id == user.id, Consent.disclaimer_version == version)
    return db.session.scalar(query) is not None


def clearance(user: User, course: Course, screening: Screening | None = None) -> Clearance:
    screening = screening or screening_in_force()
    answer = db.session.scalar(
        select(ScreeningAnswer).where(
            ScreeningAnswer.user_id == user.id, ScreeningAnswer.course_id == course.id
        )
    )
    flags = _questions(screening, answer.red_flags) if answer else ()
    return Clearance(has_consented(user, screening), answer is not None, flags)


def cleared_course_ids(user: User, course_ids: Iterable[int]) -> set[int]:
    """Of ``course_ids``, the courses where practice is open to ``user`` (two queries for any number)."""
    if not has_consented(user):
        return set()
    answers = db.session.scalars(
        select(ScreeningAnswer).where(
            ScreeningAnswer.user_id == user.id, ScreeningAnswer.course_id.in_(list(course_ids))
        )
    )
    return {answer.course_id for answer in answers if not answer.red_flags}


def record_screening(user: User, course: Course, answers: dict[str, str], consent: bool) -> Clearance:
    """Store the learner's answers for ``course`` (replacing earlier ones) and, if given, their consent.

    Every question needs a yes or a no: a question left out is not taken as a no.
    :raise PracticeError: when an answer is missing or not yes/no.
    """
    screening = screening_in_force()
    unanswered = [q for q in screening.questions if answers.get(q.id) not in (YES, NO)]
    if unanswered:
        raise PracticeError("Please answer every question with yes or no.")
    flags = [q.id for q in screening.questions if answers[q.id] == YES]
    if not flags and not consent and not has_consented(user, screening):
        raise PracticeError("Please read the disclaimer and tick the box to agree before you practise.")
    answer = _answer_row(user, course)
    answer.red_flags, answer.answered_at = flags, utcnow()
    if consent and not has_consented(user, screening):
        try:
            with db.session.begin_nested():
                db.session.add(Consent(user_id=user.id, disclaimer_version=screening.disclaimer_version))
        except IntegrityError:
            pass  # the same consent, recorded by a double submit that won the race: one row is enough
    db.session.flush()
    return clearance(user, course, screening)


def _answer_row(user: User, course: Course) -> ScreeningAnswer:
    """The learner's screening row for the course, made if missing; a double submit finds the winner's row.

    On PostgreSQL the losing INSERT waits for the winner's commit, fails on the unique constraint inside
    its savepoint, and the SELECT after it sees the committed row, which this request then updates.
    """
    query = select(ScreeningAnswer).where(
        ScreeningAnswer.user_id == user.id, ScreeningAnswer.course_id == course.id
    )
    answer = db.session.scalar(query)
    if answer is not None:
        return answer
    try:
        with db.session.begin_nested():
            answer = ScreeningAnswer(user_id=user.id, course_id=course.id, red_flags=[])
            db.session.add(answer)
    except IntegrityError:
        answer = db.session.scalar(query)
    return answer


def _questions(screening: Screening, ids: Iterable[str]) -> tuple[ScreeningQuestion, ...]:
    """The flagged questions still in the file; a flag whose question was removed still counts."""
    found = []
    for question_id in ids:
        question = screening.question(question_id)
        found.append(question or ScreeningQuestion(question_id, "An answer you gave earlier", False))
    return tuple(found)
