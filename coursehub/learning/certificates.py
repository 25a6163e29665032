"""Certificates of completion: issuing one, whether it still stands, and the PDF the learner keeps.

Anyone holding a certificate's code can open its public page, so the code is the only key: 128 random
bits, unguessable and never derived from the user or course. The public page shows only the name, the
course and the date, so a leaked code reveals nothing else about the learner.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.accounts.models import User
from coursehub.content.models import Course
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.core.templating import external_url
from coursehub.learning.access import has_active_entitlement
from coursehub.learning.models import Certificate
from coursehub.mail.services import queue_mail

VALID = "valid"
REVOKED = "revoked"
SCHOOL_NAME = "CourseHub"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Core PDF fonts only know Latin-1; these keep common names and punctuation readable without DejaVu.
_LATIN1_STANDINS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u20ac": "EUR",
    }
)
_INK, _ACCENT, _MUTED = (31, 37, 35), (47, 93, 80), (91, 100, 98)


def issue_certificate(user: User, course: Course, now: datetime | None = None) -> Certificate:
    """The learner's certificate for ``course``, made and mailed the first time; later calls return it.

    An existing certificate is returned as it is, even if revoked: issuing again must not undo a
    revocation. Two requests finishing the course at once both insert; the unique (user, course)
    constraint lets one win, and the loser's savepoint rolls back alone, so its transaction goes on.
    Flushes only; the mail leaves after the caller commits.
    """
    existing = _certificate_of(user.id, course.id)
    if existing is not None:
        return existing
    certificate = Certificate(
        user_id=user.id,
        course_id=course.id,
        code=secrets.token_urlsafe(16),
        name_on_certificate=user.display_name[:80],
        issued_at=now or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        winner = _certificate_of(user.id, course.id)
        if winner is None:
            raise  # not the (user, course) race: a real error the caller should see
        return winner
    queue_mail(
        user.email,
        f"Your {SCHOOL_NAME} certificate: {course.title}",
        "certificate_issued",
        user=user,
        course=course,
        certificate=certificate,
        issued_on=certificate_date(certificate),
        verify_url=external_url("learning.certificate_public", code=certificate.code),
        pdf_url=external_url("learning.certificate_pdf", code=certificate.code),
    )
    return certificate


def certificate_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def certificate_status(certificate: Certificate) -> str:
    """ "valid" or "revoked", worked out on every look so a refund shows at once without a job.

    A paid course's certificate stands only while the learner still holds an active entitlement: a
    refunded, charged-back or revoked purchase withdraws it, and a restored entitlement restores it.
    """
    if certificate.revoked_at is not None:
        return REVOKED
    course = certificate.course
    if course.is_free:
        return VALID
    owner = db.session.get(User, certificate.user_id)
    return VALID if owner is not None and has_active_entitlement(owner, course) else REVOKED


def certificate_date(certificate: Certificate) -> str:
    """The issue date as "25 November 2026", in English whatever the server's locale."""
    issued = certificate.issued_at
    return f"{issued.day} {MONTHS[issued.month - 1]} {issued.year}"


def certificate_pdf(certificate: Certificate) -> bytes:
    """A one-page landscape A4 certificate with the verification link, so a printout can be checked."""
    course = certificate.course
    verify_url = external_url("learning.certificate_public", code=certificate.code)
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 20, 25)
    family, clean = _set_up_fonts(pdf)
    pdf.set_title(clean(f"{SCHOOL_NAME} certificate: {course.title}"))
    pdf.set_author(SCHOOL_NAME)
    pdf.set_creation_date(certificate.issued_at)
    pdf.add_page()
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(text: str, size: float, style: str = "", color=_INK, gap: float = 0, shrink: bool = False):
        text = clean(text)
        pdf.set_font(family, style, size)
        while shrink and size > 16 and pdf.get_string_width(text) > pdf.epw:
            size -= 1  # long names and titles shrink to one line before they wrap
            pdf.set_font(family, style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(0, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    pdf.set_y(28)
    line(SCHOOL_NAME, 18, "B", _ACCENT, gap=8)
    line("Certificate of completion", 34, "B", gap=10)
    line("This certifies that", 14, color=_MUTED, gap=4)
    line(certificate.name_on_certificate, 30, "B", gap=6, shrink=True)
    line("has completed the course", 14, color=_MUTED, gap=4)
    line(course.title, 22, "B", gap=6, shrink=True)
    line(f"on {certificate_date(certificate)}", 14, gap=0)
    pdf.set_y(pdf.h - 52)
    line(
        "A certificate of completing a self-care course; not a clinical or professional qualification.",
        9,
        color=_MUTED,
        gap=4,
    )
    line(f"Verify this certificate at {verify_url}", 10, color=_MUTED, gap=1)
    line(f"Certificate code: {certificate.code}", 10, color=_MUTED)
    return bytes(pdf.output())


def certificate_of(user: User, course: Course) -> Certificate | None:
    """The learner's certificate for ``course``, valid or revoked, if one was ever issued."""
    return _certificate_of(user.id, course.id)


def _certificate_of(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
    )


def _set_up_fonts(pdf: FPDF):
    """DejaVu, which covers any name a learner types; core Helvetica with stand-ins if it is missing."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVu", style="", fname=str(regular))
        pdf.add_font("DejaVu", style="B", fname=str(bold))
        return "DejaVu", str
    return "helvetica", to_latin1


def to_latin1(text: str) -> str:
    """``text`` with each character outside Latin-1 replaced by its closest plain letter, or "?"."""
    out = []
    for char in text.translate(_LATIN1_STANDINS):
        if ord(char) < 256:
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256)
        out.append(plain or "?")
    return "".join(out)
