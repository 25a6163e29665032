"""flask backup: a SQLite copy taken while the app runs restores to the same rows; damage is caught.

These run on SQLite whatever the suite's backend, since the command is for SQLite; PostgreSQL is
refused with a pointer to pg_dump.
"""

import flask_migrate
import pytest
from sqlalchemy import select

from coursehub import create_app
from coursehub.accounts.models import User
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import settings_for


def sqlite_app(path, smtp_controller):
    return create_app(settings_for(f"sqlite:///{path}", smtp_controller))


@pytest.fixture
def school(tmp_path, smtp_controller):
    """A SQLite school with two learners, committed to its file."""
    app = sqlite_app(tmp_path / "school.db", smtp_controller)
    with app.app_context():
        flask_migrate.upgrade()
    make_user(app, email="ada@example.com")
    make_user(app, email="grace@example.com")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def emails(app) -> list[str]:
    with app.app_context():
        found = list(db.session.scalars(select(User.email).order_by(User.email)))
        db.session.remove()
        db.engine.dispose()
        return found


def test_a_backup_restores_to_the_same_rows(school, tmp_path, smtp_controller):
    target = tmp_path / "backup.db"
    created = school.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert created.exit_code == 0 and "backup written" in created.output

    verified = school.test_cli_runner().invoke(args=["backup", "verify", str(target)])
    assert verified.exit_code == 0
    assert "users: 2" in verified.output and "integrity: ok" in verified.output

    restored = sqlite_app(target, smtp_controller)
    assert emails(restored) == emails(school) == ["ada@example.com", "grace@example.com"]


def test_a_damaged_backup_fails_verification(school, tmp_path):
    target = tmp_path / "backup.db"
    school.test_cli_runner().invoke(args=["backup", "create", str(target)])
    data = bytearray(target.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # overwrite the second page
    target.write_bytes(bytes(data))
    result = school.test_cli_runner().invoke(args=["backup", "verify", str(target)])
    assert result.exit_code == 1


def test_an_existing_file_is_never_overwritten(school, tmp_path):
    target = tmp_path / "backup.db"
    target.write_text("an older backup")
    result = school.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 2 and "exists" in result.output
    assert target.read_text() == "an older backup"


def test_postgresql_is_pointed_at_pg_dump(tmp_path, smtp_controller):
    app = create_app(settings_for("postgresql+psycopg://nobody@127.0.0.1:1/none", smtp_controller))
    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "pg_dump" in result.output and "README" in result.output
