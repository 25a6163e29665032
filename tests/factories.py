"""Test data made through the models, committed inside the test's rolled-back transaction."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

from coursehub.accounts.models import Role, User
from coursehub.accounts.passwords import hash_password
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db

DEFAULT_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class UserRecord:
    """What a test needs to know about a user, usable outside the app context that made it."""

    id: int
    email: str
    password: str
    display_name: str
    role: Role


@cache
def _hash(password: str) -> str:
    """Argon2 is slow on purpose; hash each test password once per run."""
    return hash_password(password)


def make_user(
    app,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    role: Role = Role.LEARNER,
    verified: bool = True,
    display_name: str | None = None,
) -> UserRecord:
    number = next(_numbers)
    email = email or f"learner{number}@example.com"
    display_name = display_name or f"Learner {number}"
    with app.app_context():
        user = User(
            email=email,
            display_name=display_name,
            role=role,
            password_hash=_hash(password),
            email_verified_at=utcnow() if verified else None,
        )
        db.session.add(user)
        db.session.commit()
        return UserRecord(user.id, user.email, password, user.display_name, user.role)


def get_user(app, user_id: int) -> User:
    """A fresh copy of the user, detached, with its columns loaded."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@dataclass(frozen=True)
class CourseRecord:
    id: int
    slug: str
    lesson_slugs: tuple[str, ...]
    lesson_ids: tuple[int, ...]


