"""The admin's back office: sales, orders, refunds, learners, conversion and the audit log.

Every route of the blueprint is for admins only, checked once here: a visitor is sent to log in, anyone
else gets 403. Nothing an admin sees here is cached anywhere.
"""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from coursehub.accounts.models import Role
from coursehub.billing.money import format_price

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    if not current_user.has_role(Role.ADMIN):
        abort(403)


@bp.after_request
def _never_cached(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def acting_admin() -> str:
    """How the audit log and refund requests name the admin acting in this request."""
    return current_user.email


@bp.context_processor
def _money_helper():
    return {"money": format_price}
