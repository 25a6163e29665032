"""Role checks for views, defined once."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from coursehub.accounts.models import Role


def role_required(*roles: Role) -> Callable:
    """Log-in required, and then one of ``roles``; anyone else gets 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
