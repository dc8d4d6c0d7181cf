"""Leaflets: the site's pages as printable PDFs, correct in every script, made once and kept on disk.

A leaflet is a topic page, the organisations directory, a wallet-sized emergency card, or a print
pack of several topics, in the reader's language and optionally a second one, on A5 (default) or A4.
It is rendered with WeasyPrint from the same database rows as the site, once per content version and
code version, and kept in the instance folder; a request for it afterwards reads a file.

Rendering is bounded: each worker process keeps one WeasyPrint ``FontConfiguration`` (loading the
fonts costs a second; a render with them loaded, a few tenths) behind a lock, because it is not safe
to share between threads, and at most
``LEAFLET_MAX_CONCURRENT_RENDERS`` requests per worker may be rendering or waiting to render. Others
wait up to ``LEAFLET_QUEUE_WAIT_SECONDS`` and then get ``503`` with ``Retry-After``, so a burst of PDF
requests never starves the pages. Fonts, shaping and direction traps are in leaflet.css.

Urdu is set in Nastaliq, the script Urdu readers expect. Nastaliq text does not extract cleanly from a
PDF (its glyph decomposition defeats ToUnicode), so ``?script=naskh`` gives the same Urdu leaflet in
Naskh, for anyone who needs to search, copy or machine-read it; the print page offers both.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import click
import segno
from flask import Blueprint, Flask, abort, current_app, make_response, render_template, request, url_for
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from rightsinfo import db, i18n
from rightsinfo.errors import error_page
from rightsinfo.pages import conn, take_language
from rightsinfo.serving import encoded_response, make_entry, mark_cacheable
from rightsinfo.templating import as_day, day_filter, is_stale, language_name, render_page
from rightsinfo.vocabulary import CONTACT_LABELS, KINDS_OF_HELP

bp = Blueprint("leaflets", __name__)
bp.url_value_preprocessor(take_language)

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
FONTS_DIR = PACKAGE_DIR / "fonts"
STYLESHEET_PATH = TEMPLATES_DIR / "leaflet.css"
CACHE_DIR_NAME = "leaflets"
LEAFLET_CACHE_MAX_BYTES = 512 * 1024 * 1024
RETRY_AFTER_SECONDS = 10
OLD_VERSION_GRACE_SECONDS = 60
EXTENSION_KEY = "leaflets"

PAGE = "page"
DIRECTORY = "organisations"
CARD = "emergency-card"
PACK = "pack"
SIZES = ("a5", "a4")
DEFAULT_SIZE = "a5"
CARD_SIZE = "card"
URDU = "ur"
NASKH = "naskh"
SCRIPTS = ("nastaliq", NASKH)  # Urdu's choice; every other Arabic-script language is always Naskh
EMERGENCY_SLUG = "emergency"
SHORT_NUMBER_MAX_CHARS = 4  # 192, 193, 194: the numbers dialled from a Serbian SIM card
# The wallet card's key contacts: (organisation id, contact label) as written in content/organisations.
EMERGENCY_CARD_CONTACTS = (("astra", "sos"), ("red-cross", "tracing"), ("ideas", "airport"))
ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
ISOLATED_VALUES = re.compile(r"<bdi[^>]*>.*?</bdi>", re.DOTALL)
TAGS = re.compile(r"<[^>]+>")
NUMBERING_SYSTEM_BY_DIGITS = {digits: name for name, digits in i18n.DIGITS_BY_NUMBERING_SYSTEM.items()}

# Words the wallet card shows in both languages of a bilingual card.
CARD_WORDS = {
    "title": _l("Emergency numbers"),
    # Translators: heading on the wallet card above the police, fire and ambulance numbers for foreign phones.
    "foreign": _l("From a phone with a foreign SIM card"),
    # Translators: heading on the wallet card above the phone numbers of two or three organisations.
    "contacts": _l("Important contacts"),
}


class LeafletsBusy(Exception):
    """Every render slot of this worker stayed taken for the whole wait."""


@dataclass(frozen=True)
class Leaflet:
    """One printable document: what it shows, in which languages, on which paper."""

    kind: str
    lang: str
    topics: tuple[str, ...] = ()
    size: str = DEFAULT_SIZE
    with_lang: str | None = None
    script: str | None = None

    @property
    def filename(self) -> str:
        """Return the file's path below a leaflet folder, e.g. ``ps/asylum-a5-with-en.pdf``."""
        if self.kind == PAGE:
            stem = f"{self.topics[0]}-{self.size}"
        elif self.kind == PACK:
            digest = hashlib.sha256(",".join(self.topics).encode()).hexdigest()[:12]
            stem = f"pack-{digest}-{self.size}"
        elif self.kind == DIRECTORY:
            stem = f"{DIRECTORY}-{self.size}"
        else:
            stem = CARD
        if self.with_lang:
            stem += f"-with-{self.with_lang}"
        if self.script:
            stem += f"-{self.script}"
        return f"{self.lang}/{stem}.pdf"


