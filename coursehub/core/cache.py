"""What is the same for every visitor, kept once and dropped when a version moves.

- **The store**: Redis when ``REDIS_URL`` is set (one copy for every worker and app server), otherwise a
  dict in each process. An entry lives at most the seconds it was kept for.
- **The version**: a random token per namespace (``catalog``, say), in Redis, or without it in a small
  file under the instance folder that every worker and every ``flask`` command of the server reads. An
  entry carries the token it was built under and is a miss once the token has moved, in every process at
  once; nothing is deleted. A random token rather than a counter, so a lost version (Redis emptied, the
  file removed) never comes back equal to an old one that stale entries still carry.
- **Changes** mark a namespace on the database session, by hand (``mark_changed``, for a bulk UPDATE
  the flush never sees) or for every flush that adds, changes or deletes a row of a watched model
  (``watch``). The version moves after the commit: a page built from the old rows is never kept under
  the new token, and a rollback moves nothing.

A version file reaches the processes of one machine only: with several app servers, set ``REDIS_URL``.
A failing store (Redis down, the instance folder read-only) costs a render, never the request; a bump
it loses is logged, and entries then still end by their own lifetime. Keys are a few names fixed in the
code, never request input: the in-process store has no other bound.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from coursehub.core.extensions import db

EXTENSION = "coursehub.cache"
STORE_ERRORS = (redis.RedisError, OSError)
_CHANGED = "coursehub.cache.changed"  # the session.info key of the namespaces changed since the commit
_watched: dict[type, str] = {}
log = logging.getLogger("coursehub.cache")


def _token() -> str:
    return secrets.token_hex(8)


class RedisStore:
    """Versions and entries in Redis: ``<prefix>:version:<namespace>`` and ``<prefix>:entry:<ns>:<key>``.

    An entry is its version, a newline and the page, so one MGET answers a lookup.
    """

    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix

    def _version_key(self, namespace: str) -> str:
        return f"{self.prefix}:version:{namespace}"

    def _entry_key(self, namespace: str, key: str) -> str:
        return f"{self.prefix}:entry:{namespace}:{key}"

    def lookup(self, namespace: str, key: str) -> tuple[str, str | None]:
        """:return: the namespace's version, and the page kept under it for ``key`` (or None)."""
        version, entry = self.client.mget(self._version_key(namespace), self._entry_key(namespace, key))
        if version is None:  # never set, or lost: start one, unless another worker just did
            fresh = _token()
            if not self.client.set(self._version_key(namespace), fresh, nx=True):
                fresh = (self.client.get(self._version_key(namespace)) or fresh.encode()).decode()
            return fresh, None
        kept_under, _, page = (entry or b"").partition(b"\n")
        return version.decode(), page.decode() if entry and kept_under == version else None

    def keep(self, namespace: str, key: str, version: str, page: str, seconds: float) -> None:
        value = version.encode() + b"\n" + page.encode()
        self.client.set(self._entry_key(namespace, key), value, px=max(1, round(seconds * 1000)))

    def bump(self, namespace: str) -> None:
        self.client.set(self._version_key(namespace), _token())


class LocalStore:
    """Entries in this process; versions in ``<folder>/<prefix>.<namespace>.version``, replaced whole."""

    def __init__(self, folder: Path, prefix: str):
        self.folder, self.prefix = folder, prefix
        self.entries: dict[tuple[str, str], tuple[str, float, str]] = {}

    def _path(self, namespace: str) -> Path:
        return self.folder / f"{self.prefix}.{namespace}.version"

    def lookup(self, namespace: str, key: str) -> tuple[str, str | None]:
        try:
            version = self._path(namespace).read_text()
        except FileNotFoundError:
            self.bump(namespace)
            version = self._path(namespace).read_text()
        kept_under, until, page = self.entries.get((namespace, key), ("", 0.0, ""))
        return version, page if kept_under == version and time.monotonic() < until else None

    def keep(self, namespace: str, key: str, version: str, page: str, seconds: float) -> None:
        self.entries[(namespace, key)] = (version, time.monotonic() + seconds, page)

    def bump(self, namespace: str) -> None:
        """Write the new token beside the file and rename it over: a reader sees the old or the new one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".version-")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(_token())
            os.replace(temporary, self._path(namespace))
        finally:
            Path(temporary).unlink(missing_ok=True)


def store() -> RedisStore | LocalStore:
    return current_app.extensions[EXTENSION]


def mark_changed(namespace: str) -> None:
    """Move ``namespace``'s version once this session commits (for writes the flush does not see)."""
    db.session.info.setdefault(_CHANGED, set()).add(namespace)


def watch(models: Iterable[type], namespace: str) -> None:
    """Mark ``namespace`` changed whenever a flush adds, changes or deletes a row of one of ``models``."""
    for model in models:
        _watched[model] = namespace


def _before_flush(session: Session, _context, _instances) -> None:
    changed = {_watched.get(type(row)) for row in (*session.new, *session.deleted)}
    changed |= {
        _watched.get(type(row)) for row in session.dirty if type(row) in _watched and session.is_modified(row)
    }
    changed.discard(None)
    if changed:
        session.info.setdefault(_CHANGED, set()).update(changed)


def _after_commit(session: Session) -> None:
    namespaces = session.info.pop(_CHANGED, None)
    if not namespaces:
        return
    if not has_app_context():  # a session of a script outside the app: there is no store to tell
        log.warning("cache versions not moved: a commit outside the app changed %s", sorted(namespaces))
        return
    for namespace in namespaces:
        try:
            store().bump(namespace)
        except STORE_ERRORS:
            log.exception("cache version of %s not moved; its entries end with their lifetime", namespace)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint within it
        session.info.pop(_CHANGED, None)


def cached(
    namespace: str, key: str, build: Callable[[], tuple[str, Callable[[], float]]], keep: Callable[[], bool]
) -> str:
    """The page kept for ``key`` under ``namespace``'s current version, or ``build()``'s.

    :param build: returns the page, and a function saying for how many more seconds it stays true
        (asked only when the page is kept; zero or less keeps nothing).
    :param keep: asked after a build; False leaves that page out of the store.
    """
    try:
        version, page = store().lookup(namespace, key)
    except STORE_ERRORS:
        log.warning("cache lookup failed; the page is built without it", exc_info=True)
        return build()[0]
    if page is not None:
        return page
    page, lifetime = build()
    if keep() and (seconds := lifetime()) > 0:
        try:
            store().keep(namespace, key, version, page, seconds)
        except STORE_ERRORS:
            log.warning("cache store failed; the page was served but not kept", exc_info=True)
    return page


def register_cache(app: Flask) -> None:
    prefix = app.config["CACHE_PREFIX"]
    if app.config["REDIS_URL"]:
        app.extensions[EXTENSION] = RedisStore(app.config["REDIS_URL"], prefix)
    else:
        app.extensions[EXTENSION] = LocalStore(Path(app.instance_path) / "cache", prefix)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
