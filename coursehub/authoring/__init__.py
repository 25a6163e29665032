"""The author's studio under /author: write, preview, publish and schedule in the browser."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from coursehub.accounts.models import Role

bp = Blueprint("authoring", __name__, url_prefix="/author")


@bp.before_request
@login_required
def _staff_only():
    """Every studio route, defined once: visitors are sent to log in, learners get a 403."""
    if not current_user.has_role(Role.AUTHOR, Role.ADMIN):
        abort(403)


@bp.after_request
def _private(response):
    # Drafts and learners' numbers: never kept by a shared cache or the browser's back button.
    response.headers["Cache-Control"] = "private, no-store"
    return response
