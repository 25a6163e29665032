"""Practice tests: a paid course whose lessons carry routines, and a learner who holds it."""

import pytest

from tests.factories import make_course
from tests.practice.support import give_routines


@pytest.fixture
def course(app):
    course = make_course(app, lessons=2, preview=())
    give_routines(app, course)
    return course
