"""Every log record of the whole run, and every secret the run showed the app, so the end of the run
can check that no secret reached a log (see the ``_logs_hold_no_secrets`` fixture in conftest).

Secrets are collected as requests arrive (Flask's ``request_started`` signal, for every app including
the live server): passwords in forms, cookie values (sessions, remember-me), Stripe signatures, and
token view arguments (reset and verify links). Patterns cover what is secret by shape.
"""

from __future__ import annotations

import logging
import re

from flask import request, request_started

from coursehub.core.logs import JsonFormatter

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
SECRET_PATTERNS = {
    "Stripe webhook secret": re.compile(r"whsec_\w+"),
    "Stripe secret key": re.compile(r"\b[sr]k_(?:test|live)_\w+"),
    "card number": re.compile(r"\b(?:\d[ -]?){12,18}\d\b"),
}
MIN_SECRET_LENGTH = 8


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


SMALL_FORM_BYTES = 64 * 1024
MIN_DISTINCT_CHARACTERS = 4


class LogScan(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []
        self.secrets: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def note_request(self, _app, **_extra) -> None:
        found = set(request.cookies.values())
        found.update(value for name, value in request.headers.items() if name in {"Stripe-Signature"})
        found.update(
            str(value) for name, value in (request.view_args or {}).items() if "token" in name.lower()
        )
        # Password forms are small; reading a large upload here would apply the ordinary body limit to it
        # before its view could raise the limit.
        if request.mimetype in FORM_TYPES and (request.content_length or 0) <= SMALL_FORM_BYTES:
            found.update(
                value for name, value in request.form.items() if "password" in name or "confirm" in name
            )
        # An address typed into a password box (a test of the password rules) is not a secret: addresses
        # rightly appear in the mail log.
        # Filler such as "xxxxxxxxxxxx" (an edge-check test's password) is no secret either: the fuzzer's huge
        # strings in logged paths hold it by chance.
        self.secrets.update(
            value
            for value in found
            if len(value) >= MIN_SECRET_LENGTH
            and "@" not in value
            and len(set(value)) >= MIN_DISTINCT_CHARACTERS
        )

    def leaks(self) -> list[str]:
        text = "\n".join(self.lines)
        problems = [f"a secret the tests sent: {secret[:6]}..." for secret in self.secrets if secret in text]
        for name, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                digits = re.sub(r"\D", "", match.group())
                if name != "card number" or luhn_valid(digits):
                    problems.append(f"{name}: {match.group()[:10]}...")
        return problems

    def attach(self) -> None:
        root = logging.getLogger()
        if self not in root.handlers:
            root.addHandler(self)

    def __enter__(self) -> LogScan:
        self.attach()
        request_started.connect(self.note_request, weak=False)
        return self

    def __exit__(self, *exc) -> None:
        request_started.disconnect(self.note_request)
        logging.getLogger().removeHandler(self)
