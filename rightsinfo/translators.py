"""The public translators' page: what is translated, outdated or missing, readable on a phone.

It shows what the build stored (``translation.progress``), so a request reads one row instead of every
content file and catalogue; only "review due", which depends on today, is worked out here.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g

from rightsinfo import clock, db, i18n
from rightsinfo.recordings.status import recording_status
from rightsinfo.site import connection
from rightsinfo.templating import render_page
from rightsinfo.translation.progress import LanguageStatus, diff_hint, with_review_due

bp = Blueprint("translators", __name__)


@bp.get("/translators/")
def status_page():
    """Show status per language: outdated, missing and review-due pages, and the glossary."""
    g.language = i18n.language_by_prefix()[i18n.ENGLISH]
    stored = db.translation_status(connection())
    progress = {prefix: LanguageStatus(**item) for prefix, item in stored["languages"].items()}
    with_review_due(progress, clock.today(), current_app.config["REVIEW_DUE_AFTER_DAYS"])
    rows = [
        (i18n.get_language(prefix), item, stored["glossaries"].get(prefix, []))
        for prefix, item in progress.items()
    ]
    # The page cache keeps it for one build on one day: review due depends on the date.
    recordings = {prefix: recording_status(connection(), prefix) for prefix in progress}
    return render_page(
        "translators.html",
        rows=rows,
        diff_hint=diff_hint,
        glossary_problems=stored["glossary_problems"],
        recordings=recordings,
    )
