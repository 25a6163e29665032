"""What ``make bench`` measures: one line per endpoint. ``results.json`` keys are the first field.

Pages are driven under load and divided by the floor. Reports are timed one request at a time against
the raw SQL aggregate that answers the same question; exports are streamed once and compared with
PostgreSQL's ``COPY ... TO STDOUT``. A report or export whose path answers 404 is recorded as
"not built yet", so the line can be written before the page lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from bench.driver import Request


@dataclass(frozen=True)
class Watcher:
    """A signed-in learner watching one lesson: their cookie, the token the page gave its script, and the
    lesson's progress endpoint."""

    cookie: dict[str, str]
    csrf_token: str
    progress_path: str


@dataclass(frozen=True)
class Setup:
    """What the requests need, found once per run: logged-in cookies, real paths, signed bodies."""

    learner: dict[str, str]
    admin: dict[str, str]
    lesson_path: str
    course_path: str
    watchers: list[Watcher]
    webhook_body: str
    webhook_signature: Callable[[], str]

    def heartbeats(self) -> list[Request]:
        """Reports as the lesson page's script sends them: each watcher on the lesson they are watching,
        so, as in a school, a learner's reports keep naming the same lesson (which the enrollment records
        once, not on every report), while the load is spread over many learners' progress rows."""
        return [
            Request(
                "POST",
                watcher.progress_path,
                {**watcher.cookie, "Content-Type": "application/x-www-form-urlencoded"},
                urlencode(
                    {"csrf_token": watcher.csrf_token, "position": "12.00", "reported_at": "1767225600000"}
                ),
            )
            for watcher in self.watchers
        ]

    def webhook(self) -> list[Request]:
        """The same signed event, already processed, delivered again (signed when the run starts)."""
        headers = {"Content-Type": "application/json", "Stripe-Signature": self.webhook_signature()}
        return [Request("POST", "/stripe/webhook", headers, self.webhook_body)]


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    target_ratio: float
    requests: Callable[[Setup], list[Request]]
    max_statements: int | None = None
    mixed: bool = True  # part of the 20,000 mixed requests of the memory check


PAGES = (
    Page("lesson_page", "lesson page, learner with access", 0.5,
         lambda s: [Request("GET", s.lesson_path, s.learner)], max_statements=4),
    Page("course_page", "course page, learner", 0.4, lambda s: [Request("GET", s.course_path, s.learner)]),
    Page("dashboard", "dashboard", 0.4, lambda s: [Request("GET", "/dashboard", s.learner)]),
    Page("catalog_home", "catalog home, visitor", 0.8, lambda s: [Request("GET", "/")]),
    Page("heartbeat", "progress heartbeat", 0.6, Setup.heartbeats),
    Page("webhook_duplicate", "duplicate webhook delivery", 0.5, Setup.webhook, mixed=False),
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    path: str
    max_ratio_to_sql: float = 2.0


def _days(first: date, last: date) -> str:
    return urlencode({"period": "custom", "from": first.isoformat(), "to": last.isoformat()})


TODAY = date.today()
# The same question as the raw SQL baseline: the last 365 days, by month.
LAST_YEAR = _days(TODAY - timedelta(days=364), TODAY) + "&group=month"
# Every ledger line the seed wrote (its history spans two years).
ALL_TIME = _days(TODAY - timedelta(days=3 * 365), TODAY)

REPORTS = (Report("admin_sales_year", "admin sales dashboard, a year of all orders", f"/admin/?{LAST_YEAR}"),)


@dataclass(frozen=True)
class Export:
    key: str
    title: str
    path: str
    min_ratio_to_copy: float = 0.25
    max_worker_mb: float = 150.0


EXPORTS = (Export("ledger_csv", "CSV export of all ledger rows", f"/admin/ledger.csv?{ALL_TIME}"),)
