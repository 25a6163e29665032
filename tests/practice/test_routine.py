"""The personal routine: built only from lessons the learner may open, and only by its owner."""

from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.practice.models import RoutineItem
from tests.factories import grant, make_course, make_user
from tests.helpers import page_text
from tests.practice.support import add_routine, give_routines, routine_of


def item_ids(app, user):
    with app.app_context():
        query = select(RoutineItem.id).where(RoutineItem.user_id == user.id).order_by(RoutineItem.position)
        return list(db.session.scalars(query))


def test_add_reorder_set_reps_and_remove(app, auth, learner, course):
    add_routine(auth, course)
    assert routine_of(app, learner) == [("Knee to chest", 3), ("Pelvic tilt", 5)]
    first, second = item_ids(app, learner)
    auth.post(f"/practice/routine/{second}/move", {"direction": "up"}, form_page="/practice/routine")
    auth.post(f"/practice/routine/{first}/reps", {"reps": "8"}, form_page="/practice/routine")
    assert routine_of(app, learner) == [("Pelvic tilt", 5), ("Knee to chest", 8)]
    auth.post(f"/practice/routine/{second}/remove", {}, form_page="/practice/routine")
    assert routine_of(app, learner) == [("Knee to chest", 8)]
    page = page_text(auth.client.get("/practice/routine"))
    assert "Knee to chest" in page and "/lessons/lesson-1?t=60" in page


def test_adding_the_same_exercise_twice_is_a_conflict(app, auth, learner, course):
    add_routine(auth, course, steps=(0,))
    again = auth.post(
        "/practice/routine/add", {"lesson_id": course.lesson_ids[0], "step": 0}, form_page="/practice/routine"
    )
    assert again.status_code == 409 and "already in your routine" in page_text(again)
    assert len(routine_of(app, learner)) == 1


def test_exercises_of_a_course_the_learner_cannot_open_are_neither_offered_nor_added(
    app, auth, learner, course
):
    locked = make_course(app, lessons=1, preview=())
    give_routines(app, locked)
    assert f'value="{locked.lesson_ids[0]}"' not in auth.client.get("/practice/routine").get_data(
        as_text=True
    )
    for lesson_id, step in ((locked.lesson_ids[0], 0), (course.lesson_ids[0], 9), (999_999, 0)):
        response = auth.post(
            "/practice/routine/add", {"lesson_id": lesson_id, "step": step}, form_page="/practice/"
        )
        assert response.status_code == 404, (lesson_id, step)
    huge = auth.post("/practice/routine/add", {"lesson_id": 2**40, "step": 0}, form_page="/practice/")
    assert huge.status_code == 400 and "must be a whole number" in page_text(huge)
    assert routine_of(app, learner) == []


def test_no_learner_can_change_another_learners_routine(app, auth, learner, course):
    add_routine(auth, course, steps=(0,))
    [item] = item_ids(app, learner)
    auth.logout()
    other = make_user(app)
    grant(app, other, course)
    auth.login(other.email, other.password)
    for path, data in (("remove", {}), ("move", {"direction": "up"}), ("reps", {"reps": "9"})):
        response = auth.post(f"/practice/routine/{item}/{path}", data, form_page="/practice/")
        assert response.status_code == 404 and "not in your routine" in page_text(response), path
    assert routine_of(app, learner) == [("Knee to chest", 3)]
