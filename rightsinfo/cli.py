"""Command line: ``flask --app rightsinfo build`` and ``flask --app rightsinfo translations …``.

Commands print one line per problem and exit non-zero, so editors, ``make`` and CI all read the same
messages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from rightsinfo.build import build_site
from rightsinfo.content import ContentError


def content_dir() -> Path:
    """Return the content folder from the settings."""
    return Path(current_app.config["CONTENT_DIR"])


def translations_dir() -> Path:
    """Return the translations folder from the settings."""
    return Path(current_app.config["TRANSLATIONS_DIR"])


@click.command("build")
@with_appcontext
def build_command() -> None:
    """Check the content and catalogues and build the site's database."""
    try:
        report = build_site(content_dir(), translations_dir(), Path(current_app.instance_path))
    except ContentError as error:
        for line in error.problems:
            click.echo(line, err=True)
        click.echo(
            f"Build failed: {len(error.problems)} problem(s). The site keeps serving the last good version.",
            err=True,
        )
        sys.exit(1)
    click.echo(
        f"Built {report.pages} pages and {report.organisations} organisations "
        f"(version {report.content_version}) in {report.seconds:.2f} s → {report.database}"
    )


translations_cli = AppGroup("translations", help="Status, checks and upkeep of translations.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    from rightsinfo import translation_status  # noqa: F401 - registers its commands on the group
    from rightsinfo.leaflets import leaflets_command

    app.cli.add_command(build_command)
    app.cli.add_command(leaflets_command)
    app.cli.add_command(translations_cli)
    from rightsinfo.export import export_command

    app.cli.add_command(export_command)
    from rightsinfo.zim import zim_command

    app.cli.add_command(zim_command)
