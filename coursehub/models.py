"""Imports every feature's models, so the metadata that migrations compare against is complete."""

from coursehub.accounts.models import User
from coursehub.mail.models import OutboxMessage

__all__ = ["OutboxMessage", "User"]
