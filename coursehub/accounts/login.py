"""Flask-Login wiring: how a session cookie becomes a user, and what a visitor sees instead."""

from flask import redirect, request, url_for

from coursehub.accounts.models import User
from coursehub.accounts.sessions import user_for_token
from coursehub.core.errors import json_error, wants_json
from coursehub.core.extensions import login_manager


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The session cookie and the remember-me cookie carry a sign-in's token; it must still be live."""
    return user_for_token(session_token)


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return json_error(401, "unauthorized", "Log in to continue.")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
