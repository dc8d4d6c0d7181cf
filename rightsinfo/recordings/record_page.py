"""The recording page: a volunteer reads each section aloud into their phone, and gets one file to send.

The page carries every section's text and hashes in its HTML, so once it has loaded it needs no network;
``static/record.js`` records with the phone's microphone and makes the file (``recording_file``) on
the phone. Nothing is uploaded: the takes are kept on the phone alone (so a reload loses none), and the
file leaves the phone only when the volunteer sends it. Only these pages may ask for the microphone;
every other page still denies it.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, abort
from flask_babel import gettext as _

from rightsinfo import db
from rightsinfo.recordings import texts
from rightsinfo.serving import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from rightsinfo.site import connection
from rightsinfo.templating import render_page

bp = Blueprint("recorder", __name__)

QUERY_PARAMETERS = ()  # these routes read nothing from the query
# The site's policies with two changes: this page's own scripts may ask for the microphone, and Listen
# back may play a take from the phone's memory (a blob: address, which never leaves the page).
RECORDING_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace("microphone=()", "microphone=(self)")
RECORDING_CONTENT_SECURITY_POLICY = f"{CONTENT_SECURITY_POLICY}; media-src 'self' blob:"


def recordable_items(conn: sqlite3.Connection, lang: str) -> list[tuple[str, str, str, int]]:
    """Return (kind, id, title, number of sections) of every item shown in ``lang`` and so recordable."""
    candidates = [(texts.PAGES, page["slug"], page["title"]) for page in db.topic_pages(conn, lang)]
    candidates += [(texts.CARDS, card["id"], card["text"]) for card in db.cards(conn, lang)]
    candidates.append((texts.EMERGENCY, texts.EMERGENCY_ID, _("Emergency numbers")))
    found = []
    for kind, item_id, title in candidates:
        count = len(texts.sections(conn, lang, kind, item_id))
        if count:
            found.append((kind, item_id, title, count))
    return found


def item_title(conn: sqlite3.Connection, lang: str, kind: str, item_id: str) -> str:
    """Return the name a volunteer knows an item by: the page's title, the card's text, or the block's."""
    for found_kind, found_id, title, _count in recordable_items(conn, lang):
        if (found_kind, found_id) == (kind, item_id):
            return title
    abort(404)


@bp.get("/translators/record/<lang>/")
def index(lang: str):
    """List what can be recorded in a language: its translated pages, its cards, the emergency numbers."""
    return render_page("record_index.html", items=recordable_items(connection(), lang))


@bp.get("/translators/record/<lang>/<kind>/<item_id>/")
def record(lang: str, kind: str, item_id: str):
    """Show one item's sections to read aloud, one at a time, with the recorder's controls."""
    if kind not in texts.KINDS:
        abort(404)
    sections = texts.sections(connection(), lang, kind, item_id)
    if not sections:
        abort(404)
    response = render_page(
        "record.html",
        kind=kind,
        item_id=item_id,
        title=item_title(connection(), lang, kind, item_id),
        sections=sections,
    )
    response.headers["Permissions-Policy"] = RECORDING_PERMISSIONS_POLICY
    response.headers["Content-Security-Policy"] = RECORDING_CONTENT_SECURITY_POLICY
    return response
