"""Courses, modules, lessons and quizzes: the database copy of the files in courses/.

Slugs are identity. An import updates rows in place and archives what disappeared from the files
(``archived_at``) instead of deleting it, so learners' progress and quiz attempts keep their rows.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.core.db_types import UTCDateTime, str_enum, utcnow
from coursehub.core.extensions import db


class Access(enum.StrEnum):
    FREE = "free"
    PAID = "paid"


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("(access = 'free') = (price_cents = 0)", name="free_means_no_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    access: Mapped[Access] = mapped_column(str_enum(Access, "access", length=8))
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    position: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    modules: Mapped[list[Module]] = relationship(back_populates="course", order_by="Module.position")

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"

    @property
    def is_free(self) -> bool:
        return self.access is Access.FREE

    def is_published(self, now: datetime | None = None) -> bool:
        return self.published_at is not None and self.published_at <= (now or utcnow())


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("course_id", "slug", name="uq_modules_course_slug"),
        CheckConstraint("drip_days >= 0", name="drip_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    drip_days: Mapped[int] = mapped_column(Integer, default=0)
    # None is a draft; a time in the future is scheduled; the author publishes in the web UI.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="Lesson.position")
    quiz: Mapped[Quiz | None] = relationship(back_populates="module")

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"

    def is_published(self, now: datetime | None = None) -> bool:
        return self.published_at is not None and self.published_at <= (now or utcnow())


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("course_id", "slug", name="uq_lessons_course_slug"),
        CheckConstraint("duration_seconds >= 0", name="duration_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    video_ref: Mapped[str | None] = mapped_column(String(300))
    captions_ref: Mapped[str | None] = mapped_column(String(300))
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    is_preview: Mapped[bool] = mapped_column(Boolean, default=False)
    routine: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    body_markdown: Mapped[str] = mapped_column(Text)
    # Rendered and sanitized once at import, never per request.
    body_html: Mapped[str] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Bumped by SQLAlchemy on every UPDATE: two people saving the same lesson can't overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # When the text last changed for learners ("updated since you finished it"); None: never since creation.
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    module: Mapped[Module] = relationship(back_populates="lessons")
    course: Mapped[Course] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Lesson {self.slug}>"


class Quiz(db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("pass_mark BETWEEN 1 AND 100", name="pass_mark_percent"),
        CheckConstraint("draw >= 1", name="draw_positive"),
        CheckConstraint("reveal IN ('always', 'after_pass', 'after_last_attempt')", name="reveal_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer, default=0)
    wait_minutes: Mapped[int] = mapped_column(Integer, default=0)
    draw: Mapped[int] = mapped_column(Integer)
    partial_credit: Mapped[bool] = mapped_column(Boolean, default=False)
    # When a result shows the right option of each question (see courses/README.md).
    reveal: Mapped[str] = mapped_column(String(20), default="after_pass", server_default="after_pass")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    module: Mapped[Module] = relationship(back_populates="quiz")
    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="quiz", order_by="QuizQuestion.position"
    )


class QuizQuestion(db.Model):
    """A question as the author wrote it; the engine draws from these and never sends ``answer`` early."""

    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key", name="uq_quiz_questions_quiz_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    answer: Mapped[Any] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    lesson_slug: Mapped[str] = mapped_column(String(80))
    at_seconds: Mapped[int | None] = mapped_column(Integer)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
