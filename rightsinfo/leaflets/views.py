"""The leaflet routes: a topic, the directory, the wallet card and a print pack as PDFs, and the print page.

Urdu is set in Nastaliq, the script Urdu readers expect. Nastaliq text does not extract cleanly from a
PDF (its glyph decomposition defeats ToUnicode), so ``?script=naskh`` gives the same Urdu leaflet in
Naskh, for anyone who needs to search, copy or machine-read it; the print page offers both.

A print pack is rendered as one document, not joined from pre-rendered leaflets: joining tagged PDFs
(pypdf's ``append``, for one) drops each one's structure tree, language and marked-content links,
so a screen reader would get an untagged pack, and the cover's contents need the pages of the whole
pack. Packs are bounded instead, like every render, by the render slots; the "All topics" pack, the
one always asked for, is pre-rendered at publish (``publish.leaflets``).
"""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, make_response, request

from rightsinfo import db, i18n
from rightsinfo.errors import error_page, language_of_path
from rightsinfo.leaflets.cache import cache_dir, read_cached, store
from rightsinfo.leaflets.context import (
    DIRECTORY_TITLE,
    document_html,
    in_language,
    language_of,
    leaflet_dates,
    placeholder_notice,
    qr_svg,
)
from rightsinfo.leaflets.filters import FILTERS
from rightsinfo.leaflets.model import (
    CARD,
    CARD_SIZE,
    DEFAULT_SIZE,
    DIRECTORY,
    NASKH,
    PACK,
    PAGE,
    PAPERS,
    SCRIPTS,
    SIZES,
    URDU,
    Leaflet,
    every_topic,
)
from rightsinfo.leaflets.refuse import RefuseWhenBusy
from rightsinfo.leaflets.render import RENDER_PROCESS, LeafletsBusy, RenderSlots, render_elsewhere
from rightsinfo.serving import mark_cacheable
from rightsinfo.site import build, connection, site_of
from rightsinfo.templating import render_page

bp = Blueprint("leaflets", __name__)
for filter_name, filter_function in FILTERS.items():
    bp.add_app_template_filter(filter_function, filter_name)
bp.add_app_template_global(placeholder_notice)  # the print page and /translators/ show it
bp.add_app_template_global(leaflet_dates)

QUERY_PARAMETERS = ("size", "with", "script", "topics", "all")  # what these routes read from the query
FORM_CHOICES = {"size": DEFAULT_SIZE, "with": "", "script": SCRIPTS[0]}  # the print form's first choices
BUSY_PAGES_KEPT = 32  # languages × the builds a worker has served lately
RETRY_AFTER_SECONDS = 5  # the page says 'a few seconds'; a render takes a few tenths to a few seconds


@bp.record_once
def create_slots(state) -> None:
    """Give the app its render slots, sized by the settings, and the layer that refuses packs early.

    The page cache's layer, which ``create_app`` installs after every blueprint, goes in front of this
    one: a path is tidied (repeated slashes merged) before it is matched here.
    """
    config = state.app.config
    site = site_of(state.app)
    slots = RenderSlots(config["LEAFLET_MAX_CONCURRENT_RENDERS"], config["LEAFLET_QUEUE_WAIT_SECONDS"])
    site.leaflet_slots = slots
    RENDER_PROCESS.processes = slots.limit  # a render process for each slot
    state.app.wsgi_app = RefuseWhenBusy(state.app.wsgi_app, slots, lambda: site.database.version)


def single_arg(name: str) -> str:
    """Return a query parameter given at most once ('' if absent); twice is a bad request."""
    values = request.args.getlist(name)
    if len(values) > 1:
        abort(400)
    return values[0].strip() if values else ""


def read_options(lang: str) -> dict:
    """Return the validated size, second language and script of the request (400 if unknown)."""
    size = single_arg("size").lower() or DEFAULT_SIZE
    with_lang = single_arg("with") or None
    script = single_arg("script").lower() or None
    if size not in SIZES:
        abort(400)
    if with_lang is not None and i18n.get_language(with_lang) is None:
        abort(400)
    if script is not None and script not in SCRIPTS:
        abort(400)
    if with_lang == lang:
        with_lang = None
    if script != NASKH or URDU not in (lang, with_lang):
        script = None  # Nastaliq is Urdu's default, and only Urdu has a choice
    return {"size": size, "with_lang": with_lang, "script": script}


def leaflet_bytes(leaflet: Leaflet) -> bytes:
    """Return a leaflet from the disk cache, rendering it first if needed (bounded by the slots)."""
    app = current_app._get_current_object()
    path = cache_dir(app) / leaflet.filename
    body = read_cached(path)
    if body is not None:
        return body
    slots = site_of(app).leaflet_slots
    with slots.claim():
        body = read_cached(path)  # rendered by another thread while this one waited
        if body is None:
            body = render_elsewhere(*document_html(leaflet))
            store(path, body, trim_later=RENDER_PROCESS.run_later)
    return body


@functools.lru_cache(maxsize=BUSY_PAGES_KEPT)
def busy_page(lang: str, version: str) -> str:
    """Return the 'preparing leaflets' page of a language and build, rendered once.

    A flood of refused requests must cost less than the pages it would crowd out: rendering this
    page took 26 ms, answering a cached page 0.8 ms. A worker makes every language's before it takes
    a request (``prepare_busy_pages``); after a rebuild, the first refusal in a language makes it.
    """
    return error_page(503, preparing_leaflets=True)[0]


