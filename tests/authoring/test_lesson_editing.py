"""Editing a lesson in the browser: the importer's checks, revisions, version check, restore, completion."""

from sqlalchemy import select

from coursehub.content.models import Lesson
from coursehub.content.revisions import LessonRevision, RevisionSource
from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress
from coursehub.learning.progress import set_completed
from tests.factories import grant, make_user
from tests.helpers import csrf_token_from, page_text

EDIT = "/author/courses/{}/lessons/{}/edit"


def lesson_row(app, course, slug="lesson-1") -> Lesson:
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))
        db.session.expunge(lesson)
        return lesson


def form_for(client, course, lesson_slug="lesson-1", **changes):
    """The edit form as the page fills it, with ``changes`` applied, ready to post."""
    page = client.get(EDIT.format(course.slug, lesson_slug))
    lesson = lesson_row(client.application, course, lesson_slug)
    data = {
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "title": lesson.title,
        "slug": lesson.slug,
        "routine": "",
        "body": lesson.body_markdown,
        "note": "a small fix",
        "version": str(lesson.version),
        "action": "save",
    }
    return {**data, **changes}


def save(client, course, data, slug="lesson-1"):
    return client.post(EDIT.format(course.slug, slug), data=data)


def revisions(app, lesson_id):
    with app.app_context():
        rows = db.session.scalars(
            select(LessonRevision)
            .where(LessonRevision.lesson_id == lesson_id)
            .order_by(LessonRevision.number)
        ).all()
        return [(r.number, r.source, r.note, r.author_id, r.body_markdown) for r in rows]


def test_saving_a_lesson_updates_it_sanitised_and_keeps_a_revision_with_its_note(app, auth, author, course):
    body = "## Breathing\n\nBreathe out **as you lift**.\n\n<script>alert(1)</script>"
    data = form_for(
        auth.client, course, body=body, note="explain breathing", routine="Hamstring | each | 10 | 2"
    )
    response = save(auth.client, course, data)
    assert response.status_code == 302
    lesson = lesson_row(app, course)
    assert lesson.body_markdown == body
    assert "<strong>as you lift</strong>" in lesson.body_html and "<script>" not in lesson.body_html
    assert lesson.routine == [
        {"exercise": "Hamstring", "side": "each", "reps": 10, "hold_seconds": 2}
        | {"rest_seconds": None, "cues": [], "at": None}  # stored as the importer stores a step
    ]
    assert lesson.revised_at is not None
    history = revisions(app, lesson.id)
    assert [(n, s, note) for n, s, note, _, _ in history] == [
        (1, RevisionSource.IMPORT, "as it was before the first edit in the studio"),
        (2, RevisionSource.BROWSER, "explain breathing"),
    ]
    assert history[1][3] == author.id and history[0][4] == "Draft teaching 1"


def test_a_bad_edit_gets_the_importers_messages_and_changes_nothing(app, auth, author, course):
    data = form_for(
        auth.client, course, body="# A title heading\n\nText", routine="Hamstring | sideways | 0 | 2"
    )
    response = save(auth.client, course, data)
    body = page_text(response)
    assert response.status_code == 400
    path = f"courses/{course.slug}/01-module-1/01-lesson-1.md"
    assert f"{path}:15: a level 1 heading is not allowed: use ##, ### or ####" in body
    assert f"{path}:10: side must be one of 'left', 'right', 'both', 'each', not 'sideways'" in body
    assert f"{path}:11: reps must be between 1 and 100, not 0" in body
    clash = save(auth.client, course, form_for(auth.client, course, slug="lesson-2"))
    assert (
        clash.status_code == 400
        and "lesson slug 'lesson-2' is already used in this course by" in page_text(clash)
    )
    assert lesson_row(app, course).body_markdown == "Draft teaching 1"
    assert revisions(app, lesson_row(app, course).id) == []


def test_the_second_of_two_editors_is_told_the_lesson_changed_and_nothing_is_overwritten(
    app, auth, author, course
):
    first = form_for(auth.client, course, body="First editor's text", note="first")
    second = form_for(auth.client, course, body="Second editor's text", note="second")
    assert save(auth.client, course, first).status_code == 302
    response = save(auth.client, course, second)
    body = page_text(response)
    assert response.status_code == 409
    assert "This lesson changed while you were editing it" in body and "revision 2 by Dr Author" in body
    assert "Second editor's text" in body  # the refused text is still in the form
    assert lesson_row(app, course).body_markdown == "First editor's text"


