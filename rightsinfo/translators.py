"""The public translators' page: what is translated, outdated or missing, readable on a phone."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g

from rightsinfo import i18n
from rightsinfo.templating import render_page
from rightsinfo.translation_status import translation_status

bp = Blueprint("translators", __name__)


@bp.get("/translators/")
def status_page():
    """Show interface and page status per language, with links to each outdated or missing page."""
    g.language = i18n.language_by_prefix()[i18n.ENGLISH]
    status = translation_status(
        Path(current_app.config["CONTENT_DIR"]), Path(current_app.config["TRANSLATIONS_DIR"])
    )
    rows = [(i18n.get_language(prefix), item) for prefix, item in status.items()]
    return render_page("translators.html", rows=rows)
