"""Today's date, from one place, so that a test (or a rehearsal of next year) can set it.

Everything that depends on the date (contacts that may be out of date, pages due for review) asks
``today()``. The setting ``TODAY`` (environment ``RIGHTSINFO_TODAY``, YYYY-MM-DD) fixes the date;
empty means the real date.
"""

from __future__ import annotations

import datetime as dt
import os

from flask import current_app, has_app_context

TODAY_VARIABLE = "RIGHTSINFO_TODAY"


def today() -> dt.date:
    """Return today's date: the app's TODAY setting, else RIGHTSINFO_TODAY, else the real date."""
    fixed = current_app.config.get("TODAY") if has_app_context() else None
    fixed = fixed or os.environ.get(TODAY_VARIABLE)
    if fixed:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(str(fixed))
    return dt.date.today()