def _complete(app, user, course, slug):
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))
        set_completed(user, lesson, True)
        db.session.commit()


def _completed(app, user, course):
    with app.app_context():
        rows = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id)).all()
        return {row.lesson_id for row in rows if row.completed_at}


def test_an_edit_keeps_completion_and_tells_the_learner_it_was_updated(app, client, auth, author, course):
    learner = make_user(app)
    grant(app, learner, course)
    _complete(app, learner, course, "lesson-1")
    assert save(auth.client, course, form_for(auth.client, course, body="A clearer text")).status_code == 302
    assert _completed(app, learner, course) == {course.lesson_ids[0]}
    auth.logout()
    auth.login(learner.email, learner.password)
    page = page_text(auth.client.get(f"/courses/{course.slug}/lessons/lesson-1"))
    assert "This lesson was updated since you finished it." in page and "Completed" in page


def test_a_revision_marked_requires_rewatch_clears_completion_of_that_lesson_only(app, auth, author, course):
    learner = make_user(app)
    grant(app, learner, course)
    _complete(app, learner, course, "lesson-1")
    _complete(app, learner, course, "lesson-2")
    data = form_for(auth.client, course, body="New safety cue", requires_rewatch="y", note="safety cue")
    assert save(auth.client, course, data).status_code == 302
    assert _completed(app, learner, course) == {course.lesson_ids[1]}


def test_restoring_a_revision_brings_its_text_back_as_a_new_revision(app, auth, author, course):
    save(auth.client, course, form_for(auth.client, course, body="Second text", note="second"))
    save(auth.client, course, form_for(auth.client, course, body="Third text", note="third"))
    history = auth.client.get(f"/author/courses/{course.slug}/lessons/lesson-1/history")
    text = page_text(history)
    assert "- Second text" in text and "+ Third text" in text and "“third”" in text
    lesson = lesson_row(app, course)
    response = auth.client.post(
        f"/author/courses/{course.slug}/lessons/lesson-1/revisions/1/restore",
        data={"csrf_token": csrf_token_from(history.get_data(as_text=True)), "version": lesson.version},
    )
    assert response.status_code == 302
    assert lesson_row(app, course).body_markdown == "Draft teaching 1"
    last = revisions(app, lesson.id)[-1]
    assert last[:3] == (4, RevisionSource.RESTORE, "restored revision 1")
    stale = auth.client.post(
        f"/author/courses/{course.slug}/lessons/lesson-1/revisions/2/restore",
        data={"csrf_token": csrf_token_from(history.get_data(as_text=True)), "version": lesson.version},
    )
    assert stale.status_code == 409 and "changed since you opened its history" in page_text(stale)


def test_the_live_preview_renders_and_sanitises_like_the_learners_page(auth, author, course):
    token = csrf_token_from(auth.client.get(EDIT.format(course.slug, "lesson-1")).get_data(as_text=True))
    response = auth.client.post(
        "/author/preview",
        data={"csrf_token": token, "body": "**Slowly**\n\n<img src=x onerror=alert(1)>\n\n# Big"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>Slowly</strong>" in body and "<img" not in body
    assert "a level 1 heading is not allowed" in body


def test_the_preview_button_without_javascript_shows_the_text_and_saves_nothing(app, auth, author, course):
    data = form_for(auth.client, course, body="*Unsaved* idea", action="preview")
    response = save(auth.client, course, data)
    assert response.status_code == 200 and "<em>Unsaved</em>" in response.get_data(as_text=True)
    assert lesson_row(app, course).body_markdown == "Draft teaching 1"


def test_json_or_a_missing_version_is_a_400_with_a_message(app, auth, author, course):
    data = form_for(auth.client, course)
    del data["version"]
    response = save(auth.client, course, data)
    assert response.status_code == 400 and "The lesson was not saved" in page_text(response)
    assert lesson_row(app, course).body_markdown == "Draft teaching 1"


def test_the_editor_shows_its_upload_forms_once_and_a_plain_title(client, author, course):
    body = client.get(EDIT.format(course.slug, "lesson-1")).get_data(as_text=True)
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Edit Lesson 1 · Studio") and "<" not in title
    assert body.count('id="media-heading"') == 1
    assert body.count('name="captions"') == 1
