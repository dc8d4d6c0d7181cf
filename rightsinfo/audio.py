"""Recorded voices as served: ``/audio/<lang>/<kind>/<item>/<section>.<hash>.webm``, immutable, by Range.

The build placed each playable recording as WebM under its hash (``recordings/served.py``), and its
address carries the hash, so a file is cached for a year and a new take gets a new address. Only an
address the build's ``recordings`` table gives is served: an outdated recording has none, so no reader
hears an old number, even from a link kept from before. Anything else is a ``404`` in the reader's language.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, request

from rightsinfo import db, i18n
from rightsinfo.assets import IMMUTABLE
from rightsinfo.config import AUDIO_DIR_NAME
from rightsinfo.publish.serve import published_file
from rightsinfo.recordings.served import SERVED_MIMETYPE, SERVED_SUFFIX
from rightsinfo.recordings.states import REWORDED
from rightsinfo.site import connection

bp = Blueprint("audio", __name__)
QUERY_PARAMETERS = ()  # these routes read nothing from the query


@bp.get("/audio/<lang>/<kind>/<item_id>/<name>")
def recording(lang: str, kind: str, item_id: str, name: str):
    """Return one section's recording, or a 404 for an address the build did not give."""
    section, _dot, _hash_and_suffix = name.partition(".")
    row = db.recording(connection(), lang, kind, item_id, section)
    if row is None or row["url"] != request.path:
        abort(404)
    digest = row["url"].rsplit(".", 2)[1]
    path = Path(current_app.instance_path) / AUDIO_DIR_NAME / f"{digest}{SERVED_SUFFIX}"
    if not path.is_file():
        abort(404)
    return published_file(path, SERVED_MIMETYPE, {"Cache-Control": IMMUTABLE})


def playable_recordings(kind: str, item_id: str | None = None) -> dict[str, list]:
    """Return what listen.js may play on a page: section (a card's id for cards) → [address, reworded].

    Only current and reworded recordings have an address; an outdated one is left out, so the page's
    own voice (or nothing) reads that section instead.
    """
    rows = db.recordings(connection(), i18n.current_language().prefix, kind)
    return {
        (row["section"] if item_id else row["item_id"]): [row["url"], row["state"] == REWORDED]
        for row in rows
        if row["url"] and (item_id is None or row["item_id"] == item_id)
    }


@bp.app_context_processor
def recordings_context() -> dict:
    """Give templates the recordings they may play (a function: pages without any pay nothing)."""
    return {"playable_recordings": playable_recordings, "recordings_pack_bytes": recordings_pack_bytes}


def recordings_pack_bytes() -> int:
    """Return the size of the reader's language's recordings pack, shown before it is saved."""
    rows = db.recordings(connection(), i18n.current_language().prefix)
    return sum(row["bytes"] for row in rows if row["url"])
