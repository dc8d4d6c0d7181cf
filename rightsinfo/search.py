"""Search pages, organisations and words on papers; works without JavaScript, and offline in the app."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, request
from flask_babel import gettext as _

from rightsinfo import db, i18n, search_index
from rightsinfo.feedback import feedback_email, mailto_field
from rightsinfo.i18n import ENGLISH
from rightsinfo.site import connection
from rightsinfo.templating import render_page

bp = Blueprint("search", __name__)
QUERY_PARAMETERS = ("q",)  # what this route reads from the query

QUERY_MAX_CHARS = 200
ENGLISH_TOP_UP_BELOW = 3


def not_found_mailto() -> str:
    """Return the start of a ``mailto:`` asking the editors to add what a reader did not find ("" if unset).

    The query is appended to the subject by whoever knows it: the server here, ``search.js`` offline.
    The mail is the reader's to send; the site logs and stores nothing of it.
    """
    address = feedback_email()
    if not address:
        return ""
    # Translators: subject of the e-mail a reader may send when search found nothing; the words follow.
    subject = _("Not found in %(language)s:", language=i18n.current_language().native_name) + " "
    return f"mailto:{quote(address, safe='@')}?subject={mailto_field(subject)}"


@bp.get("/<lang>/search")
def results(lang: str):
    """Show ranked results for ?q=, topped up with English pages when there are few."""
    query = request.args.get("q", "")[:QUERY_MAX_CHARS]
    hits = search_index.search(connection(), lang, query) if query.strip() else []
    english_hits = []
    if query.strip() and lang != ENGLISH and len(hits) < ENGLISH_TOP_UP_BELOW:
        seen = {(hit.kind, hit.key) for hit in hits}
        english_hits = [
            hit
            for hit in search_index.search(connection(), ENGLISH, query)
            if (hit.kind, hit.key) not in seen
        ]
    mailto = not_found_mailto()
    response = render_page(
        "search.html",
        query=query,
        hits=hits,
        english_hits=english_hits,
        topics=db.topic_pages(connection(), lang) if not query.strip() else [],
        emergency=db.emergency_numbers(connection(), lang),
        hit_address=search_index.hit_address,
        not_found_mailto=mailto,
        query_mailto=mailto + mailto_field(query) if mailto else "",
    )
    return response