# ---------------------------------------------------------------------------------------------------
# Rendering: one FontConfiguration per worker, used by one thread at a time.


class LocalFilesOnly:
    """URL fetcher that reads only this package's fonts and stylesheet: a leaflet never goes online."""

    def __call__(self, url: str):
        """Return a local font or stylesheet; refuse every other address."""
        from weasyprint.urls import URLFetcher

        if not url.startswith("file://"):
            raise ValueError(f"leaflets load no remote resources: {url}")
        path = Path(url.removeprefix("file://").split("?", 1)[0]).resolve()
        if not (path.is_relative_to(FONTS_DIR) or path.is_relative_to(TEMPLATES_DIR)):
            raise ValueError(f"leaflets load only their own fonts: {url}")
        return URLFetcher(allowed_protocols={"file"}).fetch(path.as_uri())


class Renderer:
    """A worker's single WeasyPrint font configuration and parsed stylesheet, behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fonts = None
        self._stylesheet = None

    def _load(self) -> None:
        """Load the fonts and parse the stylesheet once, on the first render of this process."""
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self._fonts = FontConfiguration()
        self._stylesheet = CSS(
            filename=str(STYLESHEET_PATH), font_config=self._fonts, url_fetcher=LocalFilesOnly()
        )

    def close(self) -> None:
        """Drop the fonts while the interpreter is still whole (WeasyPrint cleans up in __del__)."""
        with self._lock:
            self._fonts = self._stylesheet = None

    def render(self, html: str, base_url: str, timeout_seconds: float = -1) -> bytes:
        """Render leaflet HTML to PDF bytes; raise LeafletsBusy if the lock stays taken too long."""
        from weasyprint import HTML

        if not self._lock.acquire(timeout=timeout_seconds):
            raise LeafletsBusy
        try:
            if self._fonts is None:
                self._load()
            document = HTML(string=html, base_url=base_url, url_fetcher=LocalFilesOnly())
            return document.write_pdf(stylesheets=[self._stylesheet], font_config=self._fonts)
        finally:
            self._lock.release()


RENDERER = Renderer()
atexit.register(RENDERER.close)


class RenderSlots:
    """At most ``limit`` requests of one worker rendering or queued to render; the rest wait briefly."""

    def __init__(self, limit: int, wait_seconds: float):
        self.semaphore = threading.BoundedSemaphore(max(1, limit))
        self.wait_seconds = wait_seconds

    @contextmanager
    def claim(self) -> Iterator[float]:
        """Hold a slot while rendering, yielding the deadline; raise LeafletsBusy after the wait."""
        deadline = time.monotonic() + self.wait_seconds
        if not self.semaphore.acquire(timeout=self.wait_seconds):
            raise LeafletsBusy
        try:
            yield deadline
        finally:
            self.semaphore.release()


@bp.record_once
def create_slots(state) -> None:
    """Give the app its render slots, sized by the settings."""
    config = state.app.config
    state.app.extensions[EXTENSION_KEY] = RenderSlots(
        config["LEAFLET_MAX_CONCURRENT_RENDERS"], config["LEAFLET_QUEUE_WAIT_SECONDS"]
    )


# ---------------------------------------------------------------------------------------------------
# The disk cache, keyed by content version and code version.


@cache
def code_version() -> str:
    """Return a hash of what changes a leaflet apart from content: code, templates, fonts, WeasyPrint."""
    import weasyprint

    digest = hashlib.sha256(weasyprint.__version__.encode())
    # Every module (date formats, digits and labels come from i18n, templating, vocabulary…).
    files = [
        *sorted(PACKAGE_DIR.glob("*.py")),
        *sorted(TEMPLATES_DIR.glob("leaflet*")),
        *sorted(FONTS_DIR.glob("*.ttf")),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_root(app: Flask) -> Path:
    """Return the folder that holds every cached leaflet of every version."""
    return Path(app.instance_path) / CACHE_DIR_NAME


def cache_dir(app: Flask) -> Path:
    """Return the folder of leaflets for the current content and code versions."""
    version = app.extensions["rightsinfo"]["db"].version
    # The settings printed on a leaflet: a changed address must not leave the old one in saved PDFs.
    printed = "\n".join(app.config[name] for name in ("PUBLIC_BASE_URL", "FEEDBACK_EMAIL"))
    settings = hashlib.sha256(printed.encode()).hexdigest()[:8]
    return cache_root(app) / f"{version}-{code_version()}-{settings}"


def read_cached(path: Path) -> bytes | None:
    """Return a cached leaflet's bytes, or None if it was never rendered."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def store(path: Path, body: bytes) -> None:
    """Write a leaflet atomically (workers may race), dropping older versions and the oldest files."""
    folder = path.parent.parent
    if not folder.exists():
        drop_old_versions(folder.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, path)
    trim(folder, LEAFLET_CACHE_MAX_BYTES)


def drop_old_versions(root: Path) -> None:
    """Delete the leaflets of earlier versions, sparing any written in the last moments.

    A worker notices a rebuilt database up to DB_CHECK_INTERVAL_SECONDS late; the grace keeps such a
    worker's last write from deleting the folder the others have just started.
    """
    for old in root.glob("*"):
        if time.time() - old.stat().st_mtime > OLD_VERSION_GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def trim(folder: Path, max_bytes: int) -> None:
    """Delete the least recently written leaflets until the folder fits in ``max_bytes``."""
    files = [(entry.stat().st_mtime_ns, entry.stat().st_size, entry) for entry in folder.rglob("*.pdf")]
    total = sum(size for _mtime, size, _entry in files)
    for _mtime, size, entry in sorted(files):
        if total <= max_bytes:
            break
        entry.unlink(missing_ok=True)
        total -= size


def seed(app: Flask, leaflet: Leaflet, body: bytes) -> None:
    """Put a pre-rendered leaflet into the server's cache."""
    path = cache_dir(app) / leaflet.filename
    if read_cached(path) != body:
        store(path, body)


# ---------------------------------------------------------------------------------------------------
# From database rows to leaflet HTML.


def public_url(endpoint: str, **values) -> str:
    """Return the page's public address (PUBLIC_BASE_URL), which the QR code and links point to."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def qr_svg(url: str) -> str:
    """Return a vector QR code for a URL as inline SVG (sized by the stylesheet; templates mark it safe)."""
    return segno.make_qr(url, error="m").svg_inline(scale=1, border=2, omitsize=True)


@bp.app_template_filter("host")
def host(url: str) -> str:
    """Return the host of an address, for a source on the wallet card, where a whole URL does not fit."""
    return urlsplit(url).hostname or url


@bp.app_template_filter("leaflet_day")
def leaflet_day(value: str) -> Markup:
    """Format a date in the reader's language and digits, isolated so it keeps its order in any sentence."""
    return Markup("<bdi>") + escape(day_filter(value)) + Markup("</bdi>")


