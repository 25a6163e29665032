"""The learner's personal routine: exercises taken from lessons they may open, in their own order.

Every read goes through the access rule, so an exercise from a course the learner lost access to is
neither offered, nor shown in their routine, nor practised, while the row itself is kept for when access
returns (as with progress).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coursehub.accounts.models import User
from coursehub.content.lesson_files import RoutineStep
from coursehub.content.models import Course, Lesson
from coursehub.content.queries import syllabus, visible_courses
from coursehub.core.extensions import db
from coursehub.learning.access import CourseAccess
from coursehub.practice.errors import Conflict, NotFound, PracticeError
from coursehub.practice.models import RoutineItem

MAX_ITEMS = 30


@dataclass(frozen=True)
class Exercise:
    """A step of a lesson's routine as offered to the learner."""

    course: Course
    lesson: Lesson
    index: int
    step: RoutineStep


@dataclass(frozen=True)
class PlannedExercise:
    """One item of the learner's routine, resolved against the lesson as it is now."""

    item: RoutineItem
    course: Course
    lesson: Lesson
    step: RoutineStep


def available_exercises(user: User) -> list[Exercise]:
    """Every routine step of every lesson the learner may open, course by course in syllabus order."""
    found = []
    for course in db.session.scalars(visible_courses().order_by(Course.position)):
        access = CourseAccess(user, course)
        for module in syllabus(course):
            for lesson in module.lessons:
                if lesson.routine and access.can_view(lesson):
                    found.extend(
                        Exercise(course, lesson, index, RoutineStep.from_json(step))
                        for index, step in enumerate(lesson.routine)
                    )
    return found


def planned_routine(user: User) -> list[PlannedExercise]:
    """The learner's routine in order, leaving out what they may no longer open or what left the lesson."""
    items = db.session.scalars(
        select(RoutineItem)
        .where(RoutineItem.user_id == user.id)
        .order_by(RoutineItem.position, RoutineItem.id)
    )
    accesses: dict[int, CourseAccess] = {}
    planned = []
    for item in items:
        lesson = item.lesson
        access = accesses.setdefault(lesson.course_id, CourseAccess(user, lesson.course))
        step = _step_of(lesson, item)
        if step is not None and access.can_view(lesson):
            planned.append(PlannedExercise(item, lesson.course, lesson, step))
    return planned


def _step_of(lesson: Lesson, item: RoutineItem) -> RoutineStep | None:
    """The step at the item's index, or the step of the same name if a re-import moved it."""
    steps = [RoutineStep.from_json(step) for step in lesson.routine]
    if item.step_index < len(steps) and steps[item.step_index].exercise == item.exercise:
        return steps[item.step_index]
    return next((step for step in steps if step.exercise == item.exercise), None)


def add_exercise(user: User, lesson_id: int, step_index: int) -> RoutineItem:
    """Append a lesson's step to the routine with the lesson's reps.

    :raise NotFound: the lesson or step does not exist or the learner may not open it.
    :raise Conflict: the exercise is already in the routine, or the routine is full.
    """
    lesson = db.session.get(Lesson, lesson_id) if 0 < lesson_id < 2**31 else None
    if (
        lesson is None
        or not 0 <= step_index < len(lesson.routine)
        or not CourseAccess(user, lesson.course).can_view(lesson)
    ):
        raise NotFound("That exercise is not one you can add.")
    count, last = db.session.execute(
        select(func.count(RoutineItem.id), func.max(RoutineItem.position)).where(
            RoutineItem.user_id == user.id
        )
    ).one()
    if count >= MAX_ITEMS:
        raise Conflict(f"A routine holds at most {MAX_ITEMS} exercises.")
    step = RoutineStep.from_json(lesson.routine[step_index])
    item = RoutineItem(
        user_id=user.id,
        lesson_id=lesson.id,
        step_index=step_index,
        exercise=step.exercise,
        position=(last or 0) + 1,
        reps=step.reps,
    )
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        raise Conflict("That exercise is already in your routine.") from None
    return item


def _own_item(user: User, item_id: int) -> RoutineItem:
    item = db.session.get(RoutineItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.user_id != user.id:
        raise NotFound("That exercise is not in your routine.")
    return item


def remove_exercise(user: User, item_id: int) -> None:
    db.session.delete(_own_item(user, item_id))
    db.session.flush()


def move_exercise(user: User, item_id: int, direction: str) -> None:
    """Swap the item with its neighbour above (``up``) or below (``down``); positions are renumbered."""
    if direction not in ("up", "down"):
        raise PracticeError("Move an exercise up or down.")
    item = _own_item(user, item_id)
    items = list(
        db.session.scalars(
            select(RoutineItem)
            .where(RoutineItem.user_id == user.id)
            .order_by(RoutineItem.position, RoutineItem.id)
        )
    )
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items, start=1):
        row.position = position
    db.session.flush()


def set_reps(user: User, item_id: int, reps: int) -> None:
    if not 1 <= reps <= 100:
        raise PracticeError("Repetitions must be a whole number from 1 to 100.")
    _own_item(user, item_id).reps = reps
    db.session.flush()
