"""How a message leaves: SMTP in real deployments, the log in the offline demo."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any, Protocol

log = logging.getLogger("coursehub.mail")


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, config: dict[str, Any]):
        self.host = config["SMTP_HOST"]
        self.port = config["SMTP_PORT"]
        self.security = config["SMTP_SECURITY"]
        self.username = config["SMTP_USERNAME"]
        self.password = config["SMTP_PASSWORD"]
        self.timeout = config["SMTP_TIMEOUT"]

    def send(self, message: EmailMessage) -> None:
        if self.security == "ssl":
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class LogTransport:
    """With no SMTP server configured, write each message to the log so a person can follow its links."""

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        log.warning(
            "Mail (not sent: SMTP_HOST is not set)\nTo: %s\nSubject: %s\n\n%s",
            message["To"],
            message["Subject"],
            text,
        )


def transport_for(config: dict[str, Any]) -> Transport:
    return SmtpTransport(config) if config["SMTP_HOST"] else LogTransport()
