"""The migrations are the schema: one head, a clean round trip, and no drift from the models."""

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from coursehub import create_app
from coursehub.extensions import db
from tests.databases import drop_database, fresh_database
from tests.helpers import settings_for


@pytest.fixture
def empty_app(tmp_path, smtp_controller):
    url = fresh_database("migrations", tmp_path)
    app = create_app(settings_for(url, smtp_controller))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


def table_names(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_there_is_exactly_one_head(empty_app):
    with empty_app.app_context():
        config = empty_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_from_empty_to_head_then_downgrade_to_base(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
    assert {"users", "outbox_messages", "alembic_version"} <= table_names(empty_app)
    with empty_app.app_context():
        flask_migrate.downgrade(revision="base")
    assert table_names(empty_app) <= {"alembic_version"}


def test_models_and_migrations_agree(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []
