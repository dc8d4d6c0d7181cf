"""Serving what the build published: one file as it was written, with HTTP's conditions and ranges.

The offline pack, the one-file guide and the recordings are files the build writes
(``publish/published.py``, ``recordings/``); a reader's request only reads one. A phone resuming a cut
download asks for the rest by Range, and an ``<audio>`` element starts playing before the whole
file is in, so all three answer conditions and ranges the one way, here. A file the build has not
yet written is a ``503`` with ``Retry-After``: the phone tries again, and no request ever makes the
file itself.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header, unquote_etag

from rightsinfo.serving import mark_as_written, strong_etag

RETRY_AFTER_SECONDS = 30  # while the build that has just landed (or the server start) writes its files


def published_file(path: Path, mimetype: str, headers: dict[str, str]) -> Response:
    """Return a file the build wrote, answering If-Match, If-None-Match, Range and If-Range."""
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        current_app.logger.warning("%s is not written yet: run flask build", path.name)
        return Response("", 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"})
    etag = strong_etag(body).strip('"')
    response = mark_as_written(Response(body, mimetype=mimetype, headers=headers))
    response.set_etag(etag)
    environ, refused = range_conditions(etag)
    if refused is not None:
        return refused
    try:
        return response.make_conditional(environ, accept_ranges=True, complete_length=len(body))
    except RequestedRangeNotSatisfiable:  # werkzeug's own answer, not the error page, which drops it
        return Response("", 416, {"Content-Range": f"bytes */{len(body)}", "Accept-Ranges": "bytes"})


def range_conditions(etag: str) -> tuple[dict, Response | None]:
    """Return the request's environ as werkzeug should judge it for a file, or the refusal to send.

    HTTP says (RFC 9110, 13.2.2 and 14.2): a failing ``If-Match`` is a ``412`` before anything else;
    a matching ``If-None-Match`` is a ``304`` even with a Range; a Range that does not parse or asks for
    several parts is ignored (the whole file, ``200``); and ``If-Range`` matches only a strong ETag.
    werkzeug answers the rest (206, 416 and 304 by date).
    """
    environ = dict(request.environ)
    if request.if_match and not request.if_match.contains(etag):
        return environ, Response("", 412)
    if request.if_none_match.contains_weak(etag):
        environ.pop("HTTP_RANGE", None)
    wanted = parse_range_header(environ.get("HTTP_RANGE"))
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        environ.pop("HTTP_RANGE", None)
    if_range = environ.get("HTTP_IF_RANGE", "")
    if if_range and unquote_etag(if_range)[1]:  # a weak validator never matches If-Range
        environ.pop("HTTP_RANGE", None)
    return environ, None
