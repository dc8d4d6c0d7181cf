"""Static export: the whole site as plain files, for nginx, a CDN, object storage or a laptop hotspot.

``flask --app rightsinfo export DIR`` asks the app itself for every address a reader can reach (every
page of every language, the organisations, manifests, service workers and their precache lists, search
packs, one-file guides, leaflets, fingerprinted static files and the error pages) through the test
client, so each file holds exactly the bytes the app serves. It then follows every link in the pages
it wrote, so an address that only a template knows is not forgotten, and a link to nowhere stops the
export instead of shipping. Text files get ``.gz`` and ``.br`` twins, the very bytes the app sends
compressed, for servers that send them as they are (nginx ``gzip_static``).

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

import contextvars
import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import click
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext

from rightsinfo import i18n
from rightsinfo.config import placeholder_address_warning
from rightsinfo.serving import COMPRESSIBLE_TYPES, brotli_compress, gzip_compress
from rightsinfo.site import current_site

ERROR_PAGE = "/404.html"
# Deeper than any route, so the 404 page in that language links to the homes, not to more 404s.
MISSING_PAGE = "/no/such/page/404.html"
# Form actions are not followed: a GET form always adds a query, which a static host ignores.
LINK_ATTRIBUTES = frozenset({"href", "src", "data-share-qr"})  # the QR code the footer opens
CSS_URL_PATTERN = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")

# What a static host will say a file is, from its name alone; the export refuses an address whose
# type in the app differs, because the host could not serve it the same way.
TYPE_BY_SUFFIX = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".zst": "application/zstd",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
}


class ExportError(Exception):
    """The export cannot be written as it stands; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ExportReport:
    """What an export wrote."""

    directory: Path
    files: int = 0
    plain_bytes: int = 0
    gzip_bytes: int = 0
    urls: list[str] = field(default_factory=list)


def file_for_url(url: str) -> str:
    """Return the export's relative file path for a site address (the rules static hosts follow)."""
    path = urlsplit(url).path
    if path.endswith("/"):
        path += "index.html"
    elif "." not in path.rsplit("/", 1)[-1]:
        path += ".html"
    relative = path.lstrip("/")
    if any(part in {"", ".", ".."} for part in relative.split("/")):
        raise ExportError([f"{url}: not an address that can be a file"])
    return relative


class LinkCollector(HTMLParser):
    """Collect the addresses an HTML page points at (href and src)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep every link-like attribute value."""
        self.links += [value for name, value in attrs if name in LINK_ATTRIBUTES and value]

    handle_startendtag = handle_starttag


def internal_links(body: bytes, content_type: str, page_url: str) -> set[str]:
    """Return this site's addresses (no query, no fragment) that a page, stylesheet or manifest names."""
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        collector = LinkCollector()
        collector.feed(text)
        found = collector.links
    elif content_type.startswith("text/css"):
        found = CSS_URL_PATTERN.findall(text)
    elif content_type.startswith("application/manifest+json"):
        manifest = json.loads(text)
        found = [icon["src"] for icon in manifest.get("icons", [])]
        found += [manifest[key] for key in ("start_url", "scope") if key in manifest]
    else:
        return set()
    urls = set()
    for link in found:
        parts = urlsplit(urljoin(page_url, link))
        if parts.scheme or parts.netloc or parts.query or not parts.path.startswith("/"):
            continue
        urls.add(parts.path)
    return urls


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
    from rightsinfo.offline import pack_urls, pack_version

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
        assets = current_site().assets
        urls += [assets.url(name) for name in sorted(assets.urls)]
    urls += leaflet_urls(app)
    return list(dict.fromkeys(urls))


def is_error_page(url: str) -> bool:
    """Return whether an address is one of the exported 404 pages."""
    return url.endswith(ERROR_PAGE)


def source_of(url: str) -> str:
    """Return the address to ask the app for: an error page comes from an address no route matches."""
    if is_error_page(url):
        return url[: -len(ERROR_PAGE)] + MISSING_PAGE
    return url