@bp.app_template_filter("english_fallback")
def english_fallback(text: str, language: i18n.Language | None = None) -> Markup:
    """Isolate an interface string left in English as left-to-right text inside a right-to-left leaflet.

    A string the catalogue does not translate yet comes out in English; without isolation its words
    and full stop would be laid out right to left. A translated string always has Arabic letters.
    """
    shown = escape(text)
    own_words = TAGS.sub("", ISOLATED_VALUES.sub("", shown))  # values filled in are not the sentence
    if not (language or i18n.current_language()).is_rtl or ARABIC_LETTERS.search(own_words):
        return shown
    return Markup('<bdi dir="ltr" lang="en">') + shown + Markup("</bdi>")


def language_of(prefix: str) -> i18n.Language:
    """Return the Language of a prefix known to be valid."""
    return i18n.language_by_prefix()[prefix]


def in_language(language: i18n.Language):
    """Return a context manager that switches the interface strings to ``language``."""
    return force_locale(language.locale_id)


def split_sections(html: str) -> list[str]:
    """Split page HTML (sanitised at build time) at its second-level headings, keeping any intro."""
    return [part for part in re.split(r"(?=<h2>)", html) if part.strip()]


def paired_sections(first: str, second: str | None) -> list[tuple[str | None, str | None]]:
    """Pair each section of a page with the same section in the second language (same headings)."""
    if second is None:
        return [(section, None) for section in split_sections(first)]
    return list(itertools.zip_longest(split_sections(first), split_sections(second)))


def isolated(template: str, reader: i18n.Language, **values: str) -> Markup:
    """Fill a translated sentence, each value isolated in <bdi> so a name keeps its own direction."""
    opening = Markup('<bdi lang="%s">') % reader.tag
    return escape(template) % {
        key: opening + escape(value) + Markup("</bdi>") for key, value in values.items()
    }


def text_notices(record: dict, language: i18n.Language, reader: i18n.Language) -> list[Markup]:
    """Return what ``reader`` must know about a text in ``language``: missing, draft or outdated."""
    name = language_name(language.prefix)
    notices = []
    if record["text_lang"] != language.prefix:
        # Translators: %(language)s is a language name, e.g. Pashto.
        template = _("There is no %(language)s translation of this text yet; the English text is shown.")
        notices.append(isolated(template, reader, language=name))
    elif record.get("status") == "draft":
        # Translators: %(language)s is a language name, e.g. Pashto.
        template = _("The %(language)s text is a draft translation: a native speaker has not yet checked it.")
        notices.append(isolated(template, reader, language=name))
    if record.get("outdated"):
        # Translators: %(language)s is a language name; %(date)s the day the English page changed.
        template = _("The %(language)s text may be out of date: the English page changed on %(date)s.")
        day = i18n.format_day(as_day(record["english_reviewed"]), reader)
        notices.append(isolated(template, reader, language=name, date=day))
    return notices


def notices_for(records: list[tuple[dict, i18n.Language]], second: i18n.Language | None) -> list[dict]:
    """Return notices about every text shown, in the reader's language and again in the second one."""
    groups = []
    readers = [i18n.current_language(), *([second] if second else [])]
    for reader in readers:
        with in_language(reader):
            lines = [line for record, language in records for line in text_notices(record, language, reader)]
        if lines:
            groups.append({"language": reader, "lines": lines})
    return groups


