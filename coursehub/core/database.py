"""Binding the database to the app: SQLAlchemy, migrations, and SQLite made to behave."""

from flask import Flask
from sqlalchemy import event, text

from coursehub.core.extensions import db, migrate
from coursehub.core.paths import MIGRATIONS_DIR

# How long a SQLite writer waits for the one before it; far longer than any request holds the lock.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def register_database(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate; the factory imports every model first (``coursehub.models``)."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _make_sqlite_transactional(db.engine)
        elif db.engine.dialect.name == "postgresql":
            _speak_utc(db.engine)


def _make_sqlite_transactional(engine) -> None:
    """Foreign keys on, and writers that queue behind each other instead of failing with "locked".

    SQLAlchemy, not pysqlite, starts transactions: pysqlite's own handling breaks SAVEPOINT (SQLAlchemy
    docs, "Serializable isolation / Savepoints / Transactional DDL"). Every transaction begins
    IMMEDIATE, taking the write lock at once: a deferred one that reads and then writes cannot upgrade
    once another writer has committed (SQLITE_BUSY, which no timeout cures), and a request rarely knows
    in advance whether it will write (a lesson page records the visit). SQLite allows one writer at a time
    anyway; this makes the others wait their turn (``busy_timeout``) rather than fail. Rails and Django
    (``transaction_mode``) make the same choice. WAL lets the checkpointer and backups read meanwhile.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed data
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _speak_utc(engine) -> None:
    """Each PostgreSQL session in UTC, whatever the server's default: every column is UTC
    (``db_types.UTCDateTime``), and psycopg then hands out datetimes already in ``timezone.utc``, so
    converting them costs nothing (a third of the ledger export's time went to converting from
    the server's zone)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def skip_waiting_for_disk() -> None:
    """Let this transaction's commit return before PostgreSQL has flushed it to disk.

    For writes the next request repeats anyway (a playback position every 15 s): a crash of the database
    server may lose the last fraction of a second of them, never corrupts anything, and the commit no
    longer waits for an fsync. Never for money, access or accounts. SQLite in WAL mode with
    ``synchronous=NORMAL`` already commits without a sync, so there it does nothing.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
