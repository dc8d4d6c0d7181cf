"""Pre-rendering every leaflet for bulk printing: the list of jobs and ``flask --app rightsinfo leaflets``.

The command renders on every core by default (``--jobs``; see ``batch``) and writes each PDF as it
arrives, so the files and their names do not depend on how many processes made them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from rightsinfo import db, i18n
from rightsinfo.leaflets.batch import LeafletFailed, available_cores, render_all, render_job
from rightsinfo.leaflets.cache import seed
from rightsinfo.leaflets.model import (
    CARD,
    CARD_SIZE,
    DEFAULT_SIZE,
    DIRECTORY,
    NASKH,
    PAPERS,
    SIZES,
    URDU,
    Leaflet,
    leaflet_for,
)
from rightsinfo.site import site_of

__all__ = ["leaflet_jobs", "leaflets_command", "render_job", "render_leaflet"]


def render_leaflet(app: Flask, lang: str, slug: str, size: str = DEFAULT_SIZE, with_lang: str | None = None,
                   script: str | None = None) -> bytes:  # fmt: skip
    """Render a leaflet afresh (no cache) and return the PDF bytes; used by the CLI and ``make bench``."""
    return render_job(app, leaflet_for(lang, slug, size, with_lang, script))


def leaflet_jobs(app: Flask) -> list[Leaflet]:
    """Return every leaflet worth printing: each page, directory and card, per language and size.

    Besides each language alone: every non-English leaflet with English beside it (so the person
    handing it out knows what it says), and every Urdu leaflet again in Naskh.
    """
    with app.app_context():
        database = site_of(app).database.connection
        jobs = []
        for language in i18n.languages():
            lang = language.prefix
            slugs = [page["slug"] for page in db.topic_pages(database, lang)]
            second_languages = [None] if lang == i18n.ENGLISH else [None, i18n.ENGLISH]
            scripts = [None, NASKH] if lang == URDU else [None]
            for with_lang, script in itertools.product(second_languages, scripts):
                for size in SIZES:
                    every = [*slugs, DIRECTORY, PAPERS]
                    jobs += [leaflet_for(lang, slug, size, with_lang, script) for slug in every]
                jobs.append(leaflet_for(lang, CARD, CARD_SIZE, with_lang, script))
    return jobs


def language_prefixes(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[str, ...]:
    """Split ``--lang ps,ur --lang en`` into known prefixes; an unknown one is a usage error."""
    prefixes = tuple(prefix.strip() for value in values for prefix in value.split(",") if prefix.strip())
    unknown = [prefix for prefix in prefixes if prefix not in i18n.LOCALE_BY_PREFIX]
    if unknown:
        known = ", ".join(i18n.LOCALE_BY_PREFIX)
        raise click.BadParameter(f"unknown language {', '.join(unknown)} (known: {known})", ctx, param)
    return prefixes


@click.command("leaflets")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed-cache/--no-seed-cache", default=True, help="Also fill the server's leaflet cache.")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    callback=language_prefixes,
    help="Only these languages: repeat, or separate with commas (default: all).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=available_cores,
    show_default="one per CPU core",
    help="Processes rendering at once; 1 renders in this process.",
)
@with_appcontext
def leaflets_command(directory: Path, seed_cache: bool, langs: tuple[str, ...], jobs: int) -> None:
    """Pre-render every leaflet, in every language and size, into DIRECTORY for bulk printing."""
    app = current_app._get_current_object()
    leaflets = [job for job in leaflet_jobs(app) if not langs or job.lang in langs]
    started = time.monotonic()
    total_bytes = 0
    processes = max(1, min(jobs, len(leaflets)))
    with click.progressbar(
        length=len(leaflets),
        label=f"Rendering leaflets ({'in this process' if processes == 1 else f'{processes} processes'})",
        item_show_func=lambda filename: filename,
    ) as bar:
        try:
            for leaflet, body in render_all(app, leaflets, processes):
                target = directory / leaflet.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
                total_bytes += len(body)
                if seed_cache:
                    seed(app, leaflet, body)
                bar.update(1, leaflet.filename)
        except LeafletFailed as failure:
            raise click.ClickException(f"could not render {failure}") from failure
    click.echo(
        f"Rendered {len(leaflets)} leaflets ({total_bytes / 1e6:.1f} MB) "
        f"in {time.monotonic() - started:.1f} s → {directory}"
    )
