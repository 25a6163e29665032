"""Binding the database to the app: SQLAlchemy, migrations, and SQLite made to behave."""

from flask import Flask
from sqlalchemy import event

from coursehub.core.extensions import db, migrate
from coursehub.core.paths import MIGRATIONS_DIR


def register_database(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate; the factory imports every model first (``coursehub.models``)."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _make_sqlite_transactional(db.engine)


def _make_sqlite_transactional(engine) -> None:
    """Turn on foreign keys and let SQLAlchemy, not pysqlite, start transactions.

    pysqlite's own transaction handling breaks SAVEPOINT (SQLAlchemy docs, "Serializable isolation /
    Savepoints / Transactional DDL"); without it, nested transactions and rollbacks misbehave.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