def topic_context(lang: str, slug: str, with_lang: str | None) -> dict:
    """Return what the leaflet of one topic shows, with the second language's text beside it."""
    page = db.page(conn(), lang, slug)
    second = db.page(conn(), with_lang, slug) if with_lang else None
    if second is not None and second["text_lang"] == page["text_lang"]:
        second = None  # the same English text twice would help nobody
    address = public_url("pages.topic", lang=lang, slug=slug)
    records = [(page, language_of(lang))]
    if second is not None:
        records.append((second, language_of(with_lang)))
    return {
        "page": page,
        "text_language": language_of(page["text_lang"]),
        "second": second,
        "second_text_language": language_of(second["text_lang"]) if second else None,
        "sections": paired_sections(page["html"], second["html"] if second else None),
        "notices": notices_for(records, language_of(with_lang) if second else None),
        "address": address,
        "qr": qr_svg(address),
        "sources": db.sources(conn(), page["sources"]),
    }


def directory_context(lang: str, with_lang: str | None) -> dict:
    """Return the organisations, their phone numbers and sources, with second-language summaries."""
    organisations = db.organisations(conn(), lang)
    seconds = {org["id"]: org for org in db.organisations(conn(), with_lang)} if with_lang else {}
    entries = []
    for org in organisations:
        second = seconds.get(org["id"])
        if second is not None and second["text_lang"] == org["text_lang"]:
            second = None
        entries.append(
            {
                "org": org,
                "text_language": language_of(org["text_lang"]),
                "second": second,
                "second_text_language": language_of(second["text_lang"]) if second else None,
                "phones": [c for c in org["contacts"] if c["kind"] == "phone"],
            }
        )
    address = public_url("directory.index", lang=lang)
    source_ids = sorted(
        {org["source"] for org in organisations} | {c["source"] for e in entries for c in e["phones"]}
    )
    return {
        "entries": entries,
        "kind_labels": {key: str(label) for key, label in KINDS_OF_HELP.items()},
        "address": address,
        "qr": qr_svg(address),
        "sources": db.sources(conn(), source_ids),
    }


def card_contacts(lang: str) -> list[dict]:
    """Return the wallet card's key contacts that the content has: organisation, label and number."""
    contacts = []
    for org_id, label in EMERGENCY_CARD_CONTACTS:
        org = db.organisation(conn(), lang, org_id)
        if org is None:
            continue
        for contact in org["contacts"]:
            if contact["kind"] == "phone" and contact["label"] == label:
                contacts.append(
                    {
                        "org": org,
                        "contact": contact,
                        "label": str(CONTACT_LABELS.get(label, label)),
                        "stale": is_stale(contact["verified_on"]),
                    }
                )
                break
    return contacts


def card_context(lang: str, with_lang: str | None) -> dict:
    """Return the emergency numbers, key contacts and their sources for the wallet card."""
    numbers = db.emergency_numbers(conn(), lang)
    labels = {row["id"]: row["label"] for row in numbers}
    words = {key: str(word) for key, word in CARD_WORDS.items()}
    second_labels, second_words = {}, {}
    if with_lang:  # only where the second language says something different
        second_labels = {
            row["id"]: row["label"]
            for row in db.emergency_numbers(conn(), with_lang)
            if row["label"] != labels.get(row["id"])
        }
        with in_language(language_of(with_lang)):
            second_words = {key: str(word) for key, word in CARD_WORDS.items() if str(word) != words[key]}
    contacts = card_contacts(lang)
    emergency_page = db.page(conn(), lang, EMERGENCY_SLUG)
    if emergency_page is not None:
        address = public_url("pages.topic", lang=lang, slug=EMERGENCY_SLUG)
    else:
        address = public_url("pages.home", lang=lang)
    source_ids = sorted({row["source"] for row in numbers} | {item["contact"]["source"] for item in contacts})
    return {
        "short_numbers": [row for row in numbers if len(row["number"]) <= SHORT_NUMBER_MAX_CHARS],
        "long_numbers": [row for row in numbers if len(row["number"]) > SHORT_NUMBER_MAX_CHARS],
        "second_labels": second_labels,
        "words": words,
        "second_words": second_words,
        "contacts": contacts,
        "reviewed": emergency_page["reviewed"]
        if emergency_page
        else max(row["verified_on"] for row in numbers),
        "address": address,
        "qr": qr_svg(address),
        "sources": db.sources(conn(), source_ids),
    }


