"""``make load``: 100 learners and 50 buyers against gunicorn, on SQLite and then PostgreSQL.

For each backend: a fresh database with the shipped courses, the Stripe stand-in (loopback only) sending
signed webhooks, gunicorn serving ``wsgi:app`` on 127.0.0.1, and locust (headless, bounded by its users,
its run-time limit and a timeout on every request) playing the users of ``load/locustfile.py``. The 150
users arrive five a second (a class logging in, not 150 argon2 hashes in one instant), and the run goes
on for 60 s after the last one has logged in. Then it reads the database, the app's own JSON request
lines, the stand-in's deliveries and locust's results, and prints the invariants.

PostgreSQL: ``LOAD_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/coursehub_load``);
that database is dropped and created. Exit status 1 when any invariant fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from coursehub import create_app
from coursehub.accounts.models import User
from coursehub.accounts.passwords import hash_password
from coursehub.billing.models import LEDGER_SIGN, LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.billing.products import sync_products
from coursehub.content.bundles import load_bundles
from coursehub.content.files import load_catalog
from coursehub.content.importer import import_catalog
from coursehub.content.models import Access, Course, Lesson
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR, PROJECT_ROOT
from coursehub.learning.models import Entitlement, EntitlementSource, EntitlementStatus, LessonProgress
from coursehub.stripe_fake import FakeStripe

LEARNERS, BUYERS = 100, 50
SPAWN_RATE = 5  # users a second: 150 log-ins over 30 s, not 150 argon2 hashes in the same instant
WATCH_SECONDS = 60  # the run goes on this long after the last user has logged in
RUN_LIMIT_SECONDS = 150  # locust's --run-time, the hard limit: log-ins may take three times their 30 s
STOP_SECONDS = 30  # at the end, a request in flight has this long to be answered (its timeout)
# Longer than any pause between a learner's requests, as nginx's 75 s would be: gunicorn's default of 2 s
# closes an idle connection just as locust reuses it ("connection reset"), which a browser retries
# silently and locust counts as a failed request.
KEEP_ALIVE_SECONDS = 75
PASSWORD = "load-test-password-0"  # noqa: S105 - throwaway accounts in a throwaway database
STRIPE_KEY = "sk_test_coursehub_load"
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/coursehub_load"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(backend: str, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'load.db'}"
    url = sa.make_url(os.environ.get("LOAD_POSTGRES_URL", DEFAULT_PG))
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    server.dispose()
    return url.render_as_string(hide_password=False)


def prepare(url: str) -> dict:
    """Migrate, import the courses, create the accounts. :return: the plan the locust users follow."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "COURSEHUB_ENV": "demo"})
    with app.app_context():
        flask_migrate.upgrade()
        courses = load_catalog(COURSES_DIR)
        import_catalog(courses, publish=True)
        sync_products(courses, load_bundles(COURSES_DIR, courses))
        emails = {
            kind: [f"{kind}{n}@load.example.com" for n in range(count)]
            for kind, count in (("learner", LEARNERS), ("buyer", BUYERS))
        }
        password_hash = hash_password(PASSWORD)
        db.session.add_all(
            User(
                email=email,
                display_name=email.split("@")[0],
                password_hash=password_hash,
                email_verified_at=utcnow(),
            )
            for email in emails["learner"] + emails["buyer"]
        )
        free = db.session.scalars(sa.select(Course).where(Course.access == Access.FREE)).first()
        lessons = db.session.scalars(
            sa.select(Lesson)
            .where(Lesson.course_id == free.id, Lesson.duration_seconds > 60)
            .order_by(Lesson.position)
        ).all()
        plan = {
            "password": PASSWORD,
            "learners": LEARNERS,
            "buyers": BUYERS,
            "learner_emails": emails["learner"],
            "buyer_emails": emails["buyer"],
            "lessons": [
                {
                    "id": lesson.id,
                    "url": f"/courses/{free.slug}/lessons/{lesson.slug}",
                    "duration": lesson.duration_seconds,
                }
                for lesson in lessons
            ],
            "paid_courses": list(
                db.session.scalars(sa.select(Course.slug).where(Course.access == Access.PAID))
            ),
        }
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return plan


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app did not answer at {url}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def app_environment(url: str, fake: FakeStripe, workdir: Path) -> dict:
    """gunicorn's and locust's environment: the demo settings, this database, this stand-in, the plan."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COURSEHUB_", "STRIPE_", "SMTP_"))},
        "COURSEHUB_ENV": "demo",
        "DATABASE_URL": url,
        "STRIPE_SECRET_KEY": STRIPE_KEY,
        "STRIPE_API_BASE": fake.base_url,
        "STRIPE_WEBHOOK_SECRET": fake.webhook_secret,
        "COURSEHUB_MAIL_SEND_AFTER_COMMIT": "false",  # receipts wait in the outbox: no mail server here
        "LOAD_PLAN": str(workdir / "plan.json"),
        "LOAD_RESULTS": str(workdir / "results.json"),
    }


def gunicorn_command(port: int) -> list[str]:
    return [
        *(str(BIN / "gunicorn"), "--workers", "3", "--threads", "4", "--bind", f"127.0.0.1:{port}"),
        *("--keep-alive", str(KEEP_ALIVE_SECONDS), "--no-control-socket"),  # no shared socket in $HOME
        "wsgi:app",
    ]


def locust_command(port: int) -> list[str]:
    return [
        *(str(BIN / "locust"), "-f", str(PROJECT_ROOT / "load" / "locustfile.py"), "--headless"),
        *("--host", f"http://127.0.0.1:{port}", "--only-summary"),
        *("--users", str(LEARNERS + BUYERS), "--spawn-rate", str(SPAWN_RATE)),
        *("--run-time", f"{RUN_LIMIT_SECONDS}s", "--stop-timeout", str(STOP_SECONDS)),
    ]


def drive(url: str, plan: dict, workdir: Path) -> dict | None:
    """Serve the app and play the users against it; stops every process it starts.

    :return: locust's results and the stand-in's deliveries (None when locust wrote nothing).
    """
    port = free_port()
    fake = FakeStripe(STRIPE_KEY, webhook_url=f"http://127.0.0.1:{port}/stripe/webhook", production=False)
    fake.start()
    try:
        stand_in = {"stripe_base": fake.base_url, "stripe_key": STRIPE_KEY}
        (workdir / "plan.json").write_text(json.dumps({**plan, **stand_in, "watch_seconds": WATCH_SECONDS}))
        env = app_environment(url, fake, workdir)
        with (workdir / "app.log").open("w") as app_log, (workdir / "locust.log").open("w") as locust_log:
            server = subprocess.Popen(  # noqa: S603 - our own gunicorn from the venv, on loopback
                gunicorn_command(port), cwd=PROJECT_ROOT, env=env, stdout=app_log, stderr=subprocess.STDOUT
            )
            try:
                wait_for(f"http://127.0.0.1:{port}/healthz")
                with contextlib.suppress(subprocess.TimeoutExpired):  # run() kills it; it writes no results
                    subprocess.run(  # noqa: S603 - locust from the venv, bounded by users, time, timeouts
                        locust_command(port),
                        env=env,
                        stdout=locust_log,
                        stderr=subprocess.STDOUT,
                        check=False,
                        timeout=RUN_LIMIT_SECONDS + STOP_SECONDS + 60,
                    )
                fake.wait_for_deliveries(timeout=60)
            finally:
                stop(server)
        webhooks = webhook_deliveries(fake)
    finally:
        fake.stop()
    results = workdir / "results.json"
    return {**json.loads(results.read_text()), "webhooks": webhooks} if results.exists() else None


def webhook_deliveries(fake: FakeStripe) -> dict:
    """What the stand-in sent: its events, every delivery attempt, and the events never answered 2xx.

    An attempt with no status timed out (the stand-in waits 5 s) or found no server; it is tried again.
    """
    with fake.store.lock:
        records = list(fake.store.events)
        statuses = [attempt["status"] for record in records for attempt in record.attempts]
        undelivered = sum(not record.delivered for record in records)
    return {
        "events": len(records),
        "attempts": len(statuses),
        "unanswered": statuses.count(None),
        "refused": sum(status is not None and not 200 <= status < 300 for status in statuses),
        "undelivered": undelivered,
    }


def read_app_log(log_path: Path) -> dict:
    """Requests and 5xx from the app's own request lines; errors it logged; gunicorn's complaints."""
    requests_seen, server_errors, errors_logged = 0, Counter(), 0
    for line in log_path.read_text().splitlines():
        if "[CRITICAL]" in line or "[ERROR]" in line:  # gunicorn: a worker timed out or died
            errors_logged += 1
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        errors_logged += entry.get("level") in ("error", "critical")
        if entry.get("message") == "request":
            requests_seen += 1
            if entry["status"] >= 500:
                server_errors[f"{entry['status']} {entry['method']} {entry['path']}"] += 1
    return {"requests": requests_seen, "5xx": server_errors, "errors logged": errors_logged}


def lost_heartbeats(connection, heartbeats: dict) -> int:
    """Learner-and-lesson pairs whose stored position is not the last heartbeat the app acknowledged.

    A heartbeat sent after that one without a 200 (refused, timed out, or cut off in flight when the run
    stopped) may or may not have been stored, so its position counts as kept too; refusals and timeouts
    are in locust's count of failed requests.
    """
    stored = {
        f"{email}|{lesson_id}": position
        for email, lesson_id, position in connection.execute(
            sa.select(User.email, LessonProgress.lesson_id, LessonProgress.position_seconds).join(
                User, User.id == LessonProgress.user_id
            )
        )
    }
    return sum(
        1
        for key, sent in heartbeats.items()
        if stored.get(key) not in [sent["acknowledged"], *sent["unconfirmed"]]
    )


def read_database(url: str, heartbeats: dict) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        purchase_rows = (
            sa.select(Entitlement.user_id, Entitlement.course_id, sa.func.count().label("rows"))
            .where(
                Entitlement.status == EntitlementStatus.ACTIVE,
                Entitlement.source.in_([EntitlementSource.PURCHASE, EntitlementSource.BUNDLE]),
            )
            .group_by(Entitlement.user_id, Entitlement.course_id)
            .subquery()
        )
        opened, double_grants = connection.execute(
            sa.select(sa.func.count(), sa.func.count().filter(purchase_rows.c.rows > 1))
        ).one()
        charged_twice = connection.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(LedgerEntry.order_id)
                .where(LedgerEntry.kind == LedgerKind.CHARGE)
                .group_by(LedgerEntry.order_id)
                .having(sa.func.count() > 1)
                .subquery()
            )
        )
        paid_twice = connection.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Order.user_id)
                .where(Order.status == OrderStatus.PAID)
                .group_by(Order.user_id)
                .having(sa.func.count() > 1)
                .subquery()
            )
        )
        orders = dict(
            connection.execute(
                sa.select(Order.id, Order.amount_paid_cents - Order.refunded_cents).where(
                    Order.status == OrderStatus.PAID
                )
            ).all()
        )
        # What learners paid, net of refunds and disputes, per order as the ledger has it. Stripe's fees
        # are in the ledger too but not on the orders, so they are added up apart.
        ledger, fees = Counter(), 0
        for order_id, kind, amount in connection.execute(
            sa.select(LedgerEntry.order_id, LedgerEntry.kind, LedgerEntry.amount_cents)
        ):
            if LedgerKind(kind) is LedgerKind.FEE:
                fees += amount
            else:
                ledger[order_id] += LEDGER_SIGN[LedgerKind(kind)] * amount
        lost = lost_heartbeats(connection, heartbeats)
    engine.dispose()
    return {
        "lost heartbeats": lost,
        "paid orders": len(orders),
        "courses opened": opened,
        "double grants": double_grants,
        "double charges": charged_twice + paid_twice,
        "ledger sum": sum(ledger.values()),
        "orders sum": sum(orders.values()),
        "orders off the ledger": sum(ledger[order_id] != net for order_id, net in orders.items())
        + sum(order_id not in orders for order_id in ledger),
        "fees in ledger": fees,
    }


def report(backend: str, workdir: Path, app: dict, results: dict, database: dict) -> bool:
    failed = sum(failures for _requests, failures in results["endpoints"].values())
    webhooks = results["webhooks"]
    seen_paid = sum(outcome == "paid" for outcome in results["purchases"].values())
    seconds = results["seconds"]
    watched = seconds["stopping"] - seconds["last arrival"] if "last arrival" in seconds else 0
    lines = {
        "timeline": f"{results['arrived']} of {LEARNERS + BUYERS} users logged in by "
        f"{seconds.get('last arrival')} s; stopping at {seconds['stopping']} s: {watched} s with everyone in",
        "requests (app log)": app["requests"],
        "requests (locust)": sum(requests for requests, _failures in results["endpoints"].values()),
        "5xx": sum(app["5xx"].values()),
        "failed requests": failed,
        "could not log in": len(results["not_logged_in"]),
        "errors logged": app["errors logged"],
        "heartbeats checked": f"{len(results['heartbeats'])} (learner and lesson pairs)",
        "lost heartbeats": database["lost heartbeats"],
        "paid orders": f"{database['paid orders']} of {BUYERS}",
        "buyers shown course": f"{seen_paid} of {BUYERS} (the success page says it is theirs)",
        "webhooks": f"{webhooks['events']} events, {webhooks['attempts']} deliveries ("
        f"{webhooks['unanswered']} timed out and retried, {webhooks['refused']} refused), "
        f"{webhooks['undelivered']} never delivered",
        "courses opened": database["courses opened"],
        "double grants": database["double grants"],
        "double charges": database["double charges"],
        "ledger sum": f"{database['ledger sum']} (charges - refunds - disputes)",
        "orders sum": f"{database['orders sum']} (paid - refunded)",
        "orders off ledger": f"{database['orders off the ledger']} (an order's ledger is not its net paid)",
        "fees in ledger": database["fees in ledger"],
    }
    print(f"\n== {backend} ==")
    for name, value in lines.items():
        print(f"{name:>20}: {value}")
    print(f"{'':>20}  requests / failed, by endpoint (locust):")
    for endpoint, (requests, failures) in sorted(results["endpoints"].items()):
        print(f"{'':>22}{endpoint:<34} {requests:>6} / {failures}")
    for endpoint, error, occurrences in results["errors"]:
        print(f"{'':>20}  failed: {endpoint}: {error} (x{occurrences})")
    for request, count in app["5xx"].most_common(10):
        print(f"{'':>20}  5xx: {request} (x{count})")
    for email, outcome in sorted(results["purchases"].items()):
        if outcome != "paid":
            print(f"{'':>20}  purchase by {email}: {outcome}")
    ok = (
        not app["5xx"]
        and failed == 0
        and watched >= WATCH_SECONDS
        and not results["not_logged_in"]
        and app["errors logged"] == 0
        and database["lost heartbeats"] == 0
        and database["paid orders"] == BUYERS
        and seen_paid == BUYERS
        and webhooks["undelivered"] == 0
        and database["courses opened"] == BUYERS
        and database["double grants"] == 0
        and database["double charges"] == 0
        and database["ledger sum"] == database["orders sum"]
        and database["orders off the ledger"] == 0
    )
    print(f"{'':>20}  {'PASS' if ok else 'FAIL'} (logs: {workdir}/app.log, locust.log)")
    return ok


def run(backend: str) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"coursehub-load-{backend}-"))
    url = fresh_database(backend, workdir)
    plan = prepare(url)
    started = time.monotonic()
    results = drive(url, plan, workdir)
    if results is None:
        print(f"\n== {backend} ==\n  FAIL: locust did not finish or wrote no results ({workdir}/locust.log)")
        return False
    app = read_app_log(workdir / "app.log")
    ok = report(backend, workdir, app, results, read_database(url, results["heartbeats"]))
    print(f"{'':>20}  load and checks took {time.monotonic() - started:.0f} s")
    return ok


def main() -> None:
    backends = sys.argv[1:] or ["sqlite", "postgresql"]
    results = [run(backend) for backend in backends]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
