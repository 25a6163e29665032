"""The lesson page and the dashboard cost the same number of queries for a small and a large course."""

from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress
from tests.factories import grant, make_course, make_quiz, make_user
from tests.helpers import csrf_token_on_lesson, lesson_url


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


# The statement counts of the hot pages (issue 18), pinned so that a regression fails `make test`. Lower
# them as pages get cheaper; raise one only with the reason in the commit message. Transaction control
# (BEGIN, savepoints) is not counted. A steady-state visit: the session and its user in one statement; the
# lesson page then reads the course with the lesson and its module, takes the outline from the cache
# (content/outline.py), reads the enrollment with the entitlement, then the progress rows with the
# passed quizzes (one UNION ALL), and writes nothing when the enrollment already names this lesson
# (bench/README.md has the before and after). The dashboard reads the enrollments with their courses,
# takes each outline from the same cache, then the progress with the passes, the certificates and the
# entitlements. The course page reads the course, then, like the lesson page, the access and the progress;
# its "Continue" link comes from the path, not from the last lesson's row.
PINNED_STATEMENTS = {"lesson_page": 4, "course_page": 4, "dashboard": 5, "heartbeat": 4}


def test_statement_counts_of_the_hot_pages_are_pinned(app, auth, count_queries):
    user = make_user(app)
    course = make_course(app, lessons=12, modules=3, preview=())
    make_quiz(app, course)
    grant(app, user, course)
    with_progress(app, user, course)
    auth.login(user.email, user.password)
    lesson = lesson_url(course, 5)
    token = csrf_token_on_lesson(auth.client.get(lesson))
    beat = {"csrf_token": token, "position": "12", "reported_at": "1767225600000"}
    requests = {
        "lesson_page": lambda: auth.client.get(lesson),
        "course_page": lambda: auth.client.get(f"/courses/{course.slug}"),
        "dashboard": lambda: auth.client.get("/dashboard"),
        "heartbeat": lambda: auth.client.post(f"/api/lessons/{course.lesson_ids[5]}/progress", data=beat),
    }
    counts = {}
    for page, send in requests.items():
        send()  # the first visit enrolls and fills caches; pin the steady state
        with count_queries:
            assert send().status_code == 200, page
        counts[page] = len(count_queries.data_statements)
    # On PostgreSQL the heartbeat also says "don't wait for the disk" (SET LOCAL synchronous_commit).
    postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert counts == {**PINNED_STATEMENTS, "heartbeat": PINNED_STATEMENTS["heartbeat"] + postgresql}
