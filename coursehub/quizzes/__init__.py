"""Quizzes: drawing attempts from a module's pool and grading them on the server.

The quiz pages need the access rule, so they live a layer up, in ``learning/quiz_views.py``, on this
blueprint.
"""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
