"""The quiz verbs: start (or resume) an attempt, submit it once, and what counts as passed.

Services take the learner explicitly, raise QuizError with a status and a message the page shows, flush
and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from coursehub.content.models import Quiz, QuizQuestion
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.quizzes.draw import AnswerError, draw_questions, read_answers
from coursehub.quizzes.grading import grade, passes, percent
from coursehub.quizzes.models import QuizAnswer, QuizAttempt


class QuizError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def pool(quiz: Quiz) -> list[QuizQuestion]:
    return [question for question in quiz.questions if question.archived_at is None]


def attempts_of(user, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.number)
        )
    )


def next_attempt_at(quiz: Quiz, attempts: list[QuizAttempt]) -> datetime | None:
    submitted = [attempt.submitted_at for attempt in attempts if attempt.submitted_at]
    if not quiz.wait_minutes or not submitted:
        return None
    return max(submitted) + timedelta(minutes=quiz.wait_minutes)


def attempts_left(quiz: Quiz, attempts: list[QuizAttempt]) -> int | None:
    """None means no limit."""
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts - sum(1 for attempt in attempts if attempt.submitted_at))


def reveals_answers(quiz: Quiz, attempts: list[QuizAttempt]) -> bool:
    """Whether results show each question's right option, by the quiz's ``reveal`` setting.

    "after_pass" (the default) keeps a retake a test of recall rather than of memory for the key;
    "after_last_attempt" also reveals once no attempt is left, since nothing is left to protect.
    """
    if quiz.reveal == "always" or any(attempt.passed for attempt in attempts):
        return True
    return quiz.reveal == "after_last_attempt" and attempts_left(quiz, attempts) == 0


def start_attempt(user, quiz: Quiz, now: datetime | None = None) -> QuizAttempt:
    """The open attempt if there is one, else a new draw. :raise QuizError: 409 when none is allowed now."""
    now = now or utcnow()
    attempts = attempts_of(user, quiz)
    open_attempt = next((attempt for attempt in attempts if attempt.submitted_at is None), None)
    if open_attempt is not None:
        return open_attempt
    if attempts_left(quiz, attempts) == 0:
        raise QuizError(409, f"You have used all {quiz.max_attempts} attempts at this quiz.")
    opens = next_attempt_at(quiz, attempts)
    if opens is not None and opens > now:
        raise QuizError(409, f"You can try again from {opens:%H:%M} UTC on {opens:%-d %B}.")
    questions = pool(quiz)
    if not questions:
        raise QuizError(409, "This quiz has no questions yet.")
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_id=quiz.id,
        number=len(attempts) + 1,
        started_at=now,
        draw=draw_questions(questions, quiz.draw),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # a double click started the same attempt number: use that one
        return next(attempt for attempt in attempts_of(user, quiz) if attempt.submitted_at is None)
    return attempt


def submit_attempt(attempt: QuizAttempt, form, now: datetime | None = None) -> QuizAttempt:
    """Grade the attempt once. :raise QuizError: 400 for a bad form, 409 if it was already submitted."""
    if attempt.submitted_at is not None:
        raise QuizError(409, "This attempt was already submitted; its result is below.")
    quiz = attempt.quiz
    questions = {question.id: question for question in quiz.questions}
    try:
        responses = read_answers(attempt.draw, questions, form)
    except AnswerError as error:
        raise QuizError(400, str(error)) from None
    now = now or utcnow()
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise QuizError(409, "This attempt was already submitted; its result is below.")
    scores: list[Fraction] = []
    for position, (entry, response) in enumerate(zip(attempt.draw, responses, strict=True)):
        question = questions[entry["question_id"]]
        score = grade(question.kind, question.answer, response, quiz.partial_credit)
        scores.append(score)
        db.session.add(
            QuizAnswer(
                attempt_id=attempt.id,
                question_id=question.id,
                position=position,
                response=response,
                score=float(score),
                correct=score == 1,
            )
        )
    total = percent(scores)
    attempt.submitted_at, attempt.score_percent = now, float(total)
    attempt.passed = passes(total, quiz.pass_mark)
    db.session.flush()
    return attempt


def passed_quiz_ids(user, quiz_ids) -> set[int]:
    """The quizzes the learner has passed at least once: the best passing attempt is what counts."""
    if not getattr(user, "is_authenticated", False) or not quiz_ids:
        return set()
    return set(
        db.session.scalars(
            select(QuizAttempt.quiz_id)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.quiz_id.in_(list(quiz_ids)),
                QuizAttempt.passed.is_(True),
            )
            .distinct()
        )
    )


@dataclass(frozen=True)
class QuestionStat:
    question: QuizQuestion
    answers: int
    right: int
    learners_right: int

    @property
    def percent_right(self) -> int:
        return 0 if not self.answers else round(100 * self.right / self.answers)


def question_stats(quiz: Quiz) -> list[QuestionStat]:
    """Per question: answers given, how many were right, and how many learners got it right.

    For the author: a question most people miss points at a lesson that needs work.
    """
    rows = db.session.execute(
        select(
            QuizAnswer.question_id,
            func.count(QuizAnswer.id),
            func.count(QuizAnswer.id).filter(QuizAnswer.correct.is_(True)),
            func.count(func.distinct(QuizAttempt.user_id)).filter(QuizAnswer.correct.is_(True)),
        )
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.quiz_id == quiz.id)
        .group_by(QuizAnswer.question_id)
    ).all()
    counts = {question_id: (answers, right, learners) for question_id, answers, right, learners in rows}
    return [QuestionStat(question, *counts.get(question.id, (0, 0, 0))) for question in pool(quiz)]
