"""One clock: everything that depends on today's date asks ``today()``, so a test can set the date.

The ``TODAY`` setting (``RIGHTSINFO_TODAY``, an ISO date) fixes the date for tests and for previewing
how the site will look later (stale contacts, reviews falling due); empty means the real date.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping

from flask import current_app, has_app_context

TODAY_ENV = "RIGHTSINFO_TODAY"
REAL_DAY_CHECK_INTERVAL_SECONDS = 1.0

_real_day: dt.date = dt.date.today()
_real_day_checked_at: float = time.monotonic()


def today(config: Mapping | None = None) -> dt.date:
    """Return today's date, or the date the ``TODAY`` setting fixes (in ``config``, else the app's)."""
    if config is None and has_app_context():
        config = current_app.config
    fixed = config.get("TODAY") if config is not None else os.environ.get(TODAY_ENV)
    if not fixed:
        return dt.date.today()
    return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)


def day_of_cache(config: Mapping) -> object:
    """Return a value that changes when ``today()`` does, cheap enough to ask on every cached request.

    The page cache keeps a page for one day; asking the system date on every request would cost more
    than serving the page, so the real date is read at most once per ``REAL_DAY_CHECK_INTERVAL_SECONDS``.
    """
    fixed = config.get("TODAY")
    if fixed:
        return fixed
    global _real_day, _real_day_checked_at
    now = time.monotonic()
    if now - _real_day_checked_at >= REAL_DAY_CHECK_INTERVAL_SECONDS:
        _real_day, _real_day_checked_at = dt.date.today(), now
    return _real_day