def make_course(
    app,
    slug: str | None = None,
    free: bool = False,
    lessons: int = 3,
    preview: tuple[int, ...] = (0,),
    published: bool = True,
    video_ref: str | None = "clip.mp4",
    body: str = "Lesson text",
    title: str | None = None,
    modules: int = 1,
    drip_days: int = 0,
) -> CourseRecord:
    """A course of ``lessons`` lessons spread over ``modules`` published modules (the later ones with
    ``drip_days``); ``preview`` lists the indexes of preview lessons."""
    from coursehub.content.models import Access, Course, Lesson, Module

    number = next(_numbers)
    slug = slug or f"course-{number}"
    with app.app_context():
        course = Course(
            slug=slug,
            title=title or f"Course {number}",
            subtitle="A subtitle",
            summary=f"Summary of course {number}.",
            access=Access.FREE if free else Access.PAID,
            price_cents=0 if free else 4900,
            currency="usd",
            position=number,
            published_at=utcnow() if published else None,
        )
        parts = [
            Module(
                course=course,
                slug=f"module-{m + 1}",
                position=m + 1,
                title=f"Module {m + 1}",
                summary="A module.",
                drip_days=drip_days if m else 0,
                published_at=utcnow() if published else None,
            )
            for m in range(modules)
        ]
        per_module = -(-lessons // modules)
        rows = [
            Lesson(
                course=course,
                module=parts[i // per_module],
                slug=f"lesson-{i + 1}",
                position=i + 1,
                title=f"Lesson {i + 1}",
                video_ref=video_ref,
                duration_seconds=300,
                is_preview=i in preview,
                routine=[],
                body_markdown=f"{body} {i + 1}",
                body_html=f"<p>{body} {i + 1}</p>",
            )
            for i in range(lessons)
        ]
        db.session.add_all([course, *parts, *rows])
        db.session.commit()
        return CourseRecord(course.id, course.slug, tuple(r.slug for r in rows), tuple(r.id for r in rows))


def grant(
    app,
    user: UserRecord,
    course: CourseRecord,
    status: str = "active",
    source: str = "grant",
    enroll: bool = False,
) -> None:
    from coursehub.learning.models import Enrollment, Entitlement, EntitlementSource, EntitlementStatus

    with app.app_context():
        db.session.add(
            Entitlement(
                user_id=user.id,
                course_id=course.id,
                source=EntitlementSource(source),
                status=EntitlementStatus(status),
                reason="test",
            )
        )
        if enroll:
            db.session.add(Enrollment(user_id=user.id, course_id=course.id))
        db.session.commit()


SAMPLE_QUESTIONS = (
    {
        "key": "pick-one",
        "kind": "single",
        "prompt": "Which muscle flexes the hip?",
        "options": [["a", "Iliopsoas"], ["b", "Triceps"], ["c", "Deltoid"]],
        "answer": "a",
        "explanation": "The iliopsoas is the main hip flexor.",
    },
    {
        "key": "pick-all",
        "kind": "multiple",
        "prompt": "Which are red flags?",
        "options": [["a", "Saddle numbness"], ["b", "Fever with back pain"], ["c", "Stiff mornings"]],
        "answer": ["a", "b"],
        "explanation": "Saddle numbness and fever need a clinician at once.",
    },
    {
        "key": "true-or-false",
        "kind": "true_false",
        "prompt": "AIS holds each stretch for two seconds.",
        "options": [],
        "answer": True,
        "explanation": "Short holds avoid the stretch reflex.",
    },
    {
        "key": "in-order",
        "kind": "ordering",
        "prompt": "Put the steps in order.",
        "options": [["s2", "Lift the leg"], ["s1", "Lie down"], ["s3", "Return"]],
        "answer": ["s1", "s2", "s3"],
        "explanation": "Set up, move, come back.",
    },
    {
        "key": "which-side",
        "kind": "side",
        "prompt": "Stretching the left hamstring, which leg lifts?",
        "options": [["left", "Left"], ["right", "Right"]],
        "answer": "left",
        "explanation": "The leg being stretched is the one that lifts.",
    },
)


def make_quiz(
    app,
    course: CourseRecord,
    draw: int = 5,
    pass_mark: int = 80,
    max_attempts: int = 0,
    wait_minutes: int = 0,
    partial_credit: bool = False,
    questions=SAMPLE_QUESTIONS,
) -> int:
    """A quiz on the course's first module whose questions point at its first lesson. :return: its id."""
    from coursehub.content.models import Module, Quiz, QuizQuestion

    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, position=1).one()
        quiz = Quiz(
            module=module,
            title="Check your understanding",
            pass_mark=pass_mark,
            max_attempts=max_attempts,
            wait_minutes=wait_minutes,
            draw=draw,
            partial_credit=partial_credit,
        )
        db.session.add(quiz)
        for position, spec in enumerate(questions, start=1):
            db.session.add(
                QuizQuestion(
                    quiz=quiz, position=position, lesson_slug=course.lesson_slugs[0], at_seconds=42, **spec
                )
            )
        db.session.commit()
        return quiz.id


def make_product(
    app, courses: list[CourseRecord], slug: str, price: int, bundle: bool = False, title: str | None = None
) -> int:
    from coursehub.billing.models import Product, ProductKind
    from coursehub.content.models import Course

    with app.app_context():
        product = Product(
            slug=slug,
            kind=ProductKind.BUNDLE if bundle else ProductKind.COURSE,
            title=title or slug.replace("-", " ").title(),
            summary="",
            price_cents=price,
            currency="usd",
            courses=[db.session.get(Course, c.id) for c in courses],
        )
        db.session.add(product)
        db.session.commit()
        return product.id


def make_paid_order(app, slug: str, price: int = 4900) -> tuple[int, int]:
    """A learner's paid order for a new one-course product, with no ledger lines yet (a test writes the
    lines it needs). :return: (order id, product id)."""
    from coursehub.billing.models import Order, OrderStatus

    product_id = make_product(app, [make_course(app, slug=f"{slug}-course")], f"{slug}-product", price)
    buyer = make_user(app)
    with app.app_context():
        order = Order(
            user_id=buyer.id,
            product_id=product_id,
            status=OrderStatus.PAID,
            list_price_cents=price,
            currency="usd",
        )
        db.session.add(order)
        db.session.commit()
        return order.id, product_id
