"""Walks every route in the URL map, so a new route can't forget CSRF or its log-in check."""

import pytest

from tests.factories import make_user

# Pages a visitor may see. Any other GET route must send a visitor to log in.
OPEN_PAGES = {
    "catalog.index",
    "catalog.disclaimer",
    "core.healthz",
    "static",
    "accounts.signup",
    "accounts.login",
    "accounts.forgot_password",
}
# Public routes whose answer depends on their data: each has its own access tests.
GUARDED_PUBLIC = {
    "accounts.reset_password",  # a signed, single-use token
    "accounts.verify_email",  # a signed token
    "catalog.course",  # published courses only (tests/catalog/test_pages.py)
    "learning.certificate_public",  # an unguessable code; name, course, date only (test_certificates.py)
    "learning.lesson",  # the access rule (tests/learning/test_lesson_access.py)
    "learning.media",  # a signed URL plus the access rule (tests/learning/test_media.py)
    "practice.feed",  # a secret, revocable token (tests/practice/test_downloads.py, test_privacy.py)
}
PUBLIC_ENDPOINTS = OPEN_PAGES | GUARDED_PUBLIC
# State-changing routes that legitimately take no CSRF token: Stripe signs its webhook instead
# (tests/billing/test_webhook.py checks that an unsigned or forged one changes nothing).
CSRF_EXEMPT_ENDPOINTS = {"billing.stripe_webhook"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SAMPLE_VALUES = {"token": "sample-token", "filename": "css/site.css", "path": "x", "code": "sample-code"}


def url_for_rule(rule) -> str:
    return rule.build({arg: SAMPLE_VALUES.get(arg, "1") for arg in rule.arguments})[1]


def routes(app, methods):
    return [
        (rule.endpoint, url_for_rule(rule), method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & methods)
    ]


def test_every_state_changing_route_rejects_a_request_without_a_csrf_token(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    checked = []
    for endpoint, url, method in routes(app, STATE_CHANGING):
        if endpoint in CSRF_EXEMPT_ENDPOINTS:
            continue
        response = auth.client.open(url, method=method, data={"email": user.email})
        assert response.status_code == 400, f"{method} {url} answered {response.status_code} without CSRF"
        assert "Your form expired" in response.get_data(as_text=True)
        checked.append(endpoint)
    assert "accounts.logout" in checked and "accounts.login" in checked


def test_every_page_but_the_public_ones_sends_a_visitor_to_log_in(app, client):
    private = [
        (endpoint, url) for endpoint, url, _ in routes(app, {"GET"}) if endpoint not in PUBLIC_ENDPOINTS
    ]
    assert private, "expected some private pages"
    # A certificate's PDF needs its owner logged in, unlike its public page.
    assert "learning.certificate_pdf" in {endpoint for endpoint, _ in private}
    for endpoint, url in private:
        response = client.get(url)
        assert response.status_code == 302, f"{endpoint} answered {response.status_code} to a visitor"
        assert response.headers["Location"].startswith("/login?next="), endpoint


@pytest.mark.parametrize("endpoint", sorted(OPEN_PAGES))
def test_public_pages_open_for_a_visitor(app, client, endpoint):
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    with client.get(url_for_rule(rule)) as response:  # closes the static file it may stream
        assert response.status_code == 200
