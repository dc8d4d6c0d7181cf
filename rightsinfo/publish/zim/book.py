"""ZIM files for Kiwix: one language of the site in one file, for offline hotspots with no Internet.

Aid organisations run Kiwix apps, ``kiwix-serve`` on a Raspberry Pi or Internet-in-a-Box in camps.
``flask --app rightsinfo zim DIR`` writes ``DIR/rightsinfo_<prefix>.zim`` for every language with the
official ``libzim`` binding. Like the static export it asks the app itself (the test client) for every
page, organisation, card, the print page, its A5 leaflets and the static files those pages name, so
each entry holds the bytes the app serves; entry paths follow the export's file rules
(``/ps/asylum/`` is ``ps/asylum/index.html``). One language per file, because Kiwix's search
breaks when one ZIM mixes languages.

Kiwix has its own search and needs no offline pack, so the service worker, its registration script,
the manifest, the offline page, the one-file guide and the app's search page are left out, and so are
the scripts (a ZIM is read as plain pages: the controls they reveal stay hidden). Pages
are rewritten so that their links are relative and stay inside the file (``publish.zim.pages``). Nothing is
fetched from outside.

Volunteers' recordings are heard without scripts: every recording the language's readers may play (the
recordings pack, ``offline.recording_files``) is an item with the bytes and MIME type the app serves
it with, and each page shows the browser's own player beside the sections its Listen control would
have played (``_reader.html``'s ``recording_player``). An outdated recording has no address, so it is
in no ZIM. Kiwix apps show pages in the system's web view and kiwix-serve serves any item with its type.

The same content gives the same entries: they are added in path order, and ``Date`` is the day the
content was built, not today, so a rebuild of unchanged content changes only libzim's random UUID.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app, g, get_template_attribute, url_for
from flask.cli import with_appcontext
from PIL import Image

from rightsinfo import db, i18n
from rightsinfo.assets import STATIC_DIR
from rightsinfo.config import placeholder_address_warning
from rightsinfo.offline import recording_files
from rightsinfo.publish.crawl import CrawlError, Pending, crawl, file_for_url, in_fresh_context, with_bar
from rightsinfo.publish.export import leaflet_urls
from rightsinfo.publish.pack import pack_urls
from rightsinfo.publish.zim.pages import Player, ZimEntry, page_title, rewrite_css, rewrite_html
from rightsinfo.sharing import QR_FILE_NAME
from rightsinfo.site import connection, current_site
from rightsinfo.templating import public_url

ILLUSTRATION_SIZE_PX = 48
ICON_PATH = STATIC_DIR / "icon-192.png"
DESCRIPTION_MAX_CHARS = 80  # Kiwix's limit; the whole sentence goes into LongDescription
CLAUSE_BREAK = re.compile(r"[,،]")
TAGS = "_category:other;_ftindex:yes;_pictures:yes;_videos:no;_details:yes"


class ZimError(CrawlError):
    """A ZIM cannot be written as the site stands; ``problems`` says why, one line each."""


@dataclass
class Book:
    """What a ZIM of one language holds: its entries, its main page and its metadata."""

    lang: str
    main_path: str
    entries: list[ZimEntry]
    metadata: dict[str, str]


# The address of a page's QR code, relative to the page (see sharing.py).
QR_CODE_SUFFIX = "/" + QR_FILE_NAME


def left_out_urls(lang: str) -> set[str]:
    """Return the addresses of the language that a ZIM leaves out, because Kiwix does their job."""
    assets = current_site().assets
    urls = {
        url_for("offline.service_worker", lang=lang),
        url_for("offline.manifest", lang=lang),
        url_for("offline.offline_page", lang=lang),
        url_for("offline.search_pack", lang=lang),
        url_for("search.results", lang=lang),
        url_for("guide.guide", lang=lang),
    }
    scripts = ("offline.js", "search.js", "listen.js", "alerts.js")  # alerts say "Valid until …" instead
    return urls | {assets.url(name) for name in scripts if name in assets.urls}


def seed_urls(
    app: Flask, lang: str, included: Callable[[str], bool], recordings: Iterable[str] = ()
) -> list[str]:
    """Return the addresses a language's ZIM starts from: its pages, its A5 leaflets and its recordings.

    Static files are not seeded: the pages' links bring in those they use, and only those. No page
    links a recording (its Listen control names them for a script), so they are seeded as the export does.
    """
    with app.test_request_context():
        urls = [*pack_urls(lang), url_for("leaflets.print_page", lang=lang)]
    urls += leaflet_urls(app)
    pages = [url for url in dict.fromkeys(urls) if url.startswith(f"/{lang}/") and included(url)]
    return pages + list(recordings)


def recording_player(app: Flask, lang: str) -> Player:
    """Return what draws a recording's player in the language's own words, with the site's macro."""
    language = i18n.get_language(lang)

    def draw(key: str, link: str, reworded: bool, card: bool) -> str:
        with app.test_request_context():
            g.language = language  # the locale the app's selector reads (i18n.current_language)
            macro = get_template_attribute("_reader.html", "recording_player")
            return str(macro(key, link, reworded, card))

    return draw


