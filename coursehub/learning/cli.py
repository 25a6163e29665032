"""``flask access grant|revoke``: entitlements by hand, for support and comps."""

import getpass

import click

from coursehub.accounts.services import find_user_by_email
from coursehub.content.models import Course
from coursehub.core.cli import CommandError, CommandGroup
from coursehub.core.extensions import db
from coursehub.learning.enrollment import EnrollmentError, grant_access, revoke_access

access_cli = CommandGroup("access", help="Grant or revoke access to a course.")


def _actor() -> str:
    """Who acts from the shell: the operating-system account, recorded with the grant or hold."""
    return f"shell:{getpass.getuser()}"


def _load(email: str, course_slug: str):
    user = find_user_by_email(email)
    if user is None:
        raise CommandError(f"no account uses {email}; check the address or run `flask users create`")
    course = db.session.query(Course).filter_by(slug=course_slug).one_or_none()
    if course is None:
        slugs = ", ".join(c.slug for c in db.session.query(Course).order_by(Course.position))
        raise CommandError(f"no course {course_slug!r}; the courses are: {slugs or 'none (import first)'}")
    return user, course


@access_cli.command("grant")
@click.argument("email")
@click.argument("course_slug", metavar="COURSE")
@click.option("--reason", required=True, help="Why (kept with the entitlement).")
def grant(email: str, course_slug: str, reason: str) -> None:
    """Give EMAIL access to COURSE (its slug); progress from an earlier grant comes back."""
    user, course = _load(email, course_slug)
    try:
        grant_access(user, course, reason, _actor())
    except EnrollmentError as error:
        raise CommandError(str(error)) from None
    db.session.commit()
    click.echo(f"{user.email} can now open {course.title}")


@access_cli.command("revoke")
@click.argument("email")
@click.argument("course_slug", metavar="COURSE")
@click.option("--reason", required=True, help="Why (kept with the entitlement).")
def revoke(email: str, course_slug: str, reason: str) -> None:
    """Shut COURSE for EMAIL until someone grants it again, whatever they paid; progress is kept."""
    user, course = _load(email, course_slug)
    try:
        held = revoke_access(user, course, reason, _actor())
    except EnrollmentError as error:
        raise CommandError(str(error)) from None
    db.session.commit()
    if held:
        click.echo(f"{user.email} can no longer open {course.title}; a grant lifts the hold")
    else:
        click.echo(f"{user.email}'s access to {course.title} was already on hold; nothing changed")
