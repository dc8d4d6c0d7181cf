"""Pass a page on: the QR code of a page's public address, drawn here with segno.

Each page's QR code is a file beside it (``/ps/asylum/qr.svg``), so a static export or an offline
hotspot can serve it as it is. The footer of every page offers it in a closed ``<details>`` that the
page's script fills only when the reader opens it, so pages nobody scans pay nothing. The address
comes from PUBLIC_BASE_URL, as on the leaflets, so a phone that scans it opens the public site.
"""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, current_app, request
from werkzeug.exceptions import HTTPException

from rightsinfo import db
from rightsinfo.site import connection
from rightsinfo.templating import public_url

bp = Blueprint("sharing", __name__)

QR_FILE_NAME = "qr.svg"
PAGE_PATH_MAX_CHARS = 200
# The pages a reader may pass on; search results and the like are not worth a QR code.
PAGE_ENDPOINTS = frozenset(
    {"pages.home", "pages.topic", "pages.cards", "directory.index", "directory.organisation",
     "leaflets.print_page"}
)  # fmt: skip


def public_address(path: str | None = None) -> str:
    """Return the public address of a path of the site (the current page's by default)."""
    return public_url(request.path if path is None else path)


def qr_url(path: str | None = None) -> str:
    """Return the address of a page's QR code, or "" for a page that has none."""
    path = request.path if path is None else path
    return path + QR_FILE_NAME if path.endswith("/") and is_page(path) else ""


def is_page(path: str) -> bool:
    """Return whether a path is one of the site's pages that a reader may pass on."""
    if len(path) > PAGE_PATH_MAX_CHARS:
        return False
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # no such route, or a redirect
        return False
    if endpoint == "pages.topic":
        return db.page(connection(), values["lang"], values["slug"]) is not None
    if endpoint == "directory.organisation":
        return db.organisation(connection(), values["lang"], values["org_id"]) is not None
    return endpoint in PAGE_ENDPOINTS


@bp.get("/<lang>/" + QR_FILE_NAME, defaults={"rest": ""})
@bp.get("/<lang>/organisations/" + QR_FILE_NAME, defaults={"rest": "organisations"})  # before an org id
@bp.get("/<lang>/<path:rest>/" + QR_FILE_NAME)
def qr(lang: str, rest: str):
    """Return the QR code of the public address of one of the language's pages, as an SVG file."""
    path = f"/{lang}/{rest}/" if rest else f"/{lang}/"
    if not is_page(path):
        abort(404)
    image = io.BytesIO()
    segno.make_qr(public_address(path), error="m").save(
        image, kind="svg", border=4, light="#fff", omitsize=True, xmldecl=False, svgclass=None, lineclass=None
    )
    return Response(image.getvalue(), content_type="image/svg+xml")  # as nginx sends the exported file


@bp.app_context_processor
def sharing_context() -> dict:
    """Give templates the public address of the current page and the address of its QR code."""
    return {"public_address": public_address, "qr_url": qr_url}
