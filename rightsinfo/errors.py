"""Error pages in the reader's language: a 404 with a way home, never a bare 500."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException

from rightsinfo import i18n
from rightsinfo.bidi import isolate_html
from rightsinfo.db import SiteNotBuilt

SHOWN_PATH_MAX_CHARS = 80


def language_of_path() -> i18n.Language:
    """Return the language named by the path's first segment, English if it names none."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return i18n.get_language(first) or i18n.language_by_prefix()[i18n.ENGLISH]


def shown_path() -> str:
    """Return the requested path as the error page shows it: once, and cut short (a stranger's input)."""
    path = request.path
    return path if len(path) <= SHOWN_PATH_MAX_CHARS else path[:SHOWN_PATH_MAX_CHARS] + "…"


def error_page(status: int, preparing_leaflets: bool = False):
    """Render the error page for ``status`` in the path's language (503: say if leaflets are the cause)."""
    g.language = language_of_path()
    g.is_error_page = True  # its language links go to each language's home, not to this path
    html = render_template(
        "error.html", status=status, preparing_leaflets=preparing_leaflets, shown_path=shown_path()
    )
    return (isolate_html(html) if g.language.is_rtl else html), status


def init_app(app: Flask) -> None:
    """Register error handlers for every HTTP error and for a site not yet built."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in {301, 302, 307, 308}:
            return error
        return error_page(error.code or 500)

    @app.errorhandler(SiteNotBuilt)
    def not_built(_error: SiteNotBuilt):
        response = error_page(503)
        return response[0], 503, {"Retry-After": "30"}
