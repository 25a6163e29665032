"""Imports every feature's models, so the metadata that migrations compare against is complete."""

from coursehub.accounts.models import User
from coursehub.catalog.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.learning.models import Entitlement
from coursehub.mail.models import OutboxMessage

__all__ = ["Course", "Entitlement", "Lesson", "Module", "OutboxMessage", "Quiz", "QuizQuestion", "User"]
