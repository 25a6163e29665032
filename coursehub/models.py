"""Imports every feature's models, so the metadata that migrations compare against is complete."""

from coursehub.accounts.models import User
from coursehub.catalog.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.learning.models import Certificate, Enrollment, Entitlement, LessonProgress
from coursehub.mail.models import OutboxMessage
from coursehub.quizzes.models import QuizAnswer, QuizAttempt

__all__ = [
    "Certificate", "Course", "Enrollment", "Entitlement", "Lesson", "LessonProgress", "Module",
    "OutboxMessage", "Quiz", "QuizAnswer", "QuizAttempt", "QuizQuestion", "User",
]
