"""Quiz attempts and answers, for the data download and for deleting the account."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from coursehub.accounts.data_rights import register_personal_data
from coursehub.core.extensions import db
from coursehub.quizzes.models import QuizAnswer, QuizAttempt


def export_quizzes(user) -> list[dict[str, Any]]:
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id)
        .options(selectinload(QuizAttempt.quiz), selectinload(QuizAttempt.answers))
        .order_by(QuizAttempt.id)
    )
    return [
        {
            "quiz": attempt.quiz.title,
            "number": attempt.number,
            "started_at": attempt.started_at,
            "submitted_at": attempt.submitted_at,
            "score_percent": attempt.score_percent,
            "passed": attempt.passed,
            "answers": [
                {"question_id": answer.question_id, "response": answer.response, "correct": answer.correct}
                for answer in attempt.answers
            ],
        }
        for attempt in attempts
    ]


def erase_quizzes(user) -> None:
    attempt_ids = select(QuizAttempt.id).where(QuizAttempt.user_id == user.id).scalar_subquery()
    db.session.execute(
        delete(QuizAnswer)
        .where(QuizAnswer.attempt_id.in_(attempt_ids))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(QuizAttempt).where(QuizAttempt.user_id == user.id).execution_options(synchronize_session=False)
    )


def register(app: Flask) -> None:
    register_personal_data(app, "quiz_attempts", export_quizzes, erase_quizzes)
