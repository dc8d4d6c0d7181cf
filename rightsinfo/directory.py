"""The organisations directory: filters by city and kind of help that work without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, request

from rightsinfo import db
from rightsinfo.site import connection
from rightsinfo.templating import render_page
from rightsinfo.vocabulary import KINDS_OF_HELP

bp = Blueprint("directory", __name__)
QUERY_PARAMETERS = ("city", "kind")  # what these routes read from the query


@bp.get("/<lang>/organisations/")
def index(lang: str):
    """List organisations, filtered by ?city= and ?kind= when given (unknown values show all)."""
    cities = db.cities(connection())
    in_use = db.kinds_in_use(connection())  # once, not once per kind
    kinds = [kind for kind in KINDS_OF_HELP if kind in in_use]
    city = request.args.get("city", "")
    kind = request.args.get("kind", "")
    city = city if city in cities else ""
    kind = kind if kind in kinds else ""
    return render_page(
        "directory.html",
        organisations=db.organisations(connection(), lang, city or None, kind or None),
        cities=cities,
        kinds=kinds,
        city=city,
        kind=kind,
    )


@bp.get("/<lang>/organisations/<org_id>/")
def organisation(lang: str, org_id: str):
    """Show one organisation: what it does, its contacts with their dates and sources."""
    record = db.organisation(connection(), lang, org_id)
    if record is None:
        abort(404)
    return render_page(
        "organisation.html",
        org=record,
        sources=db.sources(connection(), [record["source"], *record["sources"]]),
    )
