"""Reporting periods in the school's time zone, turned into UTC bounds for SQL, with the period before.

A period is whole local days ``[first_day, last_day]``; its bounds are the local midnights converted to
UTC, so an order at 23:30 in Berlin counts on the Berlin day even though it is the next day in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PRESETS = {
    "today": "Today",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "month": "This month",
    "year": "This year",
    "custom": "From - to",
}
GROUPINGS = ("day", "week", "month")
MAX_DAYS = 3700  # about ten years: enough for any report, small enough to bound the work
MAX_BUCKETS = 400


class PeriodError(ValueError):
    """The period asked for is not one; the message says what to fix."""


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date  # inclusive
    zone: ZoneInfo
    label: str

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day, self.zone)

    @property
    def end(self) -> datetime:
        """Exclusive: the midnight after the last day."""
        return local_midnight(self.last_day + timedelta(days=1), self.zone)

    def previous(self) -> Period:
        """As many days, just before (for "this month" to date: the same number of days before it)."""
        last = self.first_day - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last, self.zone, "Previous period")

    def buckets(self, grouping: str) -> list[tuple[str, datetime, datetime]]:
        """(label, UTC start, UTC end) for each day, week (from Monday) or month the period touches."""
        found = []
        day = self.first_day
        while day <= self.last_day and len(found) < MAX_BUCKETS:
            if grouping == "day":
                following = day + timedelta(days=1)
                label = day.isoformat()
            elif grouping == "week":
                following = day - timedelta(days=day.weekday()) + timedelta(days=7)
                label = f"week of {day.isoformat()}"
            else:
                following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
                label = day.strftime("%Y-%m")
            following = min(following, self.last_day + timedelta(days=1))
            found.append((label, local_midnight(day, self.zone), local_midnight(following, self.zone)))
            day = following
        return found

    def default_grouping(self) -> str:
        return "day" if self.days <= 31 else "week" if self.days <= 180 else "month"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def parse_period(args, zone: ZoneInfo, now: datetime | None = None) -> Period:
    """The period named by the query string (``period``, and ``from``/``to`` for a custom one).

    :raise PeriodError: for an unknown preset or bad dates.
    """
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    preset = args.get("period", "30d")
    if preset not in PRESETS:
        raise PeriodError(f"Unknown period {preset[:20]!r}; choose one of {', '.join(PRESETS)}.")
    label = PRESETS[preset]
    if preset == "today":
        return Period(today, today, zone, label)
    if preset in {"7d", "30d", "90d"}:
        return Period(today - timedelta(days=int(preset[:-1]) - 1), today, zone, label)
    if preset == "month":
        return Period(today.replace(day=1), today, zone, label)
    if preset == "year":
        return Period(today.replace(month=1, day=1), today, zone, label)
    first, last = _date(args.get("from"), "from"), _date(args.get("to"), "to")
    if first.year < 2000 or last.year > 2999:
        raise PeriodError("Choose dates between the years 2000 and 2999.")
    if first > last:
        raise PeriodError("The period's start is after its end.")
    if (last - first).days >= MAX_DAYS:
        raise PeriodError("Choose a period of at most ten years.")
    return Period(first, last, zone, f"{first.isoformat()} to {last.isoformat()}")


def _date(raw: str | None, name: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise PeriodError(f"Give the {name} date as YYYY-MM-DD.") from None


def parse_grouping(args, period: Period) -> str:
    grouping = args.get("group") or period.default_grouping()
    if grouping not in GROUPINGS:
        raise PeriodError("Group by day, week or month.")
    return grouping
