"""Hypothesis sends odd forms, JSON, queries and URLs to every route of the inventory: never a 5xx, and
a refused request changes nothing in the database.

A fixed example budget (``EXAMPLES``, derandomized) keeps it to well under two minutes per backend.
"""

from __future__ import annotations

import contextlib
import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coursehub.core.extensions import db
from tests.helpers import AuthActions, csrf_token_from
from tests.inventory import build_world, url_for_rule

EXAMPLES = 400
# Routes that end the session the fuzzer is signed in with; their input is an id at most.
SKIPPED = {"static", "accounts.logout", "accounts.end_other_session", "accounts.end_other_sessions"}
FIELD_NAMES = (
    "email", "password", "confirm", "display_name", "current_password", "remember", "done", "position",
    "reported_at", "next", "q0", "q1", "q0-s1", "session_id", "t", "expires", "signature", "csrf_token",
)  # fmt: skip
ODD_TEXT = st.sampled_from(
    [
        "", " ", "\x00", "a\x00b", "\x1b[31m", "\r\nX-A: 1", "\u202eevil", "\u200b", "é", "👩\u200d⚕️",
        "\U0001d518\U0001d52b\U0001d526",
        "9" * 5000, "x" * 100_000, "-1", "0", "1e309", "NaN", "Infinity", "99999999999999999999", "[]",
        "{}", "null", "true", "ada@example.com", "../../etc/passwd", "<script>alert(1)</script>", "%00",
    ]
)  # fmt: skip
TEXT = st.one_of(ODD_TEXT, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True, allow_infinity=True)
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
JSON_OBJECTS = st.dictionaries(st.sampled_from(FIELD_NAMES) | TEXT, JSON_VALUES, max_size=5)
DEEP_JSON = st.integers(min_value=30, max_value=5000).map(lambda n: '{"position": ' + "[" * n + "]" * n + "}")
# tests/log_scan.py treats what is sent as a password as a secret and fails the run if a log holds it; the
# same odd strings are also path values, which the request log rightly records. Marking sent passwords
# keeps the two apart, so a path such as /modules/Infinity/... is not taken for a leaked password.
SECRET_FIELDS = {"password", "confirm", "current_password"}


def _mark_secrets(form: dict[str, str]) -> dict[str, str]:
    return {name: f"{value}#pw" if name in SECRET_FIELDS else value for name, value in form.items()}


FORMS = st.dictionaries(st.sampled_from(FIELD_NAMES), TEXT | NUMBERS.map(str), max_size=6).map(_mark_secrets)
CONTENT_TYPES = st.sampled_from(
    ["text/plain", "application/xml", "application/octet-stream", "", "multipart/mixed"]
)
BODIES = st.one_of(
    st.tuples(st.just("form"), FORMS),
    st.tuples(st.just("json"), JSON_OBJECTS | JSON_VALUES),
    st.tuples(st.just("raw-json"), DEEP_JSON | st.sampled_from(['{"a":', "[1, 2]", '"abcd"', "5", "\xff"])),
    st.tuples(CONTENT_TYPES, st.binary(max_size=200)),
)
PATH_VALUES = st.one_of(ODD_TEXT, st.integers(min_value=0, max_value=2**70).map(str))


@pytest.fixture
def app_settings():
    return {"RATELIMIT_ENABLED": False}


def fingerprint() -> str:
    """A digest of every row of every table: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def fuzz_target_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED]


@given(data=st.data())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
def test_no_request_is_a_server_error_and_a_refused_one_changes_nothing(app, fuzz_world, data):
    world, client, token = fuzz_world
    rule = data.draw(st.sampled_from(fuzz_target_rules(app)), label="route")
    url = url_for_rule(rule, world)
    if rule.arguments and data.draw(st.booleans(), label="odd path"):
        name = data.draw(st.sampled_from(sorted(rule.arguments)))
        odd = data.draw(PATH_VALUES, label="path value")
        with contextlib.suppress(ValueError):  # a converter refusing to build keeps the sample URL
            url = rule.build({**{arg: world.args[arg] for arg in rule.arguments}, name: odd})[1]
    query = data.draw(st.dictionaries(st.sampled_from(FIELD_NAMES), TEXT, max_size=3), label="query")
    method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})), label="method")
    kind, body = data.draw(BODIES, label="body")
    headers = {"X-CSRFToken": token} if data.draw(st.booleans(), label="csrf header") else {}
    arguments = {"query_string": query, "headers": headers}
    if kind == "form":
        arguments["data"] = {**body, "csrf_token": body.get("csrf_token", token)}
    elif kind == "json":
        arguments.update(data=json.dumps(body), content_type="application/json")
    elif kind == "raw-json":
        arguments.update(data=body, content_type="application/json")
    else:
        arguments.update(data=body, content_type=kind)
    with app.app_context():
        before = fingerprint()
    with client.open(url, method=method, **arguments) as response:
        status = response.status_code
    assert status < 500, f"{method} {url} {kind} {body!r:.300} -> {status}"
    if status >= 400:
        with app.app_context():
            assert fingerprint() == before, f"{method} {url} was refused ({status}) but changed the database"


@pytest.fixture
def fuzz_world(app):
    """The inventory's world, the fuzzer signed in as the paid course's owner, and its CSRF token."""
    world = build_world(app)
    client = app.test_client()
    owner = world.users["owner"]
    AuthActions(client).login(owner.email, owner.password)
    return world, client, csrf_token_from(client.get("/account/password").text)
