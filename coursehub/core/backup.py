"""``flask backup create|verify``: a consistent copy of a SQLite database while the school runs.

SQLite's online backup API copies page by page under the database's own locks, so writers may carry on
and the copy is a single point in time (a plain file copy taken mid-write can be torn). PostgreSQL has
its own tools for this, ``pg_dump``/``pg_restore`` (see the README); the command says so rather than
doing it worse.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from coursehub.core.cli import CommandError, CommandGroup
from coursehub.core.extensions import db

backup_cli = CommandGroup("backup", help="Back up the SQLite database and check a backup.")


def create_backup(target: Path) -> None:
    """Copy the app's SQLite database to ``target`` with the online backup API."""
    url = make_url(db.engine.url)
    if url.get_backend_name() != "sqlite":
        raise CommandError(
            "flask backup is for SQLite; for PostgreSQL use pg_dump -Fc (see 'Backups' in README.md)"
        )
    if not url.database or url.database == ":memory:":
        raise CommandError("the database is in memory; there is no file to back up")
    if target.exists():
        raise CommandError(f"{target} exists; choose a new file so no backup is overwritten")
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def check_backup(path: Path) -> tuple[str, dict[str, int]]:
    """:return: SQLite's integrity verdict ("ok" when sound) and the row count of each table."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}  # noqa: S608 - names from sqlite_master
    finally:
        connection.close()
    return verdict, counts


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (a new file)."""
    create_backup(path)
    click.echo(f"backup written to {path}")


@backup_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(path: Path) -> None:
    """Check a backup's integrity and print its row counts; exit 1 if it is damaged."""
    try:
        verdict, counts = check_backup(path)
    except sqlite3.DatabaseError as error:
        click.echo(f"{path} is not a readable SQLite database: {error}", err=True)
        raise SystemExit(1) from None
    for name, count in counts.items():
        click.echo(f"{name}: {count}")
    if verdict != "ok":
        click.echo(f"integrity check failed: {verdict}", err=True)
        raise SystemExit(1)
    click.echo("integrity: ok")
