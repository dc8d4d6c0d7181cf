"""Leaflets: the site's pages as printable PDFs, correct in every script, made once and kept on disk.

A leaflet is a topic page, the organisations directory, the words on official papers, a wallet-sized
emergency card, or a print
pack of several topics, in the reader's language and optionally a second one, on A5 (default) or A4.
It is rendered with WeasyPrint from the same database rows as the site, once per content version and
code version, and kept in the instance folder; a request for it afterwards reads a file.

Rendering is bounded (see ``render``), so a burst of PDF requests never starves the pages; fonts,
shaping and direction traps are in leaflet.css. Urdu is set in Nastaliq, with Naskh on request (see
``views``).

The package, one concern a module: ``model`` (what a leaflet is), ``context`` (database rows → the
template's values), ``filters`` (Jinja filters the leaflet templates use), ``render`` (WeasyPrint and
the render slots), ``refuse`` (packs of chosen topics refused before Flask while the slots are full),
``cache`` (PDFs on disk), ``views`` (the routes), ``batch`` (rendering many, one process per core) and
``command`` (pre-rendering every leaflet: ``flask --app rightsinfo leaflets DIR``).
"""

from rightsinfo.leaflets.batch import render_job
from rightsinfo.leaflets.cache import CACHE_DIR_NAME
from rightsinfo.leaflets.command import leaflet_jobs, leaflets_command, render_leaflet
from rightsinfo.leaflets.model import (
    CARD,
    CARD_SIZE,
    DEFAULT_SIZE,
    DIRECTORY,
    PACK,
    PAGE,
    PAPERS,
    SIZES,
    Leaflet,
)
from rightsinfo.leaflets.render import RENDERER
from rightsinfo.leaflets.views import QUERY_PARAMETERS, bp

__all__ = [
    "CACHE_DIR_NAME", "CARD", "CARD_SIZE", "DEFAULT_SIZE", "DIRECTORY", "PACK", "PAGE", "PAPERS",
    "QUERY_PARAMETERS", "RENDERER", "SIZES", "Leaflet", "bp", "leaflet_jobs", "leaflets_command",
    "render_job", "render_leaflet",
]  # fmt: skip
