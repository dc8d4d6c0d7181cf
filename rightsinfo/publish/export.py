"""Static export: the whole site as plain files, for nginx, a CDN, object storage or a laptop hotspot.

``flask --app rightsinfo export DIR`` asks the app itself, through the one crawl (``publish.crawl``),
for every address a reader can reach (every page of every language, the organisations, manifests,
service workers and their offline packs, search packs, one-file guides, leaflets, fingerprinted static
files, the volunteers' recordings a page may play and the error pages), so each file holds exactly the
bytes the app serves. It then follows every link in the pages it wrote, so an address that only a
template knows is not forgotten, and a link to nowhere stops the export instead of shipping. Text
files get ``.gz`` and ``.br`` twins, the very bytes the app sends compressed, for servers that send
them as they are (nginx ``gzip_static``).

An address becomes a file by the rules static hosts already follow: ``/ps/asylum/`` is
``ps/asylum/index.html``, ``/ps/search`` is ``ps/search.html`` and ``/ps/sw.js`` stays ``ps/sw.js``.
Pages with a query string (search results, directory filters) are not exported: in the browser the
offline search answers them from the language's search pack. Leaflets are exported in their default
form only (A4, a second language or Naskh are asked for with a query). The chooser at ``/`` is exported as the
app answers a browser that sends no ``Accept-Language``, English first; a static file cannot reorder
itself by the reader's languages.

The export is reproducible (the same build gives byte-identical files; gzip carries no timestamp) and
replaces the target folder only once every file is written.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext

from rightsinfo import i18n
from rightsinfo.config import placeholder_address_warning
from rightsinfo.offline import recording_files
from rightsinfo.publish.crawl import (
    ERROR_PAGE,
    CrawlError,
    crawl,
    file_for_url,
    in_fresh_context,
    source_of,
    with_bar,
)
from rightsinfo.publish.pack import pack_urls, pack_version
from rightsinfo.publish.published import write_published
from rightsinfo.serving import COMPRESSIBLE_TYPES, brotli_compress, gzip_compress
from rightsinfo.site import current_site


class ExportError(CrawlError):
    """The export cannot be written as it stands; ``problems`` says why, one line each."""


@dataclass
class ExportReport:
    """What an export wrote."""

    directory: Path
    files: int = 0
    plain_bytes: int = 0
    gzip_bytes: int = 0
    urls: list[str] = field(default_factory=list)


def leaflet_urls(app: Flask) -> list[str]:
    """Return the addresses of the leaflets a static host can serve: those with no query options.

    A leaflet in A4, with English beside it or in Naskh is asked for with a query string, which a
    static host ignores, so only each leaflet's default form is exported.
    """
    from rightsinfo import leaflets

    endpoints = {
        leaflets.PAGE: "leaflets.page_leaflet",
        leaflets.DIRECTORY: "leaflets.directory_leaflet",
        leaflets.CARD: "leaflets.emergency_card",
        leaflets.PAPERS: "leaflets.papers_leaflet",
    }
    urls = []
    with app.test_request_context():
        for job in leaflets.leaflet_jobs(app):
            if job.kind not in endpoints or job.with_lang or job.script:
                continue
            if job.size not in {leaflets.DEFAULT_SIZE, leaflets.CARD_SIZE}:
                continue
            values = {"slug": job.topics[0]} if job.kind == leaflets.PAGE else {}
            urls.append(url_for(endpoints[job.kind], lang=job.lang, **values))
    return urls


def seed_urls(app: Flask) -> list[str]:
    """Return every address the export starts from, in a stable order."""
    urls = ["/", ERROR_PAGE]
    with app.test_request_context():
        for language in i18n.languages():
            lang = language.prefix
            urls += pack_urls(lang)
            urls += [
                url_for("offline.service_worker", lang=lang),
                url_for("offline.pack", lang=lang, version=pack_version()),
                url_for("guide.guide", lang=lang),
                f"/{lang}{ERROR_PAGE}",
            ]
            urls += [url for url, _bytes in recording_files(lang)]  # no page links them: listen.js does
        assets = current_site().assets
        urls += [assets.url(name) for name in sorted(assets.urls)]
    urls += leaflet_urls(app)
    return list(dict.fromkeys(urls))


def compressed_twins(client, url: str, body: bytes) -> tuple[bytes, bytes]:
    """Return the gzip and brotli forms the app sends (it compresses once, gzip with no timestamp).

    A body the app does not compress (too small to gain, or an error page) is compressed here the
    same way, so every text file has both twins and the export stays reproducible.
    """
    twins = []
    for encoding, compress in (("gzip", gzip_compress), ("br", brotli_compress)):
        response = client.get(source_of(url), headers={"Accept-Encoding": encoding})
        if response.headers.get("Content-Encoding") == encoding:
            twins.append(response.get_data())
        else:
            twins.append(compress(body))
    return twins[0], twins[1]


def write_file(
    root: Path, relative: str, body: bytes, twins: tuple[bytes, bytes] | None, report: ExportReport
) -> None:
    """Write one file, and its .gz and .br twins when it is text."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    report.files += 1
    report.plain_bytes += len(body)
    if twins is None:
        report.gzip_bytes += len(body)
        return
    path.with_name(path.name + ".gz").write_bytes(twins[0])
    path.with_name(path.name + ".br").write_bytes(twins[1])
    report.gzip_bytes += len(twins[0])


