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
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _

from rightsinfo import db, i18n
from rightsinfo.assets import code_version
from rightsinfo.i18n import current_language
from rightsinfo.serving import mark_cacheable
from rightsinfo.site import connection, current_site
from rightsinfo.templating import render_page

bp = Blueprint("offline", __name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
SW_TEMPLATE = "sw.js"
THEME_COLOUR = "#0b4f8a"


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
        offline_url=url_for("offline.offline_page", lang=lang),
        search_url=url_for("search.results", lang=lang),
    )
    response = Response(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("pages.home", lang=lang)
    return mark_cacheable(response)


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
