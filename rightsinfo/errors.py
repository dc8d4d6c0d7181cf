"""Error pages in the reader's language: a 404 with a way home, never a bare 500."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException

from rightsinfo import i18n
from rightsinfo.bidi import isolate_html
from rightsinfo.db import SiteNotBuilt

# Paths that name the language after a fixed start: /audio/<lang>/…, /translators/record/<lang>/…
LANGUAGE_AFTER = (("audio",), ("translators", "record"))
LONGEST_START_SEGMENTS = max(len(start) for start in LANGUAGE_AFTER)


def language_of_path() -> i18n.Language:
    """Return the language the path names (first segment, or after a start above), English if none."""
    segments = request.path.lstrip("/").split("/", LONGEST_START_SEGMENTS + 1)
    position = next((len(start) for start in LANGUAGE_AFTER if tuple(segments[: len(start)]) == start), 0)
    named = segments[position] if position < len(segments) else ""
    return i18n.get_language(named) or i18n.language_by_prefix()[i18n.ENGLISH]


def error_page(status: int, preparing_leaflets: bool = False):
    """Render the error page for ``status`` in the path's language (503: say if leaflets are the cause)."""
    g.language = language_of_path()
    # Its language links go to each language's home: this path may exist in none, and a stranger's
    # 4 KB path repeated in ten links made a 42 KB page. The path itself is not shown either: the
    # static export serves one 404 page for every missing address.
    g.is_error_page = True
    html = render_template("error.html", status=status, preparing_leaflets=preparing_leaflets)
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
