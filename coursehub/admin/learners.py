"""Finding a learner, and everything the school knows about one for support: access, progress, orders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from coursehub.accounts.models import User
from coursehub.billing.models import Order
from coursehub.content.models import Course, Quiz
from coursehub.core.audit import AuditEntry
from coursehub.core.extensions import db
from coursehub.learning.dashboard import DashboardRow, dashboard_for
from coursehub.learning.models import AccessHold, Entitlement
from coursehub.quizzes.models import QuizAttempt

PAGE_SIZE = 50


def search_learners(text: str) -> list[User]:
    """One query: accounts whose email or name contains ``text`` (case-insensitive), newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(PAGE_SIZE)
    text = text.strip().lower()
    if text:
        query = query.where(
            or_(
                User.email.contains(text, autoescape=True),
                func.lower(User.display_name).contains(text, autoescape=True),
            )
        )
    return list(db.session.scalars(query))


@dataclass
class LearnerRecord:
    user: User
    progress: list[DashboardRow]
    entitlements: list[Entitlement]
    holds: list[AccessHold]
    attempts: list[tuple[QuizAttempt, str]]
    orders: list[Order]
    audit: list[AuditEntry]


def learner_record(user: User) -> LearnerRecord:
    entitlements = db.session.scalars(
        select(Entitlement)
        .where(Entitlement.user_id == user.id)
        .options(selectinload(Entitlement.course))
        .order_by(Entitlement.course_id, Entitlement.id)
    ).all()
    holds = db.session.scalars(
        select(AccessHold).where(AccessHold.user_id == user.id).order_by(AccessHold.id.desc())
    ).all()
    attempts = db.session.execute(
        select(QuizAttempt, Quiz.title)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at.desc())
    ).all()
    orders = db.session.scalars(
        select(Order)
        .where(Order.user_id == user.id)
        .options(selectinload(Order.product))
        .order_by(Order.id.desc())
    ).all()
    audit = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_type == "user", AuditEntry.target_id == user.id)
        .order_by(AuditEntry.id.desc())
    ).all()
    return LearnerRecord(
        user,
        dashboard_for(user),
        list(entitlements),
        list(holds),
        [tuple(a) for a in attempts],
        list(orders),
        list(audit),
    )


def course_choices() -> list[tuple[str, str]]:
    return [(c.slug, c.title) for c in db.session.scalars(select(Course).order_by(Course.position))]


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))
