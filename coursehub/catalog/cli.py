"""``flask courses import|export``: the author's files in, the database back out."""

import sys
from pathlib import Path

import click

from coursehub.billing.products import current_bundles, sync_products
from coursehub.content.bundles import dump_bundles, load_bundles
from coursehub.content.exporter import export_catalog
from coursehub.content.files import ContentErrors, load_catalog
from coursehub.content.importer import import_catalog
from coursehub.content.quiz_lint import quiz_warnings
from coursehub.content.revisions import SyncKind, import_conflicts, record_sync
from coursehub.content.screening import SCREENING_FILE, load_screening
from coursehub.core.cli import CommandError, CommandGroup
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR

courses_cli = CommandGroup("courses", help="Import and export the course files.")


@courses_cli.command("import")
@click.argument("path", required=False, type=click.Path(path_type=Path), default=COURSES_DIR)
@click.option("--publish", is_flag=True, help="Also publish courses and modules that are drafts.")
@click.option("--force", is_flag=True, help="Overwrite lessons edited in the browser since the last export.")
def import_command(path: Path, publish: bool, force: bool) -> None:
    """Check every file under PATH (default: courses/), then create, update or archive rows at once.

    Stops (exit 2) when a lesson edited in the browser since the last export or import differs from its
    file, naming each one, unless --force: run `flask courses export` first to keep the browser's edits.
    """
    if not path.is_dir():
        raise CommandError(f"{path} is not a folder of courses")
    try:
        courses = load_catalog(path)
        bundles = load_bundles(path, courses)
        if (path / SCREENING_FILE).exists():
            load_screening(path)
    except ContentErrors as errors:
        for error in errors.errors:
            click.echo(f"Error: {error}", err=True)
        click.echo(f"Nothing was imported: fix the {len(errors.errors)} problem(s) above.", err=True)
        raise SystemExit(2) from None
    conflicts = import_conflicts(courses)
    if conflicts and not force:
        for conflict in conflicts:
            click.echo(f"Conflict: {conflict}", err=True)
        click.echo(
            f"Nothing was imported: {len(conflicts)} lesson(s) were edited in the browser since the last "
            "export. Export first to keep those edits, or import with --force to overwrite them.",
            err=True,
        )
        raise SystemExit(2)
    for warning in quiz_warnings(courses):
        click.echo(f"Warning: {warning}", err=True)
    with click.progressbar(
        length=len(courses),
        label="Importing courses",
        file=sys.stderr,
        item_show_func=lambda course: course.slug if course else None,
    ) as bar:
        report = import_catalog(courses, publish=publish, on_course=lambda course: bar.update(1, course))
    for outcome, count in sync_products(courses, bundles).items():
        getattr(report, outcome)["products"] += count
    record_sync(SyncKind.IMPORT)
    db.session.commit()
    if report.is_noop:
        click.echo("Nothing changed: the database already matches the files.")
    for line in report.lines():
        click.echo(line)


@courses_cli.command("export")
@click.argument("path", type=click.Path(path_type=Path))
def export_command(path: Path) -> None:
    """Write the current courses as files under PATH (the same format the import reads)."""
    if path.exists() and not path.is_dir():
        raise CommandError(f"{path} exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    courses = export_catalog(path)
    dump_bundles(current_bundles(), path)
    record_sync(SyncKind.EXPORT)
    db.session.commit()
    click.echo(
        f"Exported {len(courses)} courses, {sum(len(c.modules) for c in courses)} modules and "
        f"{sum(len(m.lessons) for c in courses for m in c.modules)} lessons to {path}"
    )
