"""Command line: ``flask --app rightsinfo build`` and ``flask --app rightsinfo translations …``.

Commands print one line per problem and exit non-zero, so editors, ``make`` and CI all read the same
messages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from rightsinfo.build import build_site
from rightsinfo.config import DATABASE_NAME
from rightsinfo.content import ContentError
from rightsinfo.leaflets import leaflets_command
from rightsinfo.publish.export import export_command
from rightsinfo.publish.leaflets import prerender_leaflets
from rightsinfo.publish.published import write_published
from rightsinfo.publish.zim.book import zim_command
from rightsinfo.recordings.importing import audio_cli
from rightsinfo.site import content_dir, translations_dir
from rightsinfo.translation.status import translations_cli


def after_failure(instance: Path) -> str:
    """Say what readers get after a failed build: the last good version, or nothing when there is none."""
    if (instance / DATABASE_NAME).exists():
        return "The site keeps serving the last good version."
    return (
        "Nothing is running yet: there is no earlier good version to serve. "
        "Fix the lines above, then run the same command again."
    )


@click.command("build")
@click.option(
    "--leaflets/--no-leaflets",
    default=False,
    help="Then pre-render the leaflets the print page offers, once the new database serves.",
)
@with_appcontext
def build_command(leaflets: bool) -> None:
    """Check the content and catalogues and build the site's database."""
    instance = Path(current_app.instance_path)
    try:
        report = build_site(content_dir(), translations_dir(), instance)
    except ContentError as error:
        for line in error.problems:
            click.echo(line, err=True)
        click.echo(f"Build failed: {len(error.problems)} problem(s). {after_failure(instance)}", err=True)
        sys.exit(1)
    published = write_published(current_app._get_current_object())  # once: no request crawls
    click.echo(
        f"Built {report.pages} pages and {report.organisations} organisations "
        f"(version {report.content_version}) in {report.seconds:.2f} s → {report.database}; "
        f"{len(published)} offline packs and guides"
    )
    if leaflets:
        echo_prerender(current_app._get_current_object())


def echo_prerender(app: Flask) -> None:
    """Pre-render the printed leaflets of the build that has just landed, with a progress line each."""
    report = prerender_leaflets(app, progress=lambda filename: click.echo(f"  {filename}"))
    click.echo(
        f"Pre-rendered {report.rendered} leaflets ({report.bytes_written / 1e6:.1f} MB) "
        f"in {report.seconds:.1f} s; {report.already_made} were already made"
    )


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        build_command,
        leaflets_command,
        translations_cli,
        export_command,
        zim_command,
        audio_cli,
    ):
        app.cli.add_command(command)
