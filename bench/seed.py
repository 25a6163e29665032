"""A school at the scale the issue names: the real courses, 20,000 learners, 1,000,000 lesson-progress
rows, 200,000 orders with their ledger lines, quiz attempts in proportion.

The courses come in through the real ``flask courses import --publish``; everything else is written in
bulk (PostgreSQL ``COPY`` through psycopg, SQLite ``executemany`` in one transaction per table), because
building 1.4 million rows through the ORM would take longer than the whole benchmark may.

The histories are random but reproducible (one seed) and shaped like a shop's: most orders paid, about
5% refunded in full (access revoked), 1% disputed (open, lost or won), the rest expired, pending or
failed; a learner's progress is a prefix of each course they may open, every lesson before the last one
finished. One learner (``BENCH_LEARNER``) owns everything and is half-way through each course: the pages
are measured as that learner. Quiz answers are not seeded: no measured page reads them.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

import coursehub.models  # noqa: F401 - every table on the metadata
from coursehub.accounts.passwords import hash_password
from coursehub.core.extensions import db

BENCH_LEARNER = ("learner1@example.com", "bench-learner-password")
BENCH_ADMIN = ("admin@example.com", "bench-admin-password")
DUPLICATE_EVENT_ID = "evt_bench_duplicate"
RANDOM_SEED = 18
PAID, REFUNDED, DISPUTED = 0.90, 0.05, 0.01  # shares of all orders (refunded and disputed ones were paid)


@dataclass(frozen=True)
class Scale:
    learners: int = 20_000
    progress_rows: int = 1_000_000
    orders: int = 200_000

    def times(self, fraction: float) -> Scale:
        return replace(
            self,
            learners=round(self.learners * fraction),
            progress_rows=round(self.progress_rows * fraction),
            orders=round(self.orders * fraction),
        )


@dataclass
class CourseInfo:
    id: int
    slug: str
    is_free: bool
    lessons: list[tuple[int, int, int]]  # (lesson id, module id, duration) in syllabus order
    quizzes: dict[int, tuple[int, list[int]]]  # module id -> (quiz id, question ids)


@dataclass
class ProductInfo:
    id: int
    kind: str
    price_cents: int
    course_ids: list[int]


@dataclass
class Catalog:
    courses: list[CourseInfo]
    products: list[ProductInfo]

    def course(self, course_id: int) -> CourseInfo:
        return next(course for course in self.courses if course.id == course_id)


@dataclass
class LearnerPlan:
    user_id: int
    orders: list[tuple] = field(default_factory=list)  # rows of the orders table
    entitlements: dict[tuple[int, str], tuple[str, int | None]] = field(default_factory=dict)
    lessons_done: dict[int, int] = field(default_factory=dict)  # course id -> how many lessons in


def import_courses(flask_command: list[str], env: dict[str, str]) -> None:
    """Migrate, then load the shipped courses the way an author does."""
    for args in (["db", "upgrade"], ["courses", "import", "--publish"]):
        subprocess.run([*flask_command, *args], env=env, check=True, capture_output=True, text=True)


def read_catalog(engine: sa.Engine) -> Catalog:
    t = db.metadata.tables
    with engine.connect() as conn:
        courses = [
            CourseInfo(row.id, row.slug, row.access == "free", [], {})
            for row in conn.execute(sa.select(t["courses"]).order_by(t["courses"].c.position))
        ]
        by_id = {course.id: course for course in courses}
        lessons = conn.execute(
            sa.select(t["lessons"].c.id, t["lessons"].c.course_id, t["lessons"].c.module_id)
            .add_columns(t["lessons"].c.duration_seconds)
            .join(t["modules"], t["modules"].c.id == t["lessons"].c.module_id)
            .where(t["lessons"].c.archived_at.is_(None))
            .order_by(t["modules"].c.position, t["lessons"].c.position)
        )
        for lesson_id, course_id, module_id, duration in lessons:
            by_id[course_id].lessons.append((lesson_id, module_id, duration))
        questions: dict[int, list[int]] = {}
        for question_id, quiz_id in conn.execute(
            sa.select(t["quiz_questions"].c.id, t["quiz_questions"].c.quiz_id)
        ):
            questions.setdefault(quiz_id, []).append(question_id)
        quizzes = conn.execute(
            sa.select(t["quizzes"].c.id, t["quizzes"].c.module_id, t["modules"].c.course_id).join(
                t["modules"], t["modules"].c.id == t["quizzes"].c.module_id
            )
        )
        for quiz_id, module_id, course_id in quizzes:
            by_id[course_id].quizzes[module_id] = (quiz_id, questions.get(quiz_id, []))
        links: dict[int, list[int]] = {}
        for product_id, course_id in conn.execute(sa.select(t["product_courses"])):
            links.setdefault(product_id, []).append(course_id)
        products = [
            ProductInfo(row.id, row.kind, row.price_cents, links.get(row.id, []))
            for row in conn.execute(sa.select(t["products"]).where(t["products"].c.archived_at.is_(None)))
        ]
    return Catalog(courses, products)


# ---- the histories ----------------------------------------------------------------------------------

NOW = datetime.now(UTC).replace(microsecond=0)
TWO_YEARS = 730 * 24 * 3600


def _when(rng: random.Random) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(TWO_YEARS))


def _order(order_id: int, user_id: int, product: ProductInfo, rng: random.Random, fate: float | None = None):
    """A row of ``orders`` (columns as in ORDER_COLUMNS); ``fate`` (0..1, random unless given) decides
    whether it was paid, refunded, disputed, or never paid."""
    created = _when(rng)
    roll = rng.random() if fate is None else fate
    paid = roll < PAID
    status = "paid" if paid else ("expired" if roll < 0.95 else "pending" if roll < 0.98 else "failed")
    amount = product.price_cents * 8 // 10 if paid and rng.random() < 0.1 else product.price_cents
    access, refunded, dispute = ("active" if paid else "none"), 0, None
    if paid and roll < REFUNDED:
        access, refunded = "revoked", amount
    elif paid and roll < REFUNDED + DISPUTED:
        dispute = rng.choice(["needs_response", "lost", "won"])
        access = {"needs_response": "suspended", "lost": "revoked", "won": "active"}[dispute]
    ids = (
        f"cs_bench_{order_id}",
        f"pi_bench_{order_id}" if paid else None,
        f"ch_bench_{order_id}" if paid else None,
    )
    return (
        order_id, user_id, product.id, status, access, product.price_cents, "usd", amount if paid else None,
        refunded, *ids, None, dispute, "", created, created + timedelta(minutes=2) if paid else None, created,
        0, 0,
    )  # fmt: skip


ORDER_COLUMNS = (
    "id",
    "user_id",
    "product_id",
    "status",
    "access",
    "list_price_cents",
    "currency",
    "amount_paid_cents",
    "refunded_cents",
    "checkout_session_id",
    "payment_intent_id",
    "charge_id",
    "checkout_url",
    "dispute_status",
    "note",
    "created_at",
    "paid_at",
    "updated_at",
    "discount_cents",
    "tax_cents",
)


def plan_learners(catalog: Catalog, scale: Scale, rng: random.Random) -> list[LearnerPlan]:
    plans = [LearnerPlan(user_id) for user_id in range(1, scale.learners + 1)]
    bundle = next(product for product in catalog.products if len(product.course_ids) > 1)
    pending: set[tuple[int, int]] = set()
    for order_id in range(1, scale.orders + 1):
        plan = plans[0] if order_id == 1 else plans[rng.randrange(scale.learners)]
        product = bundle if order_id == 1 else rng.choice(catalog.products)
        # The bench learner's own purchase is paid and stays paid.
        row = _order(order_id, plan.user_id, product, rng, fate=0.5 if order_id == 1 else None)
        if row[3] == "pending" and (plan.user_id, product.id) in pending:
            # One open checkout per learner and product (uq_orders_one_pending_checkout): older tries expire.
            row = (*row[:3], "expired", *row[4:])
        elif row[3] == "pending":
            pending.add((plan.user_id, product.id))
        plan.orders.append(row)
        source = "bundle" if product.kind == "bundle" else "purchase"
        status = {"active": "active", "suspended": "suspended", "revoked": "revoked"}.get(row[4])
        for course_id in product.course_ids if status else ():
            key = (course_id, source)
            if plan.entitlements.get(key, ("",))[0] != "active":
                plan.entitlements[key] = (status, order_id)
    free = [course for course in catalog.courses if course.is_free]
    for plan in plans:
        if plan.user_id == 1 or rng.random() < 0.9:
            for course in free:
                plan.entitlements[(course.id, "free")] = ("active", None)
    _plan_progress(plans, catalog, scale, rng)
    return plans


def _open_courses(plan: LearnerPlan) -> set[int]:
    return {course_id for (course_id, _), (status, _) in plan.entitlements.items() if status == "active"}


def _plan_progress(plans: list[LearnerPlan], catalog: Catalog, scale: Scale, rng: random.Random) -> None:
    """Spread ``scale.progress_rows`` over the learners' open courses as prefixes of random length."""
    weights = [
        (plan, course_id, len(catalog.course(course_id).lessons), rng.uniform(0.2, 1.0))
        for plan in plans[1:]
        for course_id in sorted(_open_courses(plan))
    ]
    target = scale.progress_rows - sum(len(catalog.course(c).lessons) // 2 for c in _open_courses(plans[0]))
    low, high = 0.0, 50.0
    for _ in range(40):  # the factor that makes the capped prefixes add up to the target
        middle = (low + high) / 2
        total = sum(min(size, round(size * weight * middle)) for _, _, size, weight in weights)
        low, high = (middle, high) if total < target else (low, middle)
    for course_id in _open_courses(plans[0]):
        plans[0].lessons_done[course_id] = len(catalog.course(course_id).lessons) // 2
    remaining = target
    for plan, course_id, size, weight in weights:
        count = min(size, round(size * weight * high), remaining)
        remaining -= count
        if count:
            plan.lessons_done[course_id] = count


# ---- rows per table ----------------------------------------------------------------------------------


def user_rows(scale: Scale) -> Iterator[tuple]:
    """Every learner shares one argon2 hash (hashing 20,000 passwords would take minutes)."""
    learner_hash, admin_hash = hash_password(BENCH_LEARNER[1]), hash_password(BENCH_ADMIN[1])
    for user_id in range(1, scale.learners + 1):
        joined = NOW - timedelta(days=800 - user_id % 700)
        yield (user_id, f"learner{user_id}@example.com", f"Learner {user_id}", "learner", learner_hash,
               joined, None, None, joined, joined)  # fmt: skip
    yield (
        scale.learners + 1,
        BENCH_ADMIN[0],
        "Bench Admin",
        "admin",
        admin_hash,
        NOW,
        None,
        None,
        NOW,
        NOW,
    )


USER_COLUMNS = (
    "id",
    "email",
    "display_name",
    "role",
    "password_hash",
    "email_verified_at",
    "pending_email",
    "last_login_at",
    "created_at",
    "updated_at",
)


def order_rows(plans: list[LearnerPlan]) -> Iterator[tuple]:
    for plan in plans:
        yield from plan.orders


def ledger_rows(plans: list[LearnerPlan]) -> Iterator[tuple]:
    entry_id = 0
    for plan in plans:
        for order in plan.orders:
            order_id, status, amount, dispute, paid_at = order[0], order[3], order[7], order[13], order[16]
            if status != "paid":
                continue
            lines = [("charge", f"ch_bench_{order_id}", paid_at)]
            if order[8]:
                lines.append(("refund", f"re_bench_{order_id}", paid_at + timedelta(days=3)))
            if dispute:
                lines.append(("dispute", f"dp_bench_{order_id}", paid_at + timedelta(days=20)))
            if dispute == "won":
                lines.append(("dispute_won", f"dw_bench_{order_id}", paid_at + timedelta(days=60)))
            for kind, ref, at in lines:
                entry_id += 1
                discount, tax = (order[18], order[19]) if kind == "charge" else (0, 0)
                yield (entry_id, order_id, order[2], kind, amount, "usd", ref, at, discount, tax)


def entitlement_rows(plans: list[LearnerPlan]) -> Iterator[tuple]:
    entitlement_id = 0
    for plan in plans:
        for (course_id, source), (status, order_id) in plan.entitlements.items():
            entitlement_id += 1
            yield (
                entitlement_id,
                plan.user_id,
                course_id,
                source,
                status,
                order_id,
                source,
                "bench",
                NOW,
                NOW,
            )


def progress_and_enrollment_rows(plans: list[LearnerPlan], catalog: Catalog) -> tuple[Iterator, Iterator]:
    def progress() -> Iterator[tuple]:
        row_id = 0
        for plan in plans:
            for course_id, count in plan.lessons_done.items():
                lessons = catalog.course(course_id).lessons[:count]
                started = NOW - timedelta(days=1 + plan.user_id % 300)
                for number, (lesson_id, _, duration) in enumerate(lessons):
                    row_id += 1
                    done = number < count - 1 or duration == 0
                    at = started + timedelta(hours=number)
                    seconds = float(duration if done else duration // 2)
                    yield (row_id, plan.user_id, lesson_id, seconds, seconds, int(at.timestamp() * 1000),
                           at if done else None, at)  # fmt: skip

    def enrollments() -> Iterator[tuple]:
        row_id = 0
        for plan in plans:
            for course_id in sorted(_open_courses(plan) | set(plan.lessons_done)):
                row_id += 1
                count = plan.lessons_done.get(course_id, 0)
                lessons = catalog.course(course_id).lessons
                started = NOW - timedelta(days=1 + plan.user_id % 300)
                last = lessons[count - 1][0] if count else None
                active = started + timedelta(hours=count) if count else None
                yield (row_id, plan.user_id, course_id, started, active, last)

    return progress(), enrollments()


def attempt_rows(plans: list[LearnerPlan], catalog: Catalog, rng: random.Random) -> Iterator[tuple]:
    """A quiz attempt (one, sometimes a failed one first) for each module whose lessons are all done."""
    attempt_id = 0
    for plan in plans:
        for course_id, count in plan.lessons_done.items():
            course = catalog.course(course_id)
            done_modules = {module_id for _, module_id, _ in course.lessons[: count - 1]}
            for module_id, (quiz_id, questions) in course.quizzes.items():
                if module_id not in done_modules:
                    continue
                draw = [{"question_id": question_id, "options": []} for question_id in questions[:5]]
                tries = 2 if rng.random() < 0.3 else 1
                for number in range(1, tries + 1):
                    attempt_id += 1
                    passed = number == tries
                    at = NOW - timedelta(days=1 + (plan.user_id + number) % 200)
                    yield (attempt_id, plan.user_id, quiz_id, number, draw, at, at + timedelta(minutes=4),
                           100.0 if passed else 40.0, passed)  # fmt: skip


def event_rows(plans: list[LearnerPlan]) -> Iterator[tuple]:
    yield (DUPLICATE_EVENT_ID, "checkout.session.completed", int(NOW.timestamp()), NOW)
    for plan in plans:
        for order in plan.orders:
            if order[3] == "paid":
                yield (
                    f"evt_bench_{order[0]}",
                    "checkout.session.completed",
                    int(order[16].timestamp()),
                    order[16],
                )


TABLES = {
    "users": USER_COLUMNS,
    "orders": ORDER_COLUMNS,
    "ledger_entries": (
        "id",
        "order_id",
        "product_id",
        "kind",
        "amount_cents",
        "currency",
        "stripe_ref",
        "created_at",
        "discount_cents",
        "tax_cents",
    ),
    "entitlements": (
        "id",
        "user_id",
        "course_id",
        "source",
        "status",
        "order_id",
        "reason",
        "actor",
        "created_at",
        "status_changed_at",
    ),
    "enrollments": (
        "id",
        "user_id",
        "course_id",
        "enrolled_at",
        "last_activity_at",
        "last_lesson_id",
    ),
    "lesson_progress": (
        "id",
        "user_id",
        "lesson_id",
        "position_seconds",
        "furthest_seconds",
        "reported_at_ms",
        "completed_at",
        "updated_at",
    ),
    "quiz_attempts": (
        "id",
        "user_id",
        "quiz_id",
        "number",
        "draw",
        "started_at",
        "submitted_at",
        "score_percent",
        "passed",
    ),
    "stripe_events": ("id", "type", "created", "processed_at"),
}


# ---- writing ----------------------------------------------------------------------------------------


def _write_postgresql(engine: sa.Engine, table: str, rows: Iterable[tuple]) -> int:
    columns = TABLES[table]
    count = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in row])
                count += 1
        if "id" in columns and table != "stripe_events":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        raw.commit()
    finally:
        raw.close()
    return count


