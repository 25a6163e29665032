from sqlalchemy import text

from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import page_text


def test_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Relieve lower back pain yourself" in page_text(response)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(app, database_url, smtp_controller):
    from coursehub import create_app
    from tests.helpers import settings_for

    broken = create_app(settings_for("sqlite:////nonexistent-dir/none.db", smtp_controller))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"


def test_unknown_page_gets_the_site_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    body = page_text(response)
    assert "We couldn't find that page" in body and 'id="main"' in body


def test_json_clients_get_the_json_error_shape(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert set(response.get_json()) == {"error"} and set(error) == {"code", "message"}
    assert error["code"] == "not_found" and "couldn't find" in error["message"]


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_too_large_body_is_413(client):
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in page_text(response)


def test_server_error_page_rolls_back_and_still_renders(app, client, auth):
    """After a failed statement the handler rolls back, so the error page can still load the user."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        db.session.execute(text("SELECT * FROM no_such_table"))

    user = make_user(app, display_name="Ada Lovelace")
    auth.login(user.email, user.password)

    response = client.get("/boom")
    assert response.status_code == 500
    body = page_text(response)
    assert "Something went wrong on our side" in body
    assert "Ada Lovelace" in body


def test_security_headers_are_on_every_page(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # only in production, behind TLS
