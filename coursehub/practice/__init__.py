"""Practice and outcomes (DESIGN.md §6): safety screening and consent, personal routines, practice
sessions, the pain journal, the learner's charts and reports, and the author's anonymised outcomes."""

from flask import Blueprint

bp = Blueprint("practice", __name__, url_prefix="/practice")
