"""The "What does this paper say?" page: Serbian words from official papers, explained in the reader's own."""

from __future__ import annotations

from flask import Blueprint, url_for

from rightsinfo import db
from rightsinfo.site import connection
from rightsinfo.templating import render_page

bp = Blueprint("papers", __name__)


@bp.get("/<lang>/papers/")
def index(lang: str):
    """List each word as printed in both scripts, what it means, what to do, and the page that explains it."""
    terms = db.papers(connection(), lang)
    cited = sorted({source for term in terms for source in term["sources"]})
    return render_page(
        "papers.html",
        terms=terms,
        pages={page["slug"]: page for page in db.topic_pages(connection(), lang)},
        sources=db.sources(connection(), cited),
        emergency=db.emergency_numbers(connection(), lang),
        page_url=lambda slug: url_for("pages.topic", lang=lang, slug=slug),
    )