def looks_like_export(directory: Path) -> bool:
    """Return whether a folder is empty or an earlier export, so replacing it loses nothing else."""
    if not directory.exists():
        return True
    if not directory.is_dir():
        return False
    names = {path.name for path in directory.iterdir()}
    return not names or {"index.html", "404.html", "static"} <= names


def replace_directory(staging: Path, target: Path) -> None:
    """Put the finished export in place of the old one (two renames, then delete the old)."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


def export_site(
    app: Flask,
    target: Path,
    progress: Callable[[Iterable[str]], Iterable[str]] | None = None,
) -> ExportReport:
    """Write every address of the site under ``target``; raise CrawlError naming each problem."""
    return in_fresh_context(write_export, app, target, progress)


def write_export(
    app: Flask,
    target: Path,
    progress: Callable[[Iterable[str]], Iterable[str]] | None,
) -> ExportReport:
    """Fetch every address, write it and its twins into a staging folder, then swap it in."""
    target = target.resolve()
    if not looks_like_export(target):
        raise ExportError([f"{target}: not empty and not an earlier export; choose another folder"])
    staging = target.with_name(f".{target.name}.new")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    write_published(app)  # the build writes them; an export of a site built without them still has them
    report = ExportReport(directory=target)
    problems: list[str] = []
    client = app.test_client()
    for fetched in crawl(client, seed_urls(app), progress, problems):
        is_text = fetched.content_type.startswith(COMPRESSIBLE_TYPES)
        twins = compressed_twins(client, fetched.url, fetched.body) if is_text else None
        write_file(staging, file_for_url(fetched.url), fetched.body, twins, report)
        report.urls.append(fetched.url)
    if problems:
        shutil.rmtree(staging)
        raise ExportError(problems)
    replace_directory(staging, target)
    return report


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Write the whole site as static files into DIRECTORY, for nginx, a CDN or a hotspot."""
    warning = placeholder_address_warning(current_app.config)
    if warning:
        click.echo(warning, err=True)
    app = current_app._get_current_object()  # the real app, not the proxy: the export makes a client
    try:
        report = export_site(app, directory, progress=with_bar("Exporting"))
    except CrawlError as error:
        for line in error.problems:
            click.echo(line, err=True)
        click.echo(f"Export failed: {len(error.problems)} problem(s); nothing was replaced.", err=True)
        sys.exit(1)
    click.echo(
        f"Exported {report.files} files ({report.plain_bytes / 1024:.0f} KB, "
        f"{report.gzip_bytes / 1024:.0f} KB gzipped) → {report.directory}"
    )
