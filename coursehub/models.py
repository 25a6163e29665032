"""Imports every feature's models, so the metadata that migrations compare against is complete."""

from coursehub.accounts.models import User
from coursehub.billing.models import LedgerEntry, Order, Product, StripeEvent
from coursehub.content.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.learning.models import Certificate, Enrollment, Entitlement, LessonProgress
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
    "Certificate",
    "Consent",
    "Course",
    "Enrollment",
    "Entitlement",
    "JournalEntry",
    "LedgerEntry",
    "Lesson",
    "LessonProgress",
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
    "RoutineItem",
    "ScreeningAnswer",
    "SessionExercise",
    "StripeEvent",
    "User",
]
