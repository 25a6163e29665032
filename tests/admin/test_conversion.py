"""The conversion page: starters, finishers, buyers within 7/30/90 days, where the rest stopped."""

from datetime import timedelta

from coursehub.billing.models import Order, OrderStatus
from coursehub.content.models import Lesson
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, LessonProgress
from tests.factories import make_course, make_product, make_user
from tests.helpers import page_text


def figure(page: str, key: str) -> str:
    marker = f'data-figure="{key}">'
    row = page[page.index(marker) :]
    return row[row.index("<td>") + 4 : row.index("</td>")]


def test_conversion_counts_starters_finishers_buyers_and_where_the_rest_stopped(app, admin_client):
    free = make_course(app, free=True, lessons=2, title="Intro to AIS")
    paid = make_course(app, preview=(), title="Pelvic Basics")
    product_id = make_product(app, [paid], slug="pelvic", price=4900)
    finisher, stopper, direct = make_user(app), make_user(app), make_user(app)
    now = utcnow()
    with app.app_context():
        started = now - timedelta(days=20)
        db.session.add_all(
            [
                Enrollment(
                    user_id=finisher.id,
                    course_id=free.id,
                    enrolled_at=started,
                    last_lesson_id=free.lesson_ids[1],
                ),
                Enrollment(
                    user_id=stopper.id,
                    course_id=free.id,
                    enrolled_at=started,
                    last_lesson_id=free.lesson_ids[0],
                ),
                *[
                    LessonProgress(user_id=finisher.id, lesson_id=lesson_id, completed_at=started)
                    for lesson_id in free.lesson_ids
                ],
            ]
        )
        for buyer, paid_at in ((finisher, started + timedelta(days=10)), (direct, now)):
            db.session.add(
                Order(
                    user_id=buyer.id,
                    product_id=product_id,
                    status=OrderStatus.PAID,
                    list_price_cents=4900,
                    amount_paid_cents=4900,
                    currency="usd",
                    paid_at=paid_at,
                )
            )
        db.session.commit()
    page = page_text(admin_client.get("/admin/conversion?period=30d"))
    assert figure(page, "started") == "2"
    assert figure(page, "finished") == "1"
    assert [figure(page, f"bought-{days}") for days in (7, 30, 90)] == ["0", "1", "1"]
    stopped = page[page.index('id="stopped"') :]
    assert f"{free_lesson_title(app, free.lesson_ids[0])}</th><td>1</td>" in stopped
    per_course = page[page.index('id="per-course"') :]
    assert "Pelvic Basics</th><td>1</td><td>1</td>" in per_course


def free_lesson_title(app, lesson_id: int) -> str:
    with app.app_context():
        return db.session.get(Lesson, lesson_id).title
