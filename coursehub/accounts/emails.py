"""Normalising the addresses people type."""

from email_validator import EmailNotValidError, validate_email


class InvalidEmail(ValueError):
    """The address can't be used; the message says why, in words fit for the person who typed it."""


def normalize_email(raw: str) -> str:
    """Lower-case the whole address: mail providers treat the local part case-insensitively in practice.

    :raise InvalidEmail: with a message fit to show the person who typed it.
    """
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    return result.normalized.lower()
