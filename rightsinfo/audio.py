"""Recorded voices as served: ``/audio/<lang>/<kind>/<item>/<section>.<hash>.ogg``, immutable, Range answered.

The build placed each playable recording under its hash (``recordings/``), and its address carries the
hash, so a file is cached for a year and a new take gets a new address. Only an address the build's
``recordings`` table gives is served: an outdated recording has none, so no reader hears an old
number, even from a link kept from before. Anything else is a ``404`` in the reader's language.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, request

from rightsinfo import db
from rightsinfo.config import AUDIO_DIR_NAME
from rightsinfo.serving import immutable_file
from rightsinfo.site import connection

bp = Blueprint("audio", __name__)
QUERY_PARAMETERS = ()  # these routes read nothing from the query
AUDIO_MIMETYPE = "audio/ogg"


@bp.get("/audio/<lang>/<kind>/<item_id>/<name>")
def recording(lang: str, kind: str, item_id: str, name: str):
    """Return one section's recording, or a 404 for an address the build did not give."""
    section, _dot, _hash_and_suffix = name.partition(".")
    row = db.recording(connection(), lang, kind, item_id, section)
    if row is None or row["url"] != request.path:
        abort(404)
    digest = row["url"].rsplit(".", 2)[1]
    path = Path(current_app.instance_path) / AUDIO_DIR_NAME / f"{digest}.ogg"
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        abort(404)
    return immutable_file(body, AUDIO_MIMETYPE)
