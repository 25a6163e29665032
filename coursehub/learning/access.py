"""The access rule, defined once (DESIGN.md §3) and used by pages, media URLs, templates and the API.

A lesson is visible to a user when its module is published (staff see drafts too) and one of these holds:
the lesson is a free preview; the course is free and the user is signed in; the user holds an active
entitlement to the course (any one of their rows for it: an order's, a grant) and no manual hold (an
admin's revoke) stands on it. A module with a drip delay opens that many days after the learner enrolled
(previews stay open: they are the course's shop window). Authors and admins see everything.

Decided here: an unverified learner sees what a verified one sees (verification guards buying, not
reading); a revoked or suspended entitlement opens nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, exists, select

from coursehub.accounts.models import Role
from coursehub.content.models import Course, Lesson, Module
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import AccessHold, Enrollment, Entitlement, EntitlementStatus


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.AUTHOR, Role.ADMIN)


def _no_standing_hold():
    return ~exists().where(
        AccessHold.user_id == Entitlement.user_id,
        AccessHold.course_id == Entitlement.course_id,
        AccessHold.lifted_at.is_(None),
    )


def has_active_entitlement(user, course: Course) -> bool:
    """An active row of any source for ``course`` and no manual hold on it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(Entitlement.id)
            .where(
                Entitlement.user_id == user.id,
                Entitlement.course_id == course.id,
                Entitlement.status == EntitlementStatus.ACTIVE,
                _no_standing_hold(),
            )
            .limit(1)
        )
        is not None
    )


def find_enrollment(user, course: Course) -> Enrollment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )


def can_open_course(user, course: Course) -> bool:
    """May the user open every published lesson of ``course`` (not only the previews)?"""
    if is_staff(user):
        return True
    if course.is_free:
        return bool(getattr(user, "is_authenticated", False))
    return has_active_entitlement(user, course)


def open_course_ids(user, courses: list[Course]) -> set[int]:
    """The batch form of ``can_open_course``: which of ``courses`` the user may open, in one query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if is_staff(user):
        return {course.id for course in courses}
    paid_ids = [course.id for course in courses if not course.is_free]
    entitled = set(
        db.session.scalars(
            select(Entitlement.course_id).where(
                Entitlement.user_id == user.id,
                Entitlement.course_id.in_(paid_ids),
                Entitlement.status == EntitlementStatus.ACTIVE,
                _no_standing_hold(),
            )
        )
    )
    return {course.id for course in courses if course.is_free or course.id in entitled}


@cache
def _enrollment_and_entitlement():
    """``CourseAccess._look_up``'s statement, built once with parameters (every lesson view and heartbeat
    runs it): the enrollment row and whether an active entitlement with no standing hold exists."""
    user_id, course_id = bindparam("user_id"), bindparam("course_id")
    entitled = (
        select(Entitlement.id)
        .where(
            Entitlement.user_id == user_id,
            Entitlement.course_id == course_id,
            Entitlement.status == EntitlementStatus.ACTIVE,
            _no_standing_hold(),
        )
        .exists()
    )
    return select(Enrollment, entitled).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id
    )


class CourseAccess:
    """The access rule for one user and one course, with the course-wide part worked out once.

    Pages that list many lessons ask it lesson by lesson without a query per lesson.
    """

    def __init__(self, user, course: Course, now: datetime | None = None):
        self.user, self.course, self.now = user, course, now or utcnow()
        self.staff = is_staff(user)
        self._opens_course: bool | None = None
        self._enrollment: Enrollment | bool | None = False  # False: not looked up yet

    @property
    def opens_course(self) -> bool:
        if self._opens_course is None:
            self._look_up()
        return self._opens_course

    @property
    def enrollment(self) -> Enrollment | None:
        if self._enrollment is False:
            self._look_up()
        return self._enrollment

    def _look_up(self) -> None:
        """The enrollment and, for a paid course, the entitlement, in one statement: a lesson view and a
        heartbeat need both. A learner not enrolled yet (a first visit) costs a second statement."""
        authenticated = bool(getattr(self.user, "is_authenticated", False))
        if not authenticated or self.staff or self.course.is_free:
            self._opens_course = can_open_course(self.user, self.course)
            if self._enrollment is False:
                self._enrollment = find_enrollment(self.user, self.course)
            return
        found = db.session.execute(
            _enrollment_and_entitlement(), {"user_id": self.user.id, "course_id": self.course.id}
        ).first()
        if found is None:
            self._enrollment = None
            self._opens_course = has_active_entitlement(self.user, self.course)
        else:
            self._enrollment, self._opens_course = found[0], bool(found[1])

    def opens_at(self, module: Module) -> datetime | None:
        """When a drip module opens for this learner; None when it is open (or can't be dated yet)."""
        if not module.drip_days or self.staff or self.enrollment is None:
            return None
        opens = self.enrollment.enrolled_at + timedelta(days=module.drip_days)
        return opens if opens > self.now else None

    def drip_locked(self, module: Module) -> bool:
        if not module.drip_days or self.staff:
            return False
        return self.enrollment is None or self.opens_at(module) is not None

    def _module_published(self, module: Module) -> bool:
        course = self.course
        if module.archived_at is not None or not module.is_published(self.now):
            return False
        published_at = course.published_at
        return course.archived_at is None and published_at is not None and published_at <= self.now

    def can_view(self, lesson: Lesson) -> bool:
        if lesson.archived_at is not None or lesson.course_id != self.course.id:
            return False
        if self.staff:
            return True
        if not self._module_published(lesson.module):
            return False
        if lesson.is_preview:
            return True
        return self.opens_course and not self.drip_locked(lesson.module)

    def can_take_quiz(self, module: Module) -> bool:
        """A module's quiz is open to whoever may open the module's lessons (not to preview watchers)."""
        if module.course_id != self.course.id or module.archived_at is not None:
            return False
        if self.staff:
            return True
        return self._module_published(module) and self.opens_course and not self.drip_locked(module)


def can_view_lesson(user, lesson: Lesson, now: datetime | None = None) -> bool:
    return CourseAccess(user, lesson.course, now).can_view(lesson)