def document_html(leaflet: Leaflet) -> tuple[str, str]:
    """Return the leaflet's HTML and base URL; needs a request context in the leaflet's language."""
    language = language_of(leaflet.lang)
    second = language_of(leaflet.with_lang) if leaflet.with_lang else None
    common = {
        "leaflet": leaflet,
        "second_language": second,
        "size": leaflet.size,
        "numbering": NUMBERING_SYSTEM_BY_DIGITS.get(language.digits, "latn"),
        "publisher": current_app.config["PUBLISHER"],
        "emergency": db.emergency_numbers(conn(), leaflet.lang),
    }
    if leaflet.kind == PAGE:
        context = topic_context(leaflet.lang, leaflet.topics[0], leaflet.with_lang)
        html = render_template("leaflet_page.html", **common, **context)
        return html, context["address"]
    if leaflet.kind == DIRECTORY:
        context = directory_context(leaflet.lang, leaflet.with_lang)
        return render_template("leaflet_directory.html", **common, **context), context["address"]
    if leaflet.kind == CARD:
        context = card_context(leaflet.lang, leaflet.with_lang)
        return render_template("leaflet_card.html", **common, **context), context["address"]
    parts = []
    for slug in leaflet.topics:
        if slug == DIRECTORY:
            parts.append({"kind": DIRECTORY, **directory_context(leaflet.lang, leaflet.with_lang)})
        else:
            parts.append({"kind": PAGE, **topic_context(leaflet.lang, slug, leaflet.with_lang)})
    address = public_url("leaflets.print_page", lang=leaflet.lang)
    return render_template("leaflet_pack.html", **common, parts=parts), address


# ---------------------------------------------------------------------------------------------------
# Public functions for the command line and the benchmark.


def leaflet_for(lang: str, slug: str, size: str = DEFAULT_SIZE, with_lang: str | None = None,
                script: str | None = None) -> Leaflet:  # fmt: skip
    """Return the Leaflet a slug names: a topic, ``organisations`` or ``emergency-card``."""
    if slug == DIRECTORY:
        return Leaflet(DIRECTORY, lang, (), size, with_lang, script)
    if slug == CARD:
        return Leaflet(CARD, lang, (), CARD_SIZE, with_lang, script)
    return Leaflet(PAGE, lang, (slug,), size, with_lang, script)


def render_job(app: Flask, leaflet: Leaflet) -> bytes:
    """Render one leaflet to PDF bytes, outside any request (no cache, no render slots)."""
    with app.test_request_context(f"/{leaflet.lang}/print/"):
        app.preprocess_request()
        html, base_url = document_html(leaflet)
        return RENDERER.render(html, base_url)


def render_leaflet(app: Flask, lang: str, slug: str, size: str = DEFAULT_SIZE, with_lang: str | None = None,
                   script: str | None = None) -> bytes:  # fmt: skip
    """Render a leaflet afresh (no cache) and return the PDF bytes; used by the CLI and ``make bench``."""
    return render_job(app, leaflet_for(lang, slug, size, with_lang, script))


def leaflet_jobs(app: Flask) -> list[Leaflet]:
    """Return every leaflet worth printing: each page, directory and card, per language and size.

    Besides each language alone: every non-English leaflet with English beside it (so the person
    handing it out knows what it says), and every Urdu leaflet again in Naskh.
    """
    with app.app_context():
        database = app.extensions["rightsinfo"]["db"].conn
        jobs = []
        for language in i18n.languages():
            lang = language.prefix
            slugs = [page["slug"] for page in db.topic_pages(database, lang)]
            seconds = [None] if lang == i18n.ENGLISH else [None, i18n.ENGLISH]
            scripts = [None, NASKH] if lang == URDU else [None]
            for with_lang, script in itertools.product(seconds, scripts):
                for size in SIZES:
                    jobs += [leaflet_for(lang, slug, size, with_lang, script) for slug in [*slugs, DIRECTORY]]
                jobs.append(leaflet_for(lang, CARD, CARD_SIZE, with_lang, script))
    return jobs


