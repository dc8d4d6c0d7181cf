"""What every request shares: the app's site object, the built database's connection, the language.

``create_app`` makes one ``Site`` and stores it with ``init_app``; views read it with
``current_site()`` and the build they read with ``build()`` or ``connection()``: a request pins the
build at its first read and keeps it to the end, so a rebuild never mixes two versions in one
response. The language named by a URL's ``<lang>`` prefix is taken once for the whole app, so no
blueprint borrows another's plumbing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, g

from rightsinfo import i18n
from rightsinfo.assets import Assets
from rightsinfo.db import Build, SiteDatabase
from rightsinfo.serving import PageCache

if TYPE_CHECKING:
    from rightsinfo.leaflets.render import RenderSlots

EXTENSION_KEY = "rightsinfo"
PINNED_BUILD_KEY = "rightsinfo_build"  # on flask.g: the build this request (or command) reads


@dataclass
class Site:
    """The objects one app shares between requests."""

    database: SiteDatabase
    assets: Assets
    cache: PageCache
    leaflet_slots: RenderSlots | None = None  # set when the leaflets blueprint is registered


def site_of(app: Flask) -> Site:
    """Return the site object of an app."""
    return app.extensions[EXTENSION_KEY]


def current_site() -> Site:
    """Return the site object of the current app."""
    return site_of(current_app)


def build() -> Build:
    """Return the build this request reads, pinned at its first read so that it never changes mid-way."""
    pinned = g.get(PINNED_BUILD_KEY)
    if pinned is None:
        pinned = current_site().database.current()
        setattr(g, PINNED_BUILD_KEY, pinned)
    return pinned


def pinned_version() -> str | None:
    """Return the content version this request has read, or None if it read no build."""
    pinned = g.get(PINNED_BUILD_KEY)
    return None if pinned is None else pinned.version


def connection() -> sqlite3.Connection:
    """Return the connection to the build this request reads."""
    return build().connection


def content_dir() -> Path:
    """Return the content folder from the current app's settings."""
    return Path(current_app.config["CONTENT_DIR"])


def translations_dir() -> Path:
    """Return the translations folder from the current app's settings."""
    return Path(current_app.config["TRANSLATIONS_DIR"])


def take_language(endpoint: str | None, values: dict | None) -> None:
    """Set the request's language from the URL prefix; an unknown prefix is a 404 in English."""
    if values and "lang" in values:
        language = i18n.get_language(values["lang"])
        if language is None:
            abort(404)
        g.language = language


def init_app(app: Flask, site: Site) -> None:
    """Store the site object on the app and take every request's language from its URL."""
    app.extensions[EXTENSION_KEY] = site
    app.url_value_preprocessor(take_language)
