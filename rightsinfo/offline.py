"""Offline: the per-language web app manifest, service worker, precache list and offline page.

Each language has its own service worker (``/<lang>/sw.js``, scope ``/<lang>/``) whose bytes carry the
version and the full list of that language's pages and static files. The version is a hash of the
content version and every template and static file, so any change makes the browser install a new
worker, which saves the new pack beside the old one and switches only when the reader taps update.

Decisions, and why:

* A page not in the pack, asked for without a network, gets the offline page with status ``503``:
  the reader sees where to go, and nothing (history, scripts, a test) mistakes it for the page.
* "Saved on your phone · updated …" gives the day the pack's content was built, formatted here by
  Babel. The browser cannot do it: Chromium has no Pashto date data (it falls back to English) and
  writes Dari dates in the solar calendar.
* With a service worker the search page is answered in the browser (``static/search.js``) from
  ``search-pack.json``, online too: one version everywhere, and the query never leaves the phone.
* The worker saves the whole language in one request, ``/<lang>/offline-pack/<version>/0.ndjson``: every
  pack URL's headers and body, one JSON line each, compressed as a whole. One compressed stream is
  half the bytes of the files compressed one by one (pages share their frame) and costs one round
  trip instead of a dozen, so on a slow link saving takes about as long as the bytes take to arrive.
  The version in the address means one response is always one version; an old version is a ``404``.
* The worker stores each line as soon as it has arrived, so a save cut off keeps every page that
  came whole. The next attempt asks for ``/<lang>/offline-pack/<version>/<n>.ndjson``: the pack from
  line ``n``, the first one missing, so it fetches only what is missing. A suffix rather than an
  HTTP Range: a range of a compressed stream cannot be decompressed on its own, and a suffix is
  compressed by itself. The whole pack is made once per version and kept like a page; a suffix is
  rare (only after a cut) and compressed quickly for the one request. Both are flushed after every
  line, so each line can be stored the moment its bytes are in. A static export holds the whole
  pack only: there a suffix is a ``404`` and the worker asks for the whole pack again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
import zlib
from pathlib import Path

import brotli
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from rightsinfo import db, i18n
from rightsinfo.assets import code_version
from rightsinfo.i18n import current_language
from rightsinfo.serving import mark_cacheable, preferred_encoding
from rightsinfo.site import connection, current_site
from rightsinfo.templating import render_page

bp = Blueprint("offline", __name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
SW_TEMPLATE = "sw.js"
THEME_COLOUR = "#0b4f8a"
PACK_MIMETYPE = "application/x-ndjson"
# Headers that describe one transfer, not the file: the worker's copy is stored decoded.
PACK_DROPPED_HEADERS = frozenset(
    {"content-encoding", "content-length", "etag", "vary", "date", "server", "connection", "set-cookie"}
)
PACK_WHOLE_QUALITY = {"br": 11, "gzip": 9}  # made once per version: the smallest
PACK_SUFFIX_QUALITY = {"br": 9, "gzip": 6}  # made per request, only after a cut: ~50 ms, 5% larger
GZIP_WINDOW_BITS = 31  # zlib's way of asking for a gzip header

pack_lines_lock = threading.Lock()
pack_lines_by_language: dict[str, tuple[str, list[str]]] = {}
whole_packs: dict[tuple[str, str, str | None], bytes] = {}


@functools.cache
def templates_version() -> str:
    """Return a hash of the templates, so a template change also renews saved packs.

    Computed once per process, like the static files' fingerprints: code changes arrive with a restart.
    """
    return code_version(sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file()))


def pack_version() -> str:
    """Return the offline pack's version: content, templates and static files together."""
    parts = (current_site().database.version, templates_version(), current_site().assets.version)
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:12]


def pack_urls(lang: str) -> list[str]:
    """Return every URL a reader of ``lang`` needs offline: pages, organisations, cards, assets."""
    urls = [
        url_for("pages.home", lang=lang),
        url_for("pages.cards", lang=lang),
        url_for("directory.index", lang=lang),
        url_for("offline.offline_page", lang=lang),
        url_for("offline.manifest", lang=lang),
        url_for("offline.search_pack", lang=lang),
        url_for("search.results", lang=lang),
    ]
    urls += [url_for("pages.topic", lang=lang, slug=p["slug"]) for p in db.topic_pages(connection(), lang)]
    urls += [
        url_for("directory.organisation", lang=lang, org_id=org["id"])
        for org in db.organisations(connection(), lang)
    ]
    assets = current_site().assets
    # PNG icons are only for installing the app (the browser fetches them then), and the print page
    # only leads to PDFs that need the network: leaving both out keeps the pack within its budget.
    urls += [assets.url(name) for name in sorted(assets.urls) if name.endswith((".css", ".js", ".svg"))]
    return urls


