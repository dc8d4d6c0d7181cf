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
* The build writes each language's pack once, as a file (``publish/pack.py``), and the pack view only
  reads it: no reader's request crawls or compresses, and every worker serves the same bytes.
* The worker saves the whole language in one request, ``/<lang>/offline-pack/<version>/pack.ndjson.zst``:
  every pack URL's headers and body, one JSON line each, compressed as one Zstandard frame. One stream
  is half the bytes of the files compressed one by one (pages share their frame) and costs one round
  trip instead of a dozen, so on a slow link saving takes about as long as the bytes take to arrive.
  The version in the address means one response is always one version; an old version is a ``404``.
* Resuming a cut save must cost only what is missing, and that decides the format. A suffix of the
  pack compressed on its own costs about 0.75 of the whole pack for a cut half way, because it loses
  the pages it shared words with. Sending only the missing *bytes* (an HTTP Range) is exact, but the
  worker must then decode the stream itself from the start: a browser keeps the bytes of a cut
  download and asks for the rest by Range only for a response with no ``Content-Encoding``, and
  browsers decode only gzip in JavaScript (``DecompressionStream``), which is 1.6 times brotli here.
  Zstandard is within 6 % of brotli, and its decoder (``vendor/fzstd``, 8 KB) travels inside the
  worker script. So the pack is a file of its own: a strong ETag, a length, ``Accept-Ranges`` and
  a year's freshness (the address changes with the version), and the browser's own cache resumes it.
* The compressor is flushed after every line, so the worker stores each line as soon as its bytes
  are in, and a cut keeps every page that came whole. The next attempt asks for the same address;
  the browser fetches only the missing bytes, and the worker decodes from the start and skips the
  lines it holds. The window is 1 MiB: more than a whole pack, and all the memory a phone needs to
  decode it. A static export holds the same file, and a static host such as nginx answers its
  Range requests the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import gettext as _

from rightsinfo import db, i18n
from rightsinfo.assets import IMMUTABLE
from rightsinfo.i18n import current_language
from rightsinfo.publish.pack import DECODER_PATH, pack_path, pack_urls, pack_version
from rightsinfo.publish.serve import published_file
from rightsinfo.serving import mark_cacheable
from rightsinfo.site import connection, current_site
from rightsinfo.templating import render_page

bp = Blueprint("offline", __name__)

SW_TEMPLATE = "sw.js"
THEME_COLOUR = "#0b4f8a"
PACK_NAME = "pack.ndjson.zst"
PACK_MIMETYPE = "application/zstd"
PARTIAL_MARKER_NAME = "partial.json"  # in the worker's cache, beside the pack, while it is being filled
# Days without reaching the site after which a saved pack says so: in the footer, then on every page.
OFFLINE_AGE_DAYS = {"aged": 30, "old": 90}


@functools.cache
def decoder_script() -> str:
    """Return the Zstandard decoder the worker carries (fzstd, MIT licence; see vendor/fzstd)."""
    return DECODER_PATH.read_text(encoding="utf-8")


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
    """Return the language's service worker with its version, precache list and decoder inside."""
    pack_url = url_for("offline.pack", lang=lang, version=pack_version())
    body = render_template(
        SW_TEMPLATE,
        version=pack_version(),
        lang=lang,
        urls=json.dumps(pack_urls(lang)),
        pack_url=pack_url,
        partial_marker=pack_url.removesuffix(PACK_NAME) + PARTIAL_MARKER_NAME,
        offline_url=url_for("offline.offline_page", lang=lang),
        search_url=url_for("search.results", lang=lang),
        audio=json.dumps(recording_files(lang)),
        decoder=decoder_script(),
    )
    response = Response(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("pages.home", lang=lang)
    return mark_cacheable(response)


def recording_files(lang: str) -> list[list]:
    """Return [address, bytes] of every recording a reader of ``lang`` may play: the recordings pack.

    Not in the text pack (its budget stays); the worker saves them only when the reader asks.
    """
    return [[row["url"], row["bytes"]] for row in db.recordings(connection(), lang) if row["url"]]


@bp.get(f"/<lang>/offline-pack/<version>/{PACK_NAME}")
def pack(lang: str, version: str):
    """Return the language's pack as the build wrote it: a line naming the version, then one per URL.

    Another version than the one served now is a ``404``, so a worker never stores a mix; a pack the
    build has not finished writing is a ``503`` the worker tries again. A Range request (a browser
    resuming a cut save) gets the missing bytes (``publish/serve.py``).
    """
    if version != pack_version():
        abort(404)
    path = pack_path(current_app.instance_path, version, lang)
    return published_file(path, PACK_MIMETYPE, {"Cache-Control": IMMUTABLE})


@bp.get("/<lang>/search-pack.json")
def search_pack(lang: str):
    """Return the compact search index of a language for offline search in the browser.

    Each entry has its title ("t"), address ("u"), one-line summary ("s"), folded words ("w") and,
    where its text is English, "l": "en", so the browser can set ``lang``/``dir`` on it. A topic has
    "k": "page"; a word on papers its Serbian ("r"), "n": 1 when no source prints that Serbian (the
    result then says so), and the names a query must equal to lead ("x").
    """
    from rightsinfo.search_index import hit_address, offline_pack_rows

    entries = []
    for row in offline_pack_rows(connection(), lang):
        address = hit_address(lang, row["kind"], row["key"])
        entry = {"t": row["title"], "u": address, "w": row["pack_words"], "s": row["summary"]}
        if row["text_lang"] != lang:
            entry["l"] = row["text_lang"]
        if row["serbian"]:
            entry["r"] = row["serbian"]  # a word on papers: its Serbian, shown beside the result
            if row["sr_unconfirmed"]:
                entry["n"] = 1  # ... and marked, as on the papers page, when no source prints it
            entry["x"] = row["exact"]  # ranked first when the query is one of these names
        elif row["kind"] == "page":
            entry["k"] = "page"  # ranked before organisations and other words on papers
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
    return {"pack_updated": pack_updated, "offline_age_days": OFFLINE_AGE_DAYS}
