"""Certificates: issued once, mailed, checked on a public page that shows no more, a PDF for the owner."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from coursehub.accounts.models import Role, User
from coursehub.content.models import Course
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning import certificates
from coursehub.learning.certificates import issue_certificate
from coursehub.learning.models import Certificate, Entitlement, EntitlementStatus
from coursehub.mail.models import OutboxMessage
from tests.factories import grant, make_course, make_user
from tests.helpers import count_rows, links_in, page_text

ISSUED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def issue(app, user, course, revoke: bool = False) -> str:
    """Issue (and commit) the certificate the way the course-completion code will; return its code."""
    with app.app_context():
        certificate = issue_certificate(
            db.session.get(User, user.id), db.session.get(Course, course.id), now=ISSUED
        )
        if revoke:
            certificate.revoked_at = utcnow()
        db.session.commit()
        return certificate.code


@pytest.fixture
def learner(app):
    return make_user(app, email="ada@example.com", display_name="Ada Lovelace")


@pytest.fixture
def course(app, learner):
    course = make_course(app, slug="postural-blueprint", title="Postural Blueprint")
    grant(app, learner, course, source="purchase")
    return course


def pdf_text(response) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(response.get_data()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_issuing_twice_returns_one_certificate_and_one_mail(app, learner, course):
    first, second = issue(app, learner, course), issue(app, learner, course)
    assert first == second and len(first) >= 22
    assert count_rows(app, Certificate) == 1
    assert count_rows(app, OutboxMessage) == 1


def test_a_concurrent_issue_that_loses_the_race_returns_the_winner(app, learner, course, monkeypatch):
    code = issue(app, learner, course)
    real_lookup, calls = certificates._certificate_of, []

    def stale_lookup(user_id, course_id):  # the first look ran before the other request committed
        calls.append(1)
        return None if len(calls) == 1 else real_lookup(user_id, course_id)

    monkeypatch.setattr(certificates, "_certificate_of", stale_lookup)
    assert issue(app, learner, course) == code  # the savepoint kept the transaction usable
    assert len(calls) == 2  # the insert hit the unique constraint and the winner was looked up
    assert count_rows(app, Certificate) == 1 and count_rows(app, OutboxMessage) == 1


def test_the_mail_arrives_with_a_verification_link_that_works(app, client, learner, course, mailbox):
    code = issue(app, learner, course)  # sent when the issuing app context ends, after its commit
    [message] = mailbox.to(learner.email)
    assert message["Subject"] == "Your CourseHub certificate: Postural Blueprint"
    links = links_in(message)
    assert f"http://school.test/certificates/{code}/certificate.pdf" in links
    [verify] = [link for link in links if link.endswith(f"/certificates/{code}")]
    assert verify.startswith("http://school.test/")  # from BASE_URL, never from Host
    page = client.get(verify.removeprefix("http://school.test"))
    assert page.status_code == 200 and "Ada Lovelace" in page_text(page)


def test_the_verification_page_shows_name_course_and_date_and_nothing_else(app, client, learner, course):
    response = client.get(f"/certificates/{issue(app, learner, course)}")
    body = page_text(response)
    assert response.status_code == 200
    for shown in ("Ada Lovelace", "Postural Blueprint", "25 November 2026", "This certificate is valid."):
        assert shown in body
    assert learner.email not in body and "ada@" not in body
    assert '<meta name="robots" content="noindex">' in body
    assert "<title>Certificate of completion: Postural Blueprint" in body
    assert 'name="description" content="A valid CourseHub certificate' in body


def test_a_revoked_certificate_says_revoked(app, client, learner, course):
    body = page_text(client.get(f"/certificates/{issue(app, learner, course, revoke=True)}"))
    assert "This certificate has been revoked." in body
    assert "is valid" not in body


def test_a_certificate_whose_paid_course_entitlement_was_revoked_says_revoked(app, client, learner, course):
    code = issue(app, learner, course)
    with app.app_context():  # a refund or a lost dispute revokes the purchase
        db.session.execute(
            update(Entitlement)
            .where(Entitlement.user_id == learner.id)
            .values(status=EntitlementStatus.REVOKED)
        )
        db.session.commit()
    assert "This certificate has been revoked." in page_text(client.get(f"/certificates/{code}"))


def test_a_free_course_certificate_stays_valid_without_an_entitlement(app, client, learner):
    free = make_course(app, free=True)
    body = page_text(client.get(f"/certificates/{issue(app, learner, free)}"))
    assert "This certificate is valid." in body


def test_an_unknown_code_is_404(client):
    assert client.get("/certificates/no-such-code").status_code == 404
    assert client.get("/certificates/" + "x" * 60).status_code == 404


def test_the_owner_downloads_a_one_page_pdf_with_name_course_and_code(app, auth, learner, course):
    code = issue(app, learner, course)
    auth.login(learner.email, learner.password)
    response = auth.client.get(f"/certificates/{code}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="coursehub-certificate-postural-blueprint.pdf"'
    )
    pages, text = pdf_text(response)
    assert pages == 1
    for shown in ("Ada Lovelace", "Postural Blueprint", code, "25 November 2026"):
        assert shown in text


def test_a_non_ascii_name_appears_on_the_page_and_in_the_pdf(app, auth, course):
    zoe = make_user(app, display_name="Zoë Łukasiewicz")
    grant(app, zoe, course)
    code = issue(app, zoe, course)
    assert "Zoë Łukasiewicz" in page_text(auth.client.get(f"/certificates/{code}"))
    auth.login(zoe.email, zoe.password)
    assert "Zoë Łukasiewicz" in pdf_text(auth.client.get(f"/certificates/{code}/certificate.pdf"))[1]


def test_without_dejavu_the_pdf_falls_back_to_helvetica_and_plain_letters(
    app, learner, course, monkeypatch, tmp_path
):
    code = issue(app, learner, course)
    monkeypatch.setattr(certificates, "FONT_DIR", tmp_path)  # no font files here
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
        certificate.name_on_certificate = "Zoë Łukasiewicz \u2013 \u674e"  # en dash, a CJK character
        reader = PdfReader(io.BytesIO(certificates.certificate_pdf(certificate)))
        db.session.rollback()
    assert "Zoë Lukasiewicz - ?" in reader.pages[0].extract_text()


def test_another_learner_gets_403_and_a_visitor_is_sent_to_log_in(app, client, auth, learner, course):
    url = f"/certificates/{issue(app, learner, course)}/certificate.pdf"
    visitor = client.get(url)
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login?next=")
    other = make_user(app)
    auth.login(other.email, other.password)
    response = auth.client.get(url)
    assert response.status_code == 403 and "Only the learner who earned" in page_text(response)


def test_staff_may_download_a_learners_certificate(app, auth, learner, course):
    url = f"/certificates/{issue(app, learner, course)}/certificate.pdf"
    admin = make_user(app, role=Role.ADMIN)
    auth.login(admin.email, admin.password)
    assert auth.client.get(url).status_code == 200


def test_a_revoked_certificates_pdf_answers_410(app, auth, learner, course):
    code = issue(app, learner, course, revoke=True)
    auth.login(learner.email, learner.password)
    response = auth.client.get(f"/certificates/{code}/certificate.pdf")
    assert response.status_code == 410
    assert "This certificate has been revoked" in page_text(response)
    assert response.mimetype == "text/html"
