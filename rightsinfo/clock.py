"""One clock: everything that depends on today's date asks ``today()``, so a test can set the date.

The ``TODAY`` setting (``RIGHTSINFO_TODAY``, an ISO date) fixes the date for tests and for previewing
how the site will look later (stale contacts, reviews falling due); empty means the real date.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from flask import current_app, has_app_context

TODAY_ENV = "RIGHTSINFO_TODAY"


def today(config: Mapping | None = None) -> dt.date:
    """Return today's date, or the date the ``TODAY`` setting fixes (in ``config``, else the app's)."""
    if config is None and has_app_context():
        config = current_app.config
    fixed = config.get("TODAY") if config is not None else os.environ.get(TODAY_ENV)
    if not fixed:
        return dt.date.today()
    return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)
