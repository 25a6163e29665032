"""Column types shared by every feature's models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite stores no offset, so a plain ``DateTime(timezone=True)`` comes back naive there and aware on
    PostgreSQL, and comparing the two raises. This type stores UTC and always returns aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use db_types.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(kind: type[enum.Enum], name: str, length: int = 16) -> Enum:
    """A Python enum stored as its value in a VARCHAR with a CHECK constraint.

    Not a native PostgreSQL enum: adding a value later is then an ordinary migration on every database.
    """
    return Enum(
        kind,
        native_enum=False,
        length=length,
        validate_strings=True,
        create_constraint=True,
        name=name,
        values_callable=lambda items: [item.value for item in items],
    )
