"""Pages that are the same for every visitor who is not signed in, served from the cache (``core.cache``).

Only a plain visit is answered from the cache, decided from the request alone so that a hit costs no
SQL: no sign-in in the session, no remember-me cookie that would sign one in, no flashed message
waiting. Everyone else gets the page built for them, and it is never kept. A page built for a plain
visit is kept only if building it left nothing of the visitor's in it: no CSRF token, no session change,
no signed-in user. Headers are not kept: every response still gets its own request id and security
headers from the app's hooks, and a hit leaves the session untouched, so it sets no cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request, session
from flask_login.config import COOKIE_NAME

from coursehub.core.cache import cached

_PERSONAL_SESSION_KEYS = ("_user_id", "_remember", "_flashes")


def is_plain_visit() -> bool:
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    if remember_cookie in request.cookies:
        return False
    return not any(key in session for key in _PERSONAL_SESSION_KEYS)


def _stayed_impersonal() -> bool:
    """Whether the page just built holds nothing of this visitor's (checked after building it)."""
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    user = g.get("_login_user")
    return not (session.modified or csrf_field in g or (user is not None and user.is_authenticated))


def visitor_page(namespace: str, key: str, build: Callable[[], tuple[str, Callable[[], float]]]) -> str:
    """The page ``build`` makes, shared by plain visits (see ``core.cache.cached`` for ``build``).

    :param namespace: whose version, moved by the writes that change the page, the entry is kept under.
    :param key: the page's fixed name within the namespace.
    """
    if not is_plain_visit():
        return build()[0]
    return cached(namespace, key, build, keep=_stayed_impersonal)
