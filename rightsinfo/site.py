"""What every request shares: the app's site object, the built database's connection, the language.

``create_app`` makes one ``Site`` and stores it with ``init_app``; views read it with
``current_site()`` and get the current build's connection with ``connection()``. The language named by
a URL's ``<lang>`` prefix is taken once for the whole app, so no blueprint borrows another's plumbing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, g

from rightsinfo import i18n
from rightsinfo.assets import Assets
from rightsinfo.db import SiteDatabase
from rightsinfo.serving import PageCache

if TYPE_CHECKING:
    from rightsinfo.leaflets.render import RenderSlots

EXTENSION_KEY = "rightsinfo"


@dataclass
class Site:
    """The objects one app shares between requests."""

    database: SiteDatabase
    assets: Assets
    cache: PageCache
    leaflet_slots: RenderSlots | None = None  # set when the leaflets blueprint is registered
    # The factory that made this app, so that a worker process can make its twin (leaflets.batch).
    factory: Callable[[dict], Flask] | None = None


def site_of(app: Flask) -> Site:
    """Return the site object of an app."""
    return app.extensions[EXTENSION_KEY]


def current_site() -> Site:
    """Return the site object of the current app."""
    return site_of(current_app)


def connection() -> sqlite3.Connection:
    """Return this thread's connection to the current build's database."""
    return current_site().database.connection


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