@click.command("leaflets")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed-cache/--no-seed-cache", default=True, help="Also fill the server's leaflet cache.")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=click.Choice(list(i18n.LOCALE_BY_PREFIX)),
    help="Only these languages (repeat for several; default: all).",
)
@with_appcontext
def leaflets_command(directory: Path, seed_cache: bool, langs: tuple[str, ...]) -> None:
    """Pre-render every leaflet, in every language and size, into DIRECTORY for bulk printing."""
    app = current_app._get_current_object()
    jobs = [job for job in leaflet_jobs(app) if not langs or job.lang in langs]
    started = time.monotonic()
    total_bytes = 0
    with click.progressbar(
        jobs, label="Rendering leaflets", item_show_func=lambda j: j and j.filename
    ) as bar:
        for job in bar:
            body = render_job(app, job)
            target = directory / job.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            total_bytes += len(body)
            if seed_cache:
                seed(app, job, body)
    click.echo(
        f"Rendered {len(jobs)} leaflets ({total_bytes / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s "
        f"→ {directory}"
    )


# ---------------------------------------------------------------------------------------------------
# Routes.


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
    slots: RenderSlots = app.extensions[EXTENSION_KEY]
    with slots.claim() as deadline:
        body = read_cached(path)  # rendered by another thread while this one waited
        if body is None:
            html, base_url = document_html(leaflet)
            body = RENDERER.render(html, base_url, timeout_seconds=max(0.0, deadline - time.monotonic()))
            store(path, body)
    return body


def busy_response():
    """Return the 'try again soon' page with Retry-After, in the reader's language."""
    body, status = error_page(503)
    response = make_response(body, status)
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
    if not request.query_string:
        return mark_cacheable(response)  # the page cache keeps it and answers 304s itself
    entry = make_entry(body, response.headers["Content-Type"], [])
    return encoded_response(entry, response)


@bp.get("/<lang>/<slug>/leaflet.pdf")
def page_leaflet(lang: str, slug: str):
    """Send the leaflet of one topic page (A5, ``?size=a4``, ``?with=en``, ``?script=naskh``)."""
    if db.page(conn(), lang, slug) is None:
        abort(404)
    return serve(Leaflet(PAGE, lang, (slug,), **read_options(lang)))


@bp.get("/<lang>/organisations/leaflet.pdf")
def directory_leaflet(lang: str):
    """Send the leaflet of the organisations directory."""
    return serve(Leaflet(DIRECTORY, lang, (), **read_options(lang)))


@bp.get("/<lang>/emergency-card.pdf")
def emergency_card(lang: str):
    """Send the wallet card: emergency numbers and the most important contacts, with sources."""
    options = read_options(lang)
    return serve(Leaflet(CARD, lang, (), CARD_SIZE, options["with_lang"], options["script"]))


def pack_topics(lang: str) -> tuple[str, ...]:
    """Return the requested topics in home-page order, checked against the content (400 if unknown)."""
    known = [page["slug"] for page in db.topic_pages(conn(), lang)] + [DIRECTORY]
    wanted = [value.strip() for value in request.args.getlist("topics")]
    if not wanted or any(value not in known for value in wanted):
        abort(400)
    return tuple(slug for slug in known if slug in wanted)


@bp.get("/<lang>/print/pack.pdf")
def print_pack(lang: str):
    """Send one PDF of the chosen topics, each starting on a new page."""
    return serve(Leaflet(PACK, lang, pack_topics(lang), **read_options(lang)))


@bp.get("/<lang>/print/")
def print_page(lang: str):
    """Show the form for a print pack and links to every single leaflet."""
    return render_page(
        "print.html",
        topics=db.topic_pages(conn(), lang),
        sizes=SIZES,
        directory=DIRECTORY,
        emergency=db.emergency_numbers(conn(), lang),
    )
