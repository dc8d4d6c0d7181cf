"""Pass a page on: the QR code of a page's public address, drawn here with segno.

The footer of every page offers it in a closed ``<details>``; the browser asks for the image only
when the reader opens it, so pages that nobody scans pay nothing. The address is built from
PUBLIC_BASE_URL, as on the leaflets, so a phone that scans it opens the public site.
"""

from __future__ import annotations

import io
import re

import segno
from flask import Blueprint, Response, abort, current_app, request

from rightsinfo.pages import take_language

bp = Blueprint("sharing", __name__)
bp.url_value_preprocessor(take_language)

# A path of this site as templates write it: no query, no host, nothing a QR code could be abused with.
PAGE_PATH = re.compile(r"/[a-z]{2,3}/(?:[A-Za-z0-9_.~-]+/)*")
PAGE_PATH_MAX_CHARS = 200
QR_CACHE = "public, max-age=86400"


def public_address(path: str | None = None) -> str:
    """Return the public address of a path of the site (the current page's by default)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + (request.path if path is None else path)


@bp.get("/<lang>/qr.svg")
def qr(lang: str):
    """Return the QR code of the public address of one of the language's pages, as an SVG file."""
    path = request.args.get("page", "")
    if len(path) > PAGE_PATH_MAX_CHARS or not PAGE_PATH.fullmatch(path) or not path.startswith(f"/{lang}/"):
        abort(404)
    image = io.BytesIO()
    segno.make_qr(public_address(path), error="m").save(
        image, kind="svg", border=4, light="#fff", omitsize=True, xmldecl=False, svgclass=None, lineclass=None
    )
    response = Response(image.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = QR_CACHE
    return response


@bp.app_context_processor
def sharing_context() -> dict:
    """Give templates the public address of the current page."""
    return {"public_address": public_address}
