"""Quizzes: drawing attempts from a module's pool, grading on the server, feedback that teaches."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
