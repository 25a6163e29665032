"""The public verification page of a certificate and the PDF its owner downloads."""

from __future__ import annotations

import re

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from coursehub.core.errors import error_response
from coursehub.learning import bp, certificates
from coursehub.learning.access import is_staff

REVOKED_MESSAGE = "This certificate has been revoked, so it can no longer be downloaded."


def _certificate_or_404(code: str):
    certificate = certificates.certificate_by_code(code)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/certificates/<code>")
def certificate_public(code: str):
    """Shows only name, course, date and status: the code is shared with employers and friends."""
    certificate = _certificate_or_404(code)
    is_owner = current_user.is_authenticated and certificate.user_id == current_user.id
    response = Response(
        render_template(
            "learning/certificate_public.html",
            is_owner=is_owner,
            certificate=certificate,
            course=certificate.course,
            status=certificates.certificate_status(certificate),
            issued_on=certificates.certificate_date(certificate),
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"  # also covers crawlers that skip the meta tag
    if is_owner:
        response.headers["Cache-Control"] = "private, no-store"  # the owner's copy carries their links
    return response


@bp.get("/certificates/<code>/certificate.pdf")
@login_required
def certificate_pdf(code: str):
    """The PDF for its owner (and staff answering a support request); gone (410) once revoked."""
    certificate = _certificate_or_404(code)
    if certificate.user_id != current_user.id and not is_staff(current_user):
        abort(403, "Only the learner who earned this certificate can download it.")
    if certificates.certificate_status(certificate) == certificates.REVOKED:
        return error_response(410, REVOKED_MESSAGE, "certificate_revoked")
    slug = re.sub(r"[^A-Za-z0-9._-]", "-", certificate.course.slug)
    response = Response(certificates.certificate_pdf(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="coursehub-certificate-{slug}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"  # personal, and it must stop once revoked
    return response
