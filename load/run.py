"""``make load``: 100 learners and 50 buyers for 60 s against gunicorn, on SQLite and then PostgreSQL.

For each backend: a fresh database with the shipped courses, the Stripe stand-in (loopback only) sending
signed webhooks, gunicorn serving ``wsgi:app``, and locust (headless, bounded by --users and --run-time)
playing the users from ``load/locustfile.py``. Then it reads the database and prints the invariants:
requests and 5xx (from the app's own JSON request lines), lost heartbeats (stored position differs from
the last one the app acknowledged), double grants, and the ledger's sum against the orders'.

PostgreSQL: ``LOAD_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/coursehub_load``);
the database is dropped and created. Exit status 1 when any invariant fails.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
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
from coursehub.learning.models import Entitlement, LessonProgress
from coursehub.stripe_fake import FakeStripe

LEARNERS, BUYERS, RUN_TIME = 100, 50, "60s"
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
    """Migrate, import the courses, create the accounts; :return: the plan the locust users follow."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "COURSEHUB_ENV": "demo"})
    with app.app_context():
        flask_migrate.upgrade()
        courses = load_catalog(COURSES_DIR)
        import_catalog(courses, publish=True)
        sync_products(courses, load_bundles(COURSES_DIR, courses))
        password_hash = hash_password(PASSWORD)
        emails = {
            kind: [f"{kind}{n}@load.example.com" for n in range(count)]
            for kind, count in (("learner", LEARNERS), ("buyer", BUYERS))
        }
        db.session.add_all(
            User(
                email=email,
                display_name=email.split("@")[0],
                password_hash=password_hash,
                email_verified_at=utcnow(),
            )
            for email in emails["learner"] + emails["buyer"]
        )
        free = db.session.scalars(
            select_free := sa.select(Course).where(Course.access == Access.FREE)
        ).first()
        del select_free
        lessons = db.session.scalars(
            sa.select(Lesson)
            .where(Lesson.course_id == free.id, Lesson.duration_seconds > 60)
            .order_by(Lesson.position)
        ).all()
        paid = db.session.scalars(sa.select(Course.slug).where(Course.access == Access.PAID)).all()
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
            "paid_courses": list(paid),
        }
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return plan


def wait_for(url: str, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app did not answer at {url}")


def check(url: str, acknowledged: dict, log_path: Path) -> dict:
    """Read the invariants back from the database and the app's own request log."""
    requests_seen = server_errors = locked = 0
    for line in log_path.read_text().splitlines():
        if "database is locked" in line:
            locked += 1
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("message") == "request":
            requests_seen += 1
            server_errors += entry["status"] >= 500
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = {
            f"{email}|{lesson_id}": position
            for email, lesson_id, position in connection.execute(
                sa.select(User.email, LessonProgress.lesson_id, LessonProgress.position_seconds).join(
                    User, User.id == LessonProgress.user_id
                )
            )
        }
        lost = sum(1 for key, position in acknowledged.items() if stored.get(key) != position)
        grants = connection.execute(
            sa.select(Entitlement.user_id, Entitlement.course_id, sa.func.count())
            .where(Entitlement.status == "active", Entitlement.source.in_(["purchase", "bundle"]))
            .group_by(Entitlement.user_id, Entitlement.course_id)
        ).all()
        double_charges = connection.execute(
            sa.select(LedgerEntry.order_id)
            .where(LedgerEntry.kind == LedgerKind.CHARGE)
            .group_by(LedgerEntry.order_id)
            .having(sa.func.count() > 1)
        ).all()
        paid_orders = connection.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(Order.amount_paid_cents - Order.refunded_cents), 0),
            ).where(Order.status == OrderStatus.PAID)
        ).one()
        ledger = sum(
            LEDGER_SIGN[LedgerKind(kind)] * amount
            for kind, amount in connection.execute(sa.select(LedgerEntry.kind, LedgerEntry.amount_cents))
        )
        orders_per_buyer = connection.execute(
            sa.select(Order.user_id)
            .where(Order.status == OrderStatus.PAID)
            .group_by(Order.user_id)
            .having(sa.func.count() > 1)
        ).all()
    engine.dispose()
    return {
        "requests": requests_seen,
        "5xx": server_errors,
        "database is locked": locked,
        "heartbeats checked": len(acknowledged),
        "lost heartbeats": lost,
        "paid orders": paid_orders[0],
        "double grants": sum(1 for *_key, count in grants if count > 1)
        + len(double_charges)
        + len(orders_per_buyer),
        "ledger sum": ledger,
        "orders sum": paid_orders[1],
    }


def run(backend: str) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"coursehub-load-{backend}-"))
    url = fresh_database(backend, workdir)
    plan = prepare(url)
    port = free_port()
    fake = FakeStripe(STRIPE_KEY, webhook_url=f"http://127.0.0.1:{port}/stripe/webhook", production=False)
    fake.start()
    plan.update(stripe_base=fake.base_url, stripe_key=STRIPE_KEY)
    (workdir / "plan.json").write_text(json.dumps(plan))
    env = {
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
    log_path = workdir / "app.log"
    with log_path.open("w") as app_log:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn from the venv
            [
                str(BIN / "gunicorn"),
                "--workers",
                "3",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=app_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            subprocess.run(  # noqa: S603 - locust from the venv, bounded by users and run time
                [
                    str(BIN / "locust"),
                    "-f",
                    str(PROJECT_ROOT / "load" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(LEARNERS + BUYERS),
                    "--spawn-rate",
                    "50",
                    "--run-time",
                    RUN_TIME,
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--only-summary",
                    "--stop-timeout",
                    "10",
                ],
                env=env,
                check=False,
                timeout=180,
            )
            fake.wait_for_deliveries(timeout=60)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            fake.stop()
    results = json.loads((workdir / "results.json").read_text())
    report = check(url, results["acknowledged"], log_path)
    print(f"\n== {backend} ==")
    for name, value in report.items():
        print(f"{name:>22}: {value}")
    if report["database is locked"]:
        print(
            "  'database is locked' under concurrent writers: SQLite needs WAL and a busy timeout "
            "(issue 17, part one)"
        )
    ok = (
        report["5xx"] == 0
        and report["lost heartbeats"] == 0
        and report["double grants"] == 0
        and report["ledger sum"] == report["orders sum"]
        and report["paid orders"] == BUYERS
    )
    print(f"{'':>22}  {'PASS' if ok else 'FAIL'} (app log: {log_path})")
    return ok


def main() -> None:
    backends = sys.argv[1:] or ["sqlite", "postgresql"]
    results = [run(backend) for backend in backends]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
