"""The public translators' page: what is translated, outdated or missing, readable on a phone."""

from __future__ import annotations

from flask import Blueprint, g, make_response, render_template

from rightsinfo import i18n
from rightsinfo.cli import translations_dir
from rightsinfo.content import ContentError
from rightsinfo.translation.glossary import glossaries
from rightsinfo.translation.status import current_status, diff_hint

bp = Blueprint("translators", __name__)


@bp.get("/translators/")
def status_page():
    """Show status per language: outdated, missing and review-due pages, and the glossary."""
    g.language = i18n.language_by_prefix()[i18n.ENGLISH]
    try:
        terms, glossary_problems = glossaries(translations_dir()), []
    except ContentError as error:
        terms, glossary_problems = {}, error.problems
    rows = [
        (i18n.get_language(prefix), item, terms.get(prefix, [])) for prefix, item in current_status().items()
    ]
    # Not kept by the page cache: review due depends on today's date, and the page reads the files.
    return make_response(
        render_template(
            "translators.html", rows=rows, diff_hint=diff_hint, glossary_problems=glossary_problems
        )
    )
