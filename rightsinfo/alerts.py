"""Which alerts a page shows: those in force today by the one clock, in the reader's language.

The templates' alerts partial (``templates/_alerts.html``) asks ``alerts_for`` for the home page (all
alerts), a topic page or an organisation (alerts about the whole site and about it); leaflets ask the
same. A page is cached for one content version on one day, so an alert leaves the site the day after
it ends. The one-file guide cannot load a file, so while it holds an alert it carries the same script
inline, allowed by its hash in the guide's policy (and otherwise no script at all).
"""

from __future__ import annotations

import base64
import functools
import hashlib

from flask import Flask

from rightsinfo import clock, db, i18n
from rightsinfo.assets import STATIC_DIR
from rightsinfo.site import connection

SCRIPT_PATH = STATIC_DIR / "alerts.js"


def alerts_for(concerns: str | None = None, target: str | None = None) -> list[dict]:
    """Return today's alerts in the reader's language: all, or those about the site and one page or record."""
    lang = i18n.current_language().prefix
    return db.alerts_in_force(connection(), lang, clock.today().isoformat(), concerns, target)


@functools.cache
def script_text() -> str:
    """Return the script that hides alerts by the phone's date, read once: the guide carries it inline."""
    return SCRIPT_PATH.read_text(encoding="utf-8")


def script_hash() -> str:
    """Return the base64 SHA-256 of the inline script, which a guide holding alerts allows by its policy."""
    return base64.b64encode(hashlib.sha256(script_text().encode()).digest()).decode()


def init_app(app: Flask) -> None:
    """Let every template ask for today's alerts."""
    app.jinja_env.globals["alerts_for"] = alerts_for
