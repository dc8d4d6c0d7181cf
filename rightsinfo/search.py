"""Search a language's pages and organisations; works without JavaScript, and offline in the app."""

from __future__ import annotations

from flask import Blueprint, request

from rightsinfo import db, search_index
from rightsinfo.i18n import ENGLISH
from rightsinfo.site import connection
from rightsinfo.templating import render_page

bp = Blueprint("search", __name__)
QUERY_PARAMETERS = ("q",)  # what this route reads from the query

QUERY_MAX_CHARS = 200
ENGLISH_TOP_UP_BELOW = 3


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
    response = render_page(
        "search.html",
        query=query,
        hits=hits,
        english_hits=english_hits,
        topics=db.topic_pages(connection(), lang) if not query.strip() else [],
    )
    return response