def fetch(client, url: str) -> tuple[bytes, str, list[str]]:
    """Ask the app for an address as a browser would; return body, type and problems."""
    response = client.get(source_of(url))
    expected = 404 if is_error_page(url) else 200
    if response.status_code != expected:
        return b"", "", [f"{url}: the app answers {response.status_code}, not {expected}"]
    content_type = response.headers.get("Content-Type", "")
    suffix = Path(file_for_url(url)).suffix
    wanted = TYPE_BY_SUFFIX.get(suffix)
    if wanted is None or response.mimetype != wanted:
        return b"", "", [f"{url}: the app sends {response.mimetype}, a static host would send {wanted}"]
    return response.get_data(), content_type, []


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
    """Write every address of the site under ``target``; raise ExportError naming each problem.

    Flask-Babel keeps a request's locale and catalogue in the app context, so under an outer app
    context (the command line's) every page would reuse the first page's language. The export runs
    in an empty context instead, where each request gets an app context of its own.
    """
    return contextvars.Context().run(write_export, app, target, progress)


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
    report = ExportReport(directory=target)
    problems: list[str] = []
    client = app.test_client()
    for url, body, content_type in crawl(client, seed_urls(app), progress, problems):
        is_text = content_type.startswith(COMPRESSIBLE_TYPES)
        twins = compressed_twins(client, url, body) if is_text else None
        write_file(staging, file_for_url(url), body, twins, report)
        report.urls.append(url)
    if problems:
        shutil.rmtree(staging)
        raise ExportError(problems)
    replace_directory(staging, target)
    return report


def crawl(
    client,
    queue: list[str],
    progress: Callable[[Iterable[str]], Iterable[str]] | None,
    problems: list[str],
    follow: Callable[[str], bool] | None = None,
) -> Iterator[tuple[str, bytes, str]]:
    """Yield (address, body, type) for every address in ``queue`` and every internal link they lead to.

    ``follow`` says which links to take (all, when None). An address the app does not answer as it
    should is added to ``problems``, naming the page that linked to it, and the crawl goes on.
    """
    linked_from: dict[str, str | None] = dict.fromkeys(queue)
    for url in (progress or iter)(Pending(queue)):
        body, content_type, trouble = fetch(client, url)
        if trouble:
            referrer = linked_from[url]
            problems += [f"{line} (linked from {referrer})" if referrer else line for line in trouble]
            continue
        yield url, body, content_type
        for link in sorted(internal_links(body, content_type, url) - linked_from.keys()):
            if follow is None or follow(link):
                linked_from[link] = url
                queue.append(link)


class Pending:
    """The export's queue as an iterable that grows while it is walked, with a live length."""

    def __init__(self, queue: list[str]):
        self.queue = queue

    def __len__(self) -> int:
        """Return how many addresses are known so far."""
        return len(self.queue)

    def __iter__(self):
        """Yield addresses until none is left, including those added on the way."""
        position = 0
        while position < len(self.queue):
            yield self.queue[position]
            position += 1


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Write the whole site as static files into DIRECTORY, for nginx, a CDN or a hotspot."""
    warning = placeholder_address_warning(current_app.config)
    if warning:
        click.echo(warning, err=True)
    app = current_app._get_current_object()  # the real app, not the proxy: the export makes a client

    def with_bar(pending: Pending) -> Iterable[str]:
        with click.progressbar(pending, length=len(pending), label="Exporting", file=sys.stderr) as bar:
            for url in bar:
                yield url
                bar.length = len(pending)

    try:
        report = export_site(app, directory, progress=with_bar)
    except ExportError as error:
        for line in error.problems:
            click.echo(line, err=True)
        click.echo(f"Export failed: {len(error.problems)} problem(s); nothing was replaced.", err=True)
        sys.exit(1)
    click.echo(
        f"Exported {report.files} files ({report.plain_bytes / 1024:.0f} KB, "
        f"{report.gzip_bytes / 1024:.0f} KB gzipped) → {report.directory}"
    )
