"""The learner's practice: consent, screening, their routine, sessions and the pain journal.

Every row belongs to one learner (``user_id``) and is only ever read through that learner's own pages,
the export, or the author's opt-in, anonymised figures.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.core.db_types import UTCDateTime, str_enum, utcnow
from coursehub.core.extensions import db

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_NOTE_LENGTH = 2000
MAX_REPS_DONE = 500


class Region(enum.StrEnum):
    LOWER_BACK_LEFT = "lower-back-left"
    LOWER_BACK_RIGHT = "lower-back-right"
    LOWER_BACK_CENTRE = "lower-back-centre"
    BUTTOCK = "buttock"
    HIP = "hip"
    GROIN = "groin"
    FRONT_OF_THIGH = "front-of-thigh"
    BACK_OF_THIGH = "back-of-thigh"
    SI_JOINT = "si-joint"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REGION_LABELS[self]


REGION_LABELS = {
    Region.LOWER_BACK_LEFT: "Lower back, left",
    Region.LOWER_BACK_RIGHT: "Lower back, right",
    Region.LOWER_BACK_CENTRE: "Lower back, centre",
    Region.BUTTOCK: "Buttock",
    Region.HIP: "Hip",
    Region.GROIN: "Groin",
    Region.FRONT_OF_THIGH: "Front of thigh",
    Region.BACK_OF_THIGH: "Back of thigh",
    Region.SI_JOINT: "SI joint",
    Region.OTHER: "Other",
}


class Context(enum.StrEnum):
    BEFORE_PRACTICE = "before-practice"
    AFTER_PRACTICE = "after-practice"
    MORNING = "morning"
    EVENING = "evening"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class Outcome(enum.StrEnum):
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    STOPPED = "stopped"  # ended early for any reason but pain
    SHARP_PAIN = "sharp-pain"  # "Sharp pain - stop": safety advice shown, counted for the pause mail


class PracticeProfile(db.Model):
    """The learner's practice settings; absent until they first change one (then defaults apply)."""

    __tablename__ = "practice_profiles"
    __table_args__ = (CheckConstraint("practice_days BETWEEN 0 AND 127", name="practice_days_week_mask"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the school's default
    practice_days: Mapped[int] = mapped_column(Integer, default=0)  # bit 0 Monday ... bit 6 Sunday
    outcomes_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # sha256 of the calendar feed's secret; a new token replaces it, so the old URL stops working.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pause_advice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def has_day(self, weekday: int) -> bool:
        return bool(self.practice_days & (1 << weekday))


class Consent(db.Model):
    """The learner accepted the disclaimer of this version at this time; a new version asks again."""

    __tablename__ = "practice_consents"
    __table_args__ = (UniqueConstraint("user_id", "disclaimer_version", name="uq_practice_consents_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    disclaimer_version: Mapped[str] = mapped_column(String(40))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScreeningAnswer(db.Model):
    """The learner's latest screening for one course: the ids of the questions answered "yes"."""

    __tablename__ = "practice_screenings"
    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_practice_screenings_user_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoutineItem(db.Model):
    """One exercise of a learner's personal routine: a step of a lesson's routine, with their own reps.

    ``exercise`` keeps the step's name, so a re-import that moves steps can still find it.
    """

    __tablename__ = "practice_routine_items"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "step_index", name="uq_practice_routine_items_step"),
        CheckConstraint("reps BETWEEN 1 AND 100", name="routine_reps_range"),
        CheckConstraint("step_index >= 0", name="routine_step_index_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    step_index: Mapped[int] = mapped_column(Integer)
    exercise: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)

    lesson = relationship("Lesson")


class PracticeSession(db.Model):
    __tablename__ = "practice_sessions"
    __table_args__ = (
        CheckConstraint(
            "(outcome = 'in-progress') = (ended_at IS NULL)", name="practice_session_ended_unless_running"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome] = mapped_column(
        str_enum(Outcome, "practice_outcome"), default=Outcome.IN_PROGRESS
    )

    exercises: Mapped[list[SessionExercise]] = relationship(
        back_populates="session", order_by="SessionExercise.position", cascade="all, delete-orphan"
    )


class SessionExercise(db.Model):
    """What was done of one exercise in a session, per side (``both`` counts moves of both sides together)."""

    __tablename__ = "practice_session_exercises"
    __table_args__ = (
        CheckConstraint(f"reps_left BETWEEN 0 AND {MAX_REPS_DONE}", name="reps_left_range"),
        CheckConstraint(f"reps_right BETWEEN 0 AND {MAX_REPS_DONE}", name="reps_right_range"),
        CheckConstraint(f"reps_both BETWEEN 0 AND {MAX_REPS_DONE}", name="reps_both_range"),
        CheckConstraint("hold_seconds >= 0", name="hold_seconds_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    exercise: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(8))
    reps_planned: Mapped[int] = mapped_column(Integer)
    hold_seconds: Mapped[int] = mapped_column(Integer)  # the step's hold when the session started
    reps_left: Mapped[int] = mapped_column(Integer, default=0)
    reps_right: Mapped[int] = mapped_column(Integer, default=0)
    reps_both: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[PracticeSession] = relationship(back_populates="exercises")


class JournalEntry(db.Model):
    __tablename__ = "pain_journal_entries"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 10", name="pain_score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    region: Mapped[Region] = mapped_column(str_enum(Region, "pain_region", length=20))
    context: Mapped[Context] = mapped_column(str_enum(Context, "pain_context", length=20))
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_sessions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
