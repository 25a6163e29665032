"""Flask-Login wiring: how a session cookie becomes a user, and what a visitor sees instead."""

from flask import redirect, request, url_for

from coursehub.accounts.models import User
from coursehub.core.errors import json_error, wants_json
from coursehub.core.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Session ids are ``<user id>.<session version>``; a changed password ends older sessions."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return json_error(401, "unauthorized", "Log in to continue.")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
