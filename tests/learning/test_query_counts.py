"""The lesson page and the dashboard cost the same number of queries for a small and a large course."""

from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress
from tests.factories import grant, make_course, make_user


def with_progress(app, user, course):
    with app.app_context():
        db.session.add_all(
            [
                LessonProgress(
                    user_id=user.id,
                    lesson_id=lesson_id,
                    position_seconds=30,
                    furthest_seconds=30,
                    reported_at_ms=1,
                )
                for lesson_id in course.lesson_ids
            ]
        )
        db.session.commit()


def queries_for(app, auth, count_queries, lessons: int, modules: int, courses: int = 1) -> tuple[int, int]:
    user = make_user(app)
    made = [make_course(app, lessons=lessons, modules=modules, preview=()) for _ in range(courses)]
    for course in made:
        grant(app, user, course)
        with_progress(app, user, course)
    auth.login(user.email, user.password)
    course = made[0]
    url = f"/courses/{course.slug}/lessons/{course.lesson_slugs[lessons // 2]}"
    auth.client.get(url)  # the first visit enrolls; measure a steady-state visit
    with count_queries:
        assert auth.client.get(url).status_code == 200
    lesson_page = count_queries.count
    with count_queries:
        assert auth.client.get("/dashboard").status_code == 200
    return lesson_page, count_queries.count


def test_the_lesson_page_and_dashboard_do_not_grow_with_the_course(app, auth, count_queries):
    small = queries_for(app, auth, count_queries, lessons=10, modules=2)
    auth.logout()
    large = queries_for(app, auth, count_queries, lessons=200, modules=20)
    assert small == large, (small, large)


def test_the_dashboard_does_not_grow_with_the_number_of_enrollments(app, auth, count_queries):
    one = queries_for(app, auth, count_queries, lessons=5, modules=1, courses=1)[1]
    auth.logout()
    three = queries_for(app, auth, count_queries, lessons=5, modules=1, courses=3)[1]
    assert one == three, (one, three)
