"""Module settings, the quiz as its file, and reordering with and without JavaScript."""

from sqlalchemy import select

from coursehub.content.models import Lesson, Module, Quiz
from coursehub.core.extensions import db
from tests.factories import make_quiz
from tests.helpers import csrf_token_from, page_text


def token(auth, path="/author"):
    return csrf_token_from(auth.client.get(path).get_data(as_text=True))


def lesson_order(app, course):
    with app.app_context():
        lessons = db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.module_id, Lesson.position)
        )
        return [lesson.slug for lesson in lessons]


def module_order(app, course):
    with app.app_context():
        modules = db.session.scalars(
            select(Module).where(Module.course_id == course.id).order_by(Module.position)
        )
        return [module.slug for module in modules]


def test_move_up_and_down_without_javascript(app, auth, author, course):
    url = f"/author/courses/{course.slug}/lessons/lesson-2/move"
    response = auth.client.post(url, data={"csrf_token": token(auth), "direction": "up"})
    assert response.status_code == 302
    assert lesson_order(app, course) == ["lesson-2", "lesson-1", "lesson-3", "lesson-4"]
    auth.client.post(url, data={"csrf_token": token(auth), "direction": "up"})  # already first: no change
    assert lesson_order(app, course) == ["lesson-2", "lesson-1", "lesson-3", "lesson-4"]
    url = f"/author/courses/{course.slug}/modules/module-1/move"
    auth.client.post(url, data={"csrf_token": token(auth), "direction": "down"})
    assert module_order(app, course) == ["module-2", "module-1"]
    bad = auth.client.post(url, data={"csrf_token": token(auth), "direction": "sideways"})
    assert bad.status_code == 400 and "up or down" in page_text(bad)


def test_drag_and_drop_sends_the_whole_order_and_a_stale_one_is_refused(app, auth, author, course):
    url = f"/author/courses/{course.slug}/modules/module-1/order"
    response = auth.client.post(url, data={"csrf_token": token(auth), "slugs": ["lesson-2", "lesson-1"]})
    assert response.status_code == 204
    assert lesson_order(app, course)[:2] == ["lesson-2", "lesson-1"]
    stale = auth.client.post(url, data={"csrf_token": token(auth), "slugs": ["lesson-1", "lesson-3"]})
    assert stale.status_code == 409 and "changed meanwhile" in page_text(stale)
    assert lesson_order(app, course)[:2] == ["lesson-2", "lesson-1"]


def test_module_settings_are_checked_like_module_toml(app, auth, author, course):
    url = f"/author/courses/{course.slug}/modules/module-2/edit"
    response = auth.client.post(
        url, data={"csrf_token": token(auth, url), "title": "", "summary": "Hips", "drip_days": "3"}
    )
    assert response.status_code == 400
    assert f"courses/{course.slug}/02-module-2/module.toml:1: title must not be empty" in page_text(response)
    response = auth.client.post(
        url, data={"csrf_token": token(auth, url), "title": "Hips", "summary": "The hips.", "drip_days": "3"}
    )
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(
            select(Module).where(Module.course_id == course.id, Module.slug == "module-2")
        )
        assert (module.title, module.summary, module.drip_days) == ("Hips", "The hips.", 3)


def test_the_quiz_is_edited_as_its_file_and_checked_like_an_import(app, auth, author, course):
    quiz_id = make_quiz(app, course)
    url = f"/author/courses/{course.slug}/modules/module-1/quiz"
    page = auth.client.get(url)
    text = page_text(page)
    assert page.status_code == 200 and 'type = "ordering"' in text and "draw = 5" in text
    changed = text[text.index("title = ") : text.index("</textarea>")].replace(
        "pass_mark = 80", "pass_mark = 60"
    )
    response = auth.client.post(url, data={"csrf_token": token(auth, url), "text": changed})
    assert response.status_code == 302
    broken = changed.replace("draw = 5", "draw = 9")
    response = auth.client.post(url, data={"csrf_token": token(auth, url), "text": broken})
    assert response.status_code == 400
    assert "quiz.toml:5: draw = 9, but the pool has only 5 questions" in page_text(response)
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id)
        assert (quiz.pass_mark, quiz.draw) == (60, 5)
