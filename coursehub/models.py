"""Imports every feature's models, so the metadata that migrations compare against is complete."""

from coursehub.accounts.models import User
from coursehub.billing.models import LedgerEntry, Order, Product, RefundRequest, StripeEvent
from coursehub.content.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.core.audit import AuditEntry
from coursehub.learning.models import AccessHold, Certificate, Enrollment, Entitlement, LessonProgress
from coursehub.mail.models import OutboxMessage
from coursehub.quizzes.models import QuizAnswer, QuizAttempt

__all__ = [
    "AccessHold",
    "AuditEntry",
    "Certificate",
    "Course",
    "Enrollment",
    "Entitlement",
    "LedgerEntry",
    "Lesson",
    "LessonProgress",
    "Module",
    "Order",
    "OutboxMessage",
    "Product",
    "Quiz",
    "QuizAnswer",
    "QuizAttempt",
    "QuizQuestion",
    "RefundRequest",
    "StripeEvent",
    "User",
]