def prepare_busy_pages(app) -> None:
    """Make the 'preparing leaflets' page of every language for the current build, outside any request."""
    for language in i18n.languages():
        with app.test_request_context(f"/{language.prefix}/print/pack.pdf"):
            app.preprocess_request()
            busy_page(language.prefix, build().version)


def is_leaflet_template(name: str) -> bool:
    """Return whether a template is one a leaflet is made from."""
    return name.startswith("leaflet") and name.endswith(".html")


def warm_up(app) -> None:
    """Make what a worker's first leaflet requests would make with the GIL held, before it takes readers.

    Compiling the leaflet templates and making the first QR code took 0.4-1.1 s in a worker's first
    leaflet request, during which none of its threads served a page; the busy pages are made here too.
    """
    for name in app.jinja_env.list_templates(filter_func=is_leaflet_template):
        app.jinja_env.get_template(name)
    qr_svg(app.config["PUBLIC_BASE_URL"])
    prepare_busy_pages(app)


def busy_response():
    """Return the 'preparing leaflets' page with Retry-After, in the reader's language."""
    response = make_response(busy_page(language_of_path().prefix, build().version), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def serve(leaflet: Leaflet):
    """Send a leaflet with a strong ETag (304 when the reader has it); 503 when the worker is busy."""
    try:
        body = leaflet_bytes(leaflet)
    except LeafletsBusy:
        return busy_response()
    response = make_response(body)
    response.mimetype = "application/pdf"
    download_name = "rightsinfo-" + leaflet.filename.replace("/", "-")
    response.headers["Content-Disposition"] = f'inline; filename="{download_name}"'
    return mark_cacheable(response)  # kept when asked without a query; an ETag and 304 either way


@bp.get("/<lang>/<slug>/leaflet.pdf")
def page_leaflet(lang: str, slug: str):
    """Send the leaflet of one topic page (A5, ``?size=a4``, ``?with=en``, ``?script=naskh``)."""
    if db.page(connection(), lang, slug) is None:
        abort(404)
    return serve(Leaflet(PAGE, lang, (slug,), **read_options(lang)))


@bp.get("/<lang>/organisations/leaflet.pdf")
def directory_leaflet(lang: str):
    """Send the leaflet of the organisations directory."""
    return serve(Leaflet(DIRECTORY, lang, (), **read_options(lang)))


@bp.get("/<lang>/papers/leaflet.pdf")
def papers_leaflet(lang: str):
    """Send the one-sheet leaflet of words on official papers and what each means (``?with=en``)."""
    return serve(Leaflet(PAPERS, lang, (), **read_options(lang)))


@bp.get("/<lang>/emergency-card.pdf")
def emergency_card(lang: str):
    """Send the wallet card: emergency numbers and the most important contacts, with sources."""
    options = read_options(lang)
    return serve(Leaflet(CARD, lang, (), CARD_SIZE, options["with_lang"], options["script"]))


def pack_topics(lang: str) -> tuple[str, ...]:
    """Return the requested topics in home-page order, checked against the content (400 if unknown).

    ``all=1`` (the form's "All topics") stands for every topic and the directory, so nobody ticks 14
    boxes; it makes the same file as ticking them all. An empty choice returns no topics.
    """
    # The slugs alone: a refused request reads no more than it must (issue 30).
    known = every_topic(db.topic_slugs(connection(), lang))
    if single_arg("all"):
        return known
    wanted = [value.strip() for value in request.args.getlist("topics")]
    if any(value not in known for value in wanted):
        abort(400)
    return tuple(slug for slug in known if slug in wanted)


@bp.get("/<lang>/print/pack.pdf")
def print_pack(lang: str):
    """Send one PDF of the chosen topics, each starting on a new page; the form again if none was ticked."""
    topics = pack_topics(lang)
    options = read_options(lang)
    if not topics:
        chosen = {"size": options["size"], "with": options["with_lang"] or ""}
        chosen["script"] = single_arg("script").lower() or FORM_CHOICES["script"]  # as ticked, even unused
        response = print_form(no_topics=True, chosen=chosen)
        response.status_code = 400  # never kept by the page cache, which keeps only 200s
        return response
    return serve(Leaflet(PACK, lang, topics, **options))


def print_form(no_topics: bool = False, chosen: dict[str, str] | None = None):
    """Render the print page; sent back with nothing ticked, it says so and keeps the reader's choices,
    so they tick a topic and press the button again instead of choosing everything anew."""
    lang = i18n.current_language().prefix
    english_titles = {}
    if lang != i18n.ENGLISH:  # for aid workers who do not read the page's language
        english_titles = {page["slug"]: page["title"] for page in db.topic_pages(connection(), i18n.ENGLISH)}
        with in_language(language_of(i18n.ENGLISH)):
            english_titles[DIRECTORY] = str(DIRECTORY_TITLE)
    return render_page(
        "print.html",
        topics=db.topic_pages(connection(), lang),
        english_titles=english_titles,
        sizes=SIZES,
        directory=DIRECTORY,
        emergency=db.emergency_numbers(connection(), lang),
        no_topics=no_topics,
        chosen=FORM_CHOICES | (chosen or {}),
    )


@bp.get("/<lang>/print/")
def print_page(lang: str):
    """Show the form for a print pack and links to every single leaflet."""
    return print_form()