@bp.get("/<lang>/manifest.webmanifest")
def manifest(lang: str):
    """Return the web app manifest in the reader's language and direction."""
    language = current_language()
    assets = current_site().assets
    data = {
        "name": _("Rights in Serbia"),
        "short_name": _("Rights"),
        "description": _(
            "Your rights in Serbia, where to find legal and medical help, and how to stay safe."
        ),
        "lang": language.tag,
        "dir": language.direction,
        "start_url": url_for("pages.home", lang=lang),
        "scope": url_for("pages.home", lang=lang),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": assets.url("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": assets.url("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": assets.url("icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/manifest+json")
    return mark_cacheable(response)


@bp.get("/<lang>/offline/")
def offline_page(lang: str):
    """Show what is saved, for a page that was not saved, in the reader's language."""
    return render_page("offline.html", topics=db.topic_pages(connection(), lang))


@bp.get("/<lang>/sw.js")
def service_worker(lang: str):
    """Return the language's service worker with its version and precache list inside."""
    body = render_template(
        SW_TEMPLATE,
        version=pack_version(),
        lang=lang,
        urls=json.dumps(pack_urls(lang)),
        pack_path=url_for("offline.pack", lang=lang, version=pack_version(), start=0).removesuffix(
            "0.ndjson"
        ),
        offline_url=url_for("offline.offline_page", lang=lang),
        search_url=url_for("search.results", lang=lang),
    )
    response = Response(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("pages.home", lang=lang)
    return mark_cacheable(response)


@bp.get("/<lang>/offline-pack/<version>/<int:start>.ndjson")
def pack(lang: str, version: str, start: int):
    """Return the language's pack from line ``start``: a first line naming the version, then a line per URL.

    Another version than the one served now is a ``404``, so a worker never stores a mix.
    """
    if version != pack_version():
        abort(404)
    lines = pack_lines(lang, version)
    if start >= len(lines) or version != pack_version():  # a build landed while the pages were read
        abort(404)
    head = json.dumps({"version": version, "lang": lang, "start": start, "total": len(lines)})
    encoding = preferred_encoding(request.headers.get("Accept-Encoding"))
    if start == 0:
        body = whole_pack(lang, version, encoding, [head, *lines])
    else:
        body = compress_lines([head, *lines[start:]], encoding, PACK_SUFFIX_QUALITY)
    response = Response(body, mimetype=PACK_MIMETYPE)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.direct_passthrough = True  # compressed here, line by line: the page cache must not redo it
    return response


def pack_lines(lang: str, version: str) -> list[str]:
    """Return one JSON line per pack URL with the headers and body it is served with; once per version."""
    with pack_lines_lock:
        made = pack_lines_by_language.get(lang)
    if made is not None and made[0] == version:
        return made[1]
    app = current_app._get_current_object()
    lines = []
    # A context of its own: the pages are asked for as a browser would, through the page cache.
    with app.app_context():
        client = app.test_client()
        for url in pack_urls(lang):
            response = client.get(url, headers={"Accept-Encoding": "identity"})
            if response.status_code != 200:
                raise RuntimeError(f"pack URL {url} answers {response.status_code}")
            headers = {
                name.lower(): value
                for name, value in response.headers.items()
                if name.lower() not in PACK_DROPPED_HEADERS
            }
            entry = {"u": url, "h": headers, "b": response.get_data(as_text=True)}
            lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    if pack_version() != version:
        return lines  # maybe a mix of two builds: never kept, and the caller answers 404
    with pack_lines_lock:
        pack_lines_by_language[lang] = (version, lines)
        whole_packs.clear()
    return lines


def whole_pack(lang: str, version: str, encoding: str | None, lines: list[str]) -> bytes:
    """Return the whole pack in one encoding, compressed once per version (it is the common request)."""
    key = (lang, version, encoding)
    with pack_lines_lock:
        body = whole_packs.get(key)
    if body is None:
        body = compress_lines(lines, encoding, PACK_WHOLE_QUALITY)
        with pack_lines_lock:
            whole_packs[key] = body
    return body


def compress_lines(lines: list[str], encoding: str | None, quality: dict[str, int]) -> bytes:
    """Compress lines as one stream, flushed after each line so every line decodes as soon as it arrives.

    Without the flush brotli holds a whole block back, and a save cut off keeps far less than arrived.
    """
    data = [(line + "\n").encode() for line in lines]
    if encoding == "br":
        compressor = brotli.Compressor(quality=quality["br"])
        parts = [compressor.process(line) + compressor.flush() for line in data]
        return b"".join([*parts, compressor.finish()])
    if encoding == "gzip":
        deflate = zlib.compressobj(quality["gzip"], zlib.DEFLATED, GZIP_WINDOW_BITS)
        parts = [deflate.compress(line) + deflate.flush(zlib.Z_SYNC_FLUSH) for line in data]
        return b"".join([*parts, deflate.flush()])
    return b"".join(data)


@bp.get("/<lang>/search-pack.json")
def search_pack(lang: str):
    """Return the compact search index of a language for offline search in the browser.

    Each entry has its title ("t"), address ("u"), one-line summary ("s"), folded words ("w") and,
    where its text is English, "l": "en", so the browser can set ``lang``/``dir`` on it.
    """
    from rightsinfo.search_index import offline_pack_rows

    entries = []
    for row in offline_pack_rows(connection(), lang):
        if row["kind"] == "page":
            address = url_for("pages.topic", lang=lang, slug=row["key"])
        else:
            address = url_for("directory.organisation", lang=lang, org_id=row["key"])
        entry = {"t": row["title"], "u": address, "w": row["pack_words"], "s": row["summary"]}
        if row["text_lang"] != lang:
            entry["l"] = row["text_lang"]
        entries.append(entry)
    body = json.dumps({"lang": lang, "entries": entries}, ensure_ascii=False, separators=(",", ":"))
    return mark_cacheable(Response(body, mimetype="application/json"))


def pack_updated() -> str:
    """Return the day the current content was built, in the reader's language and digits."""
    built_at = db.meta(connection())["built_at"]
    return i18n.format_day(dt.datetime.fromisoformat(built_at).date(), i18n.current_language())


@bp.app_context_processor
def offline_context() -> dict:
    """Give every template the pack's date (a function, so pages that do not show it pay nothing)."""
    return {"pack_updated": pack_updated}
