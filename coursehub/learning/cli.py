"""``flask access grant|revoke``: entitlements by hand, for support and comps."""

import click

from coursehub.accounts.services import find_user_by_email
from coursehub.content.models import Course
from coursehub.core.cli import CommandError, CommandGroup
from coursehub.core.extensions import db
from coursehub.learning.enrollment import EnrollmentError, grant_access, revoke_access

access_cli = CommandGroup("access", help="Grant or revoke access to a course.")


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
        grant_access(user, course, reason)
    except EnrollmentError as error:
        raise CommandError(str(error)) from None
    db.session.commit()
    click.echo(f"{user.email} can now open {course.title}")


@access_cli.command("revoke")
@click.argument("email")
@click.argument("course_slug", metavar="COURSE")
@click.option("--reason", required=True, help="Why (kept with the entitlement).")
def revoke(email: str, course_slug: str, reason: str) -> None:
    """End EMAIL's access to COURSE; their progress is kept."""
    user, course = _load(email, course_slug)
    try:
        ended = revoke_access(user, course, reason)
    except EnrollmentError as error:
        raise CommandError(str(error)) from None
    db.session.commit()
    if ended:
        click.echo(f"{user.email} can no longer open {course.title} ({ended} entitlement(s) ended)")
    else:
        click.echo(f"{user.email} had no active access to {course.title}; nothing changed")
