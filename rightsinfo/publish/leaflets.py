"""Pre-rendering at publish: the leaflets aid workers print, made once per build, served as files.

``flask --app rightsinfo build --leaflets`` runs ``prerender_leaflets`` after the new database has
landed (readers get the new text at once; the PDFs follow): every single leaflet the print page links
to, in every language, and the "All topics" pack in both sizes, go into the build's leaflet cache
folder. A leaflet already there is not rendered again, so a second run with the same content and
code costs nothing. It renders on every core but one, at the render processes' lower priority, so a
server's pages come first while it runs. The list is written first, so the cache's trim never drops
these for packs made on request. Other packs (thousands of combinations of topics) are still
rendered on request, bounded by the render slots: joining pre-rendered leaflets would lose their
tagged structure (see ``leaflets.views``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from rightsinfo import db, i18n
from rightsinfo.leaflets.batch import available_cores, render_in_pool
from rightsinfo.leaflets.cache import cache_dir, read_cached, store, write_prerendered_list
from rightsinfo.leaflets.model import CARD, DIRECTORY, PACK, PAPERS, SIZES, Leaflet, every_topic, leaflet_for
from rightsinfo.leaflets.render import RENDER_PROCESS_NICENESS
from rightsinfo.publish.crawl import in_fresh_context
from rightsinfo.site import connection

PRERENDER_NICENESS = RENDER_PROCESS_NICENESS  # as a worker's render process: the pages come first


@dataclass(frozen=True)
class PrerenderReport:
    """What a pre-render made: how many leaflets it rendered, found already made, and how long it took."""

    rendered: int
    already_made: int
    bytes_written: int
    seconds: float


def printed_leaflets(lang: str, slugs: list[str]) -> list[Leaflet]:
    """Return what the print page offers in one language: each leaflet, its sizes, English beside it.

    The "All topics" pack comes too: it is the pack aid workers ask for most, and always the same.
    """
    with_english = [None] if lang == i18n.ENGLISH else [None, i18n.ENGLISH]
    leaflets = [leaflet_for(lang, slug, size) for slug in [*slugs, DIRECTORY, PAPERS] for size in SIZES]
    leaflets += [leaflet_for(lang, slug, with_lang=i18n.ENGLISH) for slug in slugs if lang != i18n.ENGLISH]
    if lang != i18n.ENGLISH:  # the words on papers with English beside them fill an A4 sheet
        leaflets.append(leaflet_for(lang, PAPERS, "a4", with_lang=i18n.ENGLISH))
    leaflets += [leaflet_for(lang, CARD, with_lang=with_lang) for with_lang in with_english]
    leaflets += [Leaflet(PACK, lang, every_topic(slugs), size) for size in SIZES]
    return leaflets


def leaflets_to_prerender(app: Flask) -> list[Leaflet]:
    """Return the printed leaflets of every language, read from the build now in place."""
    with app.test_request_context():
        return [
            leaflet
            for language in i18n.languages()
            for leaflet in printed_leaflets(
                language.prefix, [page["slug"] for page in db.topic_pages(connection(), language.prefix)]
            )
        ]


def spare_cores() -> int:
    """Return how many processes may render: every core but one, which stays with the readers' pages."""
    return max(1, available_cores() - 1)


def prerender_leaflets(app: Flask, progress: Callable[[str], None] = lambda name: None) -> PrerenderReport:
    """Render the printed leaflets of the current build into its leaflet cache folder; skip those made."""
    return in_fresh_context(prerender_missing, app, progress)


def prerender_missing(app: Flask, progress: Callable[[str], None]) -> PrerenderReport:
    """Render the leaflets missing from the build's cache folder on the spare cores, storing each."""
    started = time.perf_counter()
    with app.app_context():
        folder = cache_dir(app)  # the build that has just landed
    leaflets = leaflets_to_prerender(app)
    write_prerendered_list(folder, [leaflet.filename for leaflet in leaflets])
    missing = [leaflet for leaflet in leaflets if read_cached(folder / leaflet.filename) is None]
    written = 0
    # Worker processes even when there is one, so that they can yield to the pages a server is
    # serving meanwhile, as its own render processes do.
    renders = (
        render_in_pool(app, missing, min(spare_cores(), len(missing)), PRERENDER_NICENESS) if missing else []
    )
    for leaflet, body in renders:
        store(folder / leaflet.filename, body)
        written += len(body)
        progress(leaflet.filename)
    return PrerenderReport(
        rendered=len(missing),
        already_made=len(leaflets) - len(missing),
        bytes_written=written,
        seconds=time.perf_counter() - started,
    )