def _sqlite_value(value):
    """What SQLAlchemy's SQLite types store: UTC datetimes as text, JSON as text, booleans as 0/1."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, list | dict):
        return json.dumps(value)
    return int(value) if isinstance(value, bool) else value


def _write_sqlite(engine: sa.Engine, table: str, rows: Iterable[tuple], batch: int = 50_000) -> int:
    """Straight through sqlite3 in one transaction: converting 1.4 million rows through SQLAlchemy's
    types costs minutes of CPU, and the conversions above are the ones those types make."""
    columns = TABLES[table]
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    count = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(tuple(_sqlite_value(value) for value in row))
            if len(chunk) == batch:
                cursor.executemany(statement, chunk)
                count, chunk = count + len(chunk), []
        cursor.executemany(statement, chunk)
        raw.commit()
    finally:
        raw.close()
    return count + len(chunk)


def seed(url: str, flask_command: list[str], env: dict[str, str], scale: Scale = Scale()) -> dict:
    """Import the courses, then write the histories. :return: rows per table and seconds taken."""
    started, cpu_started = time.perf_counter(), time.process_time()
    import_courses(flask_command, env)
    imported = time.perf_counter()
    engine = sa.create_engine(url)
    rng = random.Random(RANDOM_SEED)
    catalog = read_catalog(engine)
    plans = plan_learners(catalog, scale, rng)
    progress, enrollments = progress_and_enrollment_rows(plans, catalog)
    sources = {
        "users": user_rows(scale),
        "orders": order_rows(plans),
        "ledger_entries": ledger_rows(plans),
        "entitlements": entitlement_rows(plans),
        "enrollments": enrollments,
        "lesson_progress": progress,
        "quiz_attempts": attempt_rows(plans, catalog, rng),
        "stripe_events": event_rows(plans),
    }
    write = _write_postgresql if engine.dialect.name == "postgresql" else _write_sqlite
    counts = {table: write(engine, table, rows) for table, rows in sources.items()}
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        sizes = {
            table: round(conn.scalar(sa.text(f"SELECT pg_total_relation_size('{table}')")) / 1e6, 1)
            for table in TABLES
            if engine.dialect.name == "postgresql"
        }
    engine.dispose()
    return {
        "rows": counts,
        "megabytes_with_indexes": sizes,  # PostgreSQL only
        "import_seconds": round(imported - started, 1),
        "bulk_seconds": round(time.perf_counter() - imported, 1),
        # This process's CPU for the bulk part: on a busy shared machine, the wall clock says little.
        "bulk_cpu_seconds": round(time.process_time() - cpu_started, 1),
    }
