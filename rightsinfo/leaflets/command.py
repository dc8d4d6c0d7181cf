"""Pre-rendering every leaflet for bulk printing: the list of jobs and ``flask --app rightsinfo leaflets``."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from rightsinfo import db, i18n
from rightsinfo.leaflets.cache import seed
from rightsinfo.leaflets.context import document_html
from rightsinfo.leaflets.model import (
    CARD,
    CARD_SIZE,
    DEFAULT_SIZE,
    DIRECTORY,
    NASKH,
    SIZES,
    URDU,
    Leaflet,
    leaflet_for,
)
from rightsinfo.leaflets.render import RENDERER
from rightsinfo.site import site_of


def render_job(app: Flask, leaflet: Leaflet) -> bytes:
    """Render one leaflet to PDF bytes, outside any request (no cache, no render slots)."""
    with app.test_request_context(f"/{leaflet.lang}/print/"):
        app.preprocess_request()
        html, base_url = document_html(leaflet)
        return RENDERER.render(html, base_url)


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
                    jobs += [leaflet_for(lang, slug, size, with_lang, script) for slug in [*slugs, DIRECTORY]]
                jobs.append(leaflet_for(lang, CARD, CARD_SIZE, with_lang, script))
    return jobs


@click.command("leaflets")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed-cache/--no-seed-cache", default=True, help="Also fill the server's leaflet cache.")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=click.Choice(list(i18n.LOCALE_BY_PREFIX)),
    help="Only these languages (repeat for several; default: all).",
)
@with_appcontext
def leaflets_command(directory: Path, seed_cache: bool, langs: tuple[str, ...]) -> None:
    """Pre-render every leaflet, in every language and size, into DIRECTORY for bulk printing."""
    app = current_app._get_current_object()
    jobs = [job for job in leaflet_jobs(app) if not langs or job.lang in langs]
    started = time.monotonic()
    total_bytes = 0
    with click.progressbar(
        jobs, label="Rendering leaflets", item_show_func=lambda j: j and j.filename
    ) as bar:
        for job in bar:
            body = render_job(app, job)
            target = directory / job.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            total_bytes += len(body)
            if seed_cache:
                seed(app, job, body)
    click.echo(
        f"Rendered {len(jobs)} leaflets ({total_bytes / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s "
        f"→ {directory}"
    )
