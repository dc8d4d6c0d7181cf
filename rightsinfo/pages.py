"""The reader's pages: the language chooser, each language's home, topic pages, cards and About."""

from __future__ import annotations

from flask import Blueprint, abort, g, make_response, render_template, request

from rightsinfo import db, i18n
from rightsinfo.sections import home_sections
from rightsinfo.site import connection
from rightsinfo.templating import render_page

bp = Blueprint("pages", __name__)

ABOUT_SLUG = "about"


@bp.get("/")
def chooser():
    """Show every language in its own script, the best match for the browser first; no cookie."""
    best = i18n.best_language(list(request.accept_languages))
    ordered = [best, *[lang for lang in i18n.languages() if lang != best]]
    g.language = best
    # Not kept by the page cache: the order depends on each reader's Accept-Language.
    response = make_response(render_template("chooser.html", ordered=ordered, best=best))
    response.vary.add("Accept-Language")
    return response


@bp.get("/static/<path:name>")
def unknown_static(name: str):
    """Answer 404 for a static address no file has (old fingerprints included)."""
    abort(404)


@bp.get("/<lang>/")
def home(lang: str):
    """Show the topics of a language with the emergency numbers always visible."""
    topics = [page for page in db.topic_pages(connection(), lang) if page["slug"] != ABOUT_SLUG]
    return render_page(
        "home.html",
        topics=topics,
        sections=home_sections(lang, lambda slug: db.page(connection(), lang, slug)),
        emergency=db.emergency_numbers(connection(), lang),
    )


@bp.get("/<lang>/<slug>/")
def topic(lang: str, slug: str):
    """Show one topic page (English inside, with a notice, where it is not yet translated)."""
    page = db.page(connection(), lang, slug)
    if page is None:
        abort(404)
    sources = db.sources(connection(), None if slug == ABOUT_SLUG else page["sources"])
    return render_page(
        "page.html",
        page=page,
        sources=sources,
        is_about=slug == ABOUT_SLUG,
        emergency=db.emergency_numbers(connection(), lang),
    )


@bp.get("/<lang>/cards/")
def cards(lang: str):
    """Show the 'show this' cards, one per screen, Serbian above the reader's language."""
    return render_page("cards.html", cards=db.cards(connection(), lang))