def shorten(text: str, max_chars: int) -> str:
    """Return the text, or its longest run of whole clauses that fits in ``max_chars``."""
    if len(text) <= max_chars:
        return text
    cuts = [match.start() for match in CLAUSE_BREAK.finditer(text) if match.start() <= max_chars]
    return text[: cuts[-1]] if cuts else text[: max_chars - 1] + "…"


def illustration_png() -> bytes:
    """Return the site's icon as the 48×48 PNG that Kiwix shows in its library."""
    with Image.open(ICON_PATH) as icon:
        small = icon.convert("RGBA").resize((ILLUSTRATION_SIZE_PX,) * 2, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def book_metadata(
    manifest: dict, lang: str, built_at: str, creator: str, publisher: str, source: str
) -> dict[str, str]:
    """Return the metadata Kiwix requires, in the language's own words (from its web app manifest).

    ``creator`` made the content (the site's PUBLISHER, as on the leaflets), ``publisher`` made the
    ZIM (the same unless an organisation signs its own), ``source`` is the site's public address.
    """
    if lang not in i18n.ISO_639_3_BY_PREFIX:
        raise ZimError([f"{lang}: no ISO 639-3 code known for this language; add iso_639_3 to its entry"])
    return {
        "Name": f"rightsinfo_{lang}",
        "Title": manifest["name"],
        "Description": shorten(manifest["description"], DESCRIPTION_MAX_CHARS),
        "LongDescription": manifest["description"],
        "Language": i18n.ISO_639_3_BY_PREFIX[lang],
        "Creator": creator,
        "Publisher": publisher,
        "Date": built_at[:10],
        "Tags": TAGS,
        "Source": source,
    }


def collect_book(
    app: Flask, lang: str, publisher: str | None, progress: Callable[[Pending], Iterable[str]] | None = None
) -> Book:
    """Ask the app for every address a language's ZIM holds and return them rewritten for the ZIM."""
    client = app.test_client()
    with app.test_request_context():
        left_out = left_out_urls(lang)
        main_url = url_for("pages.home", lang=lang)
        manifest_url = url_for("offline.manifest", lang=lang)
        built_at = db.meta(connection())["built_at"]
        recordings = {url for url, _bytes in recording_files(lang)}  # only those a reader may play
        source = public_url(main_url)
    manifest = json.loads(client.get(manifest_url).get_data())
    creator = app.config["PUBLISHER"]
    metadata = book_metadata(manifest, lang, built_at, creator, publisher or creator, source)

    def included(path: str) -> bool:
        # A page's QR code opens from a script the ZIM leaves out, so no reader could reach it.
        in_book = path.startswith((f"/{lang}/", "/static/")) or path in recordings
        in_book = in_book and not path.endswith(QR_CODE_SUFFIX)
        return in_book and path not in left_out

    problems: list[str] = []
    found = list(
        crawl(client, seed_urls(app, lang, included, sorted(recordings)), progress, problems, follow=included)
    )
    if problems:
        raise ZimError(problems)
    player = recording_player(app, lang)
    entries = [zim_entry(item.url, item.body, item.content_type, included, player) for item in found]
    return Book(lang, file_for_url(main_url), sorted(entries, key=lambda entry: entry.path), metadata)


def zim_entry(
    url: str, body: bytes, content_type: str, included: Callable[[str], bool], player: Player | None = None
) -> ZimEntry:
    """Return one fetched address as a ZIM entry, rewritten where it is a page or a stylesheet.

    Its MIME type is the one the app served it with: a recording's is whatever ``audio.py`` serves.
    """
    path = file_for_url(url)
    mimetype = content_type.split(";", 1)[0].strip()
    title = ""
    if mimetype == "text/html":
        body = rewrite_html(body, url, path, included, player)
        title = page_title(body)
    elif mimetype == "text/css":
        body = rewrite_css(body, url, path, included)
    return ZimEntry(path, title or path, mimetype, body)


def write_zim(book: Book, target: Path) -> Path:
    """Write a Book as a ZIM with its full-text and title index; replace ``target`` only when done."""
    # libzim (with Xapian and ICU) costs every process that imports the app about 5 MB of memory;
    # only this command needs it, so it is an optional extra.
    try:
        from libzim.writer import Creator
    except ImportError as error:
        raise ZimError([f"libzim is not installed ({error}): pip install 'rightsinfo[zim]'"]) from error

    from rightsinfo.publish.zim.items import ZimItem

    staging = target.with_name(f".{target.stem}.new.zim")
    staging.unlink(missing_ok=True)
    creator = Creator(staging).config_indexing(True, book.metadata["Language"]).config_nbworkers(1)
    with creator:
        creator.set_mainpath(book.main_path)
        for name, value in book.metadata.items():
            creator.add_metadata(name, value)
        creator.add_illustration(ILLUSTRATION_SIZE_PX, illustration_png())
        for entry in book.entries:
            creator.add_item(ZimItem(entry))
    os.replace(staging, target)
    return target


def make_zims(
    app: Flask,
    directory: Path,
    langs: Iterable[str],
    publisher: str | None = None,
    progress: Callable[[str, Pending], Iterable[str]] | None = None,
) -> list[tuple[Path, Book]]:
    """Write ``rightsinfo_<prefix>.zim`` for each language into ``directory``; return what was written.

    Flask-Babel keeps a request's locale in the app context, so, as in the static export, the pages
    are asked for in an empty context where each request gets an app context of its own.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        bar = (lambda pending, lang=lang: progress(lang, pending)) if progress else None
        book = in_fresh_context(collect_book, app, lang, publisher, bar)
        written.append((write_zim(book, directory / f"rightsinfo_{lang}.zim"), book))
    return written


@click.command("zim")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", "langs", multiple=True, help="Only this language (its prefix, e.g. ps); repeatable.")
@click.option(
    "--publisher", default=None, help="Who publishes the ZIM, if not the site's PUBLISHER (Kiwix shows it)."
)
@with_appcontext
def zim_command(directory: Path, langs: tuple[str, ...], publisher: str | None) -> None:
    """Write one ZIM file per language into DIRECTORY, for Kiwix apps and kiwix-serve hotspots."""
    warning = placeholder_address_warning(current_app.config)
    if warning:
        click.echo(warning, err=True)
    app = current_app._get_current_object()  # the real app, not the proxy: the ZIM makes a client
    known = [language.prefix for language in i18n.languages()]
    unknown = sorted(set(langs) - set(known))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: not a language of the site ({', '.join(known)})")

    def bar(lang: str, pending: Pending) -> Iterable[str]:
        return with_bar(f"ZIM {lang}")(pending)

    try:
        written = make_zims(app, directory, langs or known, publisher, progress=bar)
    except CrawlError as error:
        for line in error.problems:
            click.echo(line, err=True)
        click.echo(f"ZIM failed: {len(error.problems)} problem(s).", err=True)
        sys.exit(1)
    for path, book in written:
        click.echo(f"{path}: {len(book.entries)} entries, {path.stat().st_size / 1024:.0f} KB")
