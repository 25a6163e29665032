"""Imports every feature's models, so the metadata that migrations compare against is complete."""

from coursehub.accounts.mail_preferences import MailPreference
from coursehub.accounts.models import User
from coursehub.billing.models import LedgerEntry, Order, Product, RefundRequest, StripeEvent
from coursehub.content.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.content.revisions import ContentSync, LessonRevision
from coursehub.core.audit import AuditEntry
from coursehub.learning.models import AccessHold, Certificate, Enrollment, Entitlement, LessonProgress
from coursehub.mail.models import OutboxMessage
from coursehub.practice.models import (
    Consent,
    JournalEntry,
    PracticeProfile,
    PracticeSession,
    RoutineItem,
    ScreeningAnswer,
    SessionExercise,
)
from coursehub.quizzes.models import QuizAnswer, QuizAttempt

__all__ = [
    "AccessHold",
    "AuditEntry",
    "Certificate",
    "Consent",
    "ContentSync",
    "Course",
    "Enrollment",
    "Entitlement",
    "JournalEntry",
    "LedgerEntry",
    "Lesson",
    "LessonProgress",
    "LessonRevision",
    "MailPreference",
    "Module",
    "Order",
    "OutboxMessage",
    "PracticeProfile",
    "PracticeSession",
    "Product",
    "Quiz",
    "QuizAnswer",
    "QuizAttempt",
    "QuizQuestion",
    "RefundRequest",
    "RoutineItem",
    "ScreeningAnswer",
    "SessionExercise",
    "StripeEvent",
    "User",
]
