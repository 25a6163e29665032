"""The calendar feed of practice days: one weekly, all-day event on the days the learner chose.

Read by calendar apps at a secret URL without a log-in (see ``profile.new_feed_token``). It says only
"Practice" and the routine's exercise names, nothing about pain.
"""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar, Event, vRecur

from coursehub.accounts.models import User
from coursehub.practice.models import PracticeProfile
from coursehub.practice.routines import planned_routine

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def practice_calendar(
    user: User, profile: PracticeProfile, today: date, school: str, practice_url: str
) -> bytes:
    """An iCalendar file; no event at all until the learner chooses practice days."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{school}//Practice days//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{school} practice days")
    days = [code for day, code in enumerate(ICAL_DAYS) if profile.has_day(day)]
    if days:
        first = next(
            today + timedelta(days=n) for n in range(7) if profile.has_day((today.weekday() + n) % 7)
        )
        exercises = [entry.step.exercise for entry in planned_routine(user)]
        event = Event()
        event.add("uid", f"practice-days-{profile.id}@{school.lower()}")
        event.add("dtstamp", profile.updated_at)
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(days=1))
        event.add("rrule", vRecur(freq="WEEKLY", byday=days))
        event.add("summary", "Practice your routine")
        event.add("description", _description(exercises, practice_url))
        event.add("url", practice_url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def _description(exercises: list[str], practice_url: str) -> str:
    routine = "\n".join(f"- {name}" for name in exercises) or "Your routine is empty: add exercises first."
    return f"{routine}\n\nStart practice: {practice_url}"
