"""Quiz attempts and the answers given in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.core.db_types import UTCDateTime, utcnow
from coursehub.core.extensions import db


class QuizAttempt(db.Model):
    """One sitting of a quiz. ``draw`` fixes the questions and the order of their options, so a reload
    shows the same attempt; option ids in it are opaque tokens, so the page reveals nothing of the key.
    ``submitted_at`` is set exactly once (compare-and-set), which is what makes grading happen once.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number", name="uq_quiz_attempts_user_quiz_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # [{"question_id": int, "options": [[token, option_id], ...]}, ...] in the order shown
    draw: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz = relationship("Quiz")
    answers: Mapped[list[QuizAnswer]] = relationship(back_populates="attempt", order_by="QuizAnswer.position")


class QuizAnswer(db.Model):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answers_attempt_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON)  # author option ids (or a bool), never tokens
    score: Mapped[float] = mapped_column(Float)  # 0..1; 1 is fully right
    correct: Mapped[bool] = mapped_column(Boolean)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    question = relationship("QuizQuestion")
