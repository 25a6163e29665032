"""Nobody but an admin gets a back-office page, chart or CSV; admins' pages are never cached."""

import pytest

from coursehub.accounts.models import Role
from tests.factories import make_user
from tests.helpers import AuthActions, page_text

PAGES = (
    "/admin/",
    "/admin/orders",
    "/admin/orders/1",
    "/admin/audit",
    "/admin/charts/net.svg",
    "/admin/orders.csv",
    "/admin/ledger.csv",
)


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_is_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin")


@pytest.mark.parametrize("role", [Role.LEARNER, Role.AUTHOR])
@pytest.mark.parametrize("path", PAGES)
def test_learners_and_authors_get_403_and_no_figures(app, client, role, path):
    user = make_user(app, role=role)
    AuthActions(client).login(user.email, user.password)
    response = client.get(path)
    assert response.status_code == 403
    body = page_text(response)
    assert "You don't have access to this page." in body
    assert "Net revenue" not in body and "order_id" not in body


def test_admin_pages_are_never_cached_and_charts_run_no_script(admin_client):
    for path in ("/admin/", "/admin/orders", "/admin/audit", "/admin/orders.csv"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
    chart = admin_client.get("/admin/charts/net.svg?period=7d")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert "script-src" not in chart.headers["Content-Security-Policy"]
    assert chart.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=forever", "Unknown period"),
        ("period=custom&from=2026-02-30&to=2026-03-01", "Give the from date as YYYY-MM-DD."),
        ("period=custom&from=2026-03-01", "Give the to date as YYYY-MM-DD."),
        ("period=custom&from=2026-03-02&to=2026-03-01", "The period's start is after its end."),
        ("period=custom&from=1026-03-01&to=9999-12-31", "between the years 2000 and 2999"),
        ("group=hour", "Group by day, week or month."),
    ],
)
def test_a_bad_period_is_a_400_with_a_message(admin_client, query, message):
    response = admin_client.get(f"/admin/?{query}")
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_refund_without_a_csrf_token_is_refused(admin_client):
    response = admin_client.post("/admin/orders/1/refund", data={"reason": "x", "nonce": "a" * 32})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
