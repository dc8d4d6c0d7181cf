"""Which alerts a page shows: those in force today by the one clock, in the reader's language.

The templates' alerts partial (``templates/_alerts.html``) asks ``alerts_for`` for the home page (all
alerts), a topic page or an organisation (alerts about the whole site and about it); leaflets ask the
same. A page is cached for one content version on one day, so an alert leaves the site the day after
it ends. The one-file guide cannot load a file, so while it holds an alert it carries the same script
inline, allowed by its hash in the guide's policy (``guide.py``).
"""

from __future__ import annotations

from flask import Flask

from rightsinfo import clock, db, i18n
from rightsinfo.site import connection


def alerts_for(concerns: str | None = None, target: str | None = None) -> list[dict]:
    """Return today's alerts in the reader's language: all, or those about the site and one page or record."""
    lang = i18n.current_language().prefix
    return db.alerts_in_force(connection(), lang, clock.today().isoformat(), concerns, target)


def init_app(app: Flask) -> None:
    """Let every template ask for today's alerts."""
    app.jinja_env.globals["alerts_for"] = alerts_for
