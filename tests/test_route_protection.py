"""Walks every route in the URL map as a visitor, the owner of a paid course, another learner, an author
and an admin: the status each gets, and that no page leaks a paid lesson or another learner's data."""

from __future__ import annotations

import pytest

from tests.helpers import AuthActions, csrf_token_from
from tests.inventory import (
    ACTORS,
    EXPECTED_GET,
    KIND_GET,
    ROUTES,
    SECRET,
    SECRET_READERS,
    Kind,
    build_world,
    routes,
)

# State-changing routes that legitimately take no CSRF token: Stripe signs its webhook instead
# (tests/billing/test_webhook.py checks that an unsigned or forged one changes nothing), and RFC 8058's
# one-click unsubscribe, which a mail program POSTs with only the signed token. The studio's video upload
# checks the token itself once it has raised the body limit (tests/authoring/test_media_upload.py).
CSRF_EXEMPT_ENDPOINTS = {"billing.stripe_webhook", "accounts.unsubscribe", "authoring.upload_video"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# They end the session the walk is using: requested last.
ENDS_SESSION = {"accounts.logout", "accounts.end_other_session", "accounts.end_other_sessions"}
SIGNED_IN_KINDS = {Kind.LEARNER, Kind.AUTHOR, Kind.ADMIN}


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def browsers(app, world):
    """A client per actor, signed in but the visitor, with its CSRF token."""
    found = {}
    for actor in ACTORS:
        client = app.test_client()
        if actor != "visitor":
            user = world.users[actor]
            assert AuthActions(client).login(user.email, user.password).status_code == 302
        token = csrf_token_from(client.get("/login" if actor == "visitor" else "/account/password").text)
        found[actor] = (client, token)
    return found


def assert_no_leak(endpoint: str, actor: str, response, world) -> None:
    body = response.get_data()
    if (endpoint, actor) in SECRET_READERS:
        assert SECRET.encode() in body, f"{endpoint} should show the paid lesson to {actor}"
    elif ROUTES[endpoint] is Kind.AUTHOR and actor in ("author", "admin"):
        pass  # the studio may show staff any lesson's text (its editor, a refused upload's form)
    else:
        assert SECRET.encode() not in body, f"{endpoint} shows the paid lesson to {actor}"
    owner = world.users["owner"]
    if actor != "owner" and not (actor == "admin" and ROUTES[endpoint] is Kind.ADMIN):
        assert owner.email.encode() not in body, f"{endpoint} shows the owner's email to {actor}"
        if endpoint != "learning.certificate_public":  # the certificate's page shows its holder's name
            assert owner.display_name.encode() not in body, f"{endpoint} shows the owner's name to {actor}"


def assert_status(endpoint: str, actor: str, response, expected) -> None:
    where = f"{actor} on {endpoint}"
    if expected == "login":
        assert response.status_code in {302, 401}, f"{where}: {response.status_code}"
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login?next="), where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = sorted(endpoints - set(ROUTES))
    assert not unclassified, f"classify these routes in tests/inventory.py ROUTES: {unclassified}"
    assert not sorted(set(ROUTES) - endpoints), "tests/inventory.py lists routes that no longer exist"


def test_every_page_answers_each_role_as_classified_and_leaks_nothing(app, world, browsers):
    pages = routes(app, world, {"GET"})
    for endpoint, url, _ in pages:
        expected = EXPECTED_GET.get(endpoint) or KIND_GET[ROUTES[endpoint]]
        for actor in ACTORS:
            client, _token = browsers[actor]
            with client.get(url) as response:
                assert_status(endpoint, actor, response, expected[actor])
                assert_no_leak(endpoint, actor, response, world)
                if actor != "visitor" and endpoint not in {"static", "learning.media"}:
                    assert response.headers.get("Cache-Control") == "private, no-store", endpoint
    assert len(pages) >= 17


def test_every_state_changing_route_answers_each_role_without_a_server_error(app, world, browsers):
    changing = sorted(routes(app, world, STATE_CHANGING), key=lambda route: route[0] in ENDS_SESSION)
    for endpoint, url, method in changing:
        kind = ROUTES[endpoint]
        for actor in ACTORS:
            client, token = browsers[actor]
            response = client.open(url, method=method, data={"csrf_token": token})
            where = f"{method} {endpoint} as {actor}"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            assert_no_leak(endpoint, actor, response, world)
            if actor == "visitor" and kind in SIGNED_IN_KINDS:
                assert_status(endpoint, actor, response, "login")
            if actor in {"owner", "other"} and kind in {Kind.AUTHOR, Kind.ADMIN}:
                assert response.status_code == 403, where
            if kind is Kind.WEBHOOK:
                assert response.status_code in {400, 404}, where  # unsigned: refused


def test_every_state_changing_route_rejects_a_request_without_a_csrf_token(app, world, browsers):
    client, _token = browsers["owner"]
    checked = []
    for endpoint, url, method in routes(app, world, STATE_CHANGING):
        if endpoint in CSRF_EXEMPT_ENDPOINTS:
            continue
        response = client.open(url, method=method, data={"email": world.users["owner"].email})
        assert response.status_code == 400, f"{method} {url} answered {response.status_code} without CSRF"
        assert "Your form expired" in response.get_data(as_text=True)
        checked.append(endpoint)
    assert "accounts.logout" in checked and "accounts.login" in checked
