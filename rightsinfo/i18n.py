"""Languages of the site: URL prefix, Babel locale, HTML tag, direction and digits.

One function decides the reader's language and documents its precedence: the URL prefix always wins
(a page's address says its language, so a shared link shows the same text to everyone); only the
language chooser at ``/`` looks at ``Accept-Language``, and no cookie is ever set.

Direction and native names come from Babel's CLDR data, never from a hand-kept list. Dari has no
Babel locale of its own (``prs`` is unknown to Babel and pybabel), so it is ``fa_AF`` inside, ``prs`` in
URLs and ``fa-AF`` in HTML. Babel formats dates with Latin digits whatever the locale, so digits are
converted here from the locale's default numbering system (Pashto and Dari use ۰–۹).

Everything a language needs from CLDR is read when the languages are made, and Babel's whole-locale
data is let go then (see ``locale_facts``): serving a page or a leaflet reads no more of it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.numbers import get_decimal_symbol
from flask_babel import Domain, get_babel

from rightsinfo.config import languages_file
from rightsinfo.locale_facts import (
    DateShapes,
    ListPatterns,
    read_date_shapes,
    read_list_patterns,
    release_babel_data,
)
from rightsinfo.partial_date import PartialDate

ENGLISH = "en"


@dataclass(frozen=True)
class LanguageEntry:
    """One entry of the languages file: URL prefix, Babel locale, extra Accept-Language tags, ISO 639-3."""

    prefix: str
    locale_id: str
    accept_language: tuple[str, ...] = ()
    iso_639_3: str | None = None
    home_sections: tuple[str, ...] = ()  # 'slug#anchor' sections the home page links to (see sections.py)


def read_language_entries(path: Path) -> tuple[LanguageEntry, ...]:
    """Read the languages file (the one place a language is named), so adding a language is data.

    A broken file stops the process with its name and the problem: no language list is guessed.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            LanguageEntry(
                str(item["prefix"]),
                str(item["locale"]),
                tuple(item.get("accept_language", ())),
                item.get("iso_639_3") or (item["prefix"] if len(item["prefix"]) == 3 else None),
                tuple(item.get("home_sections", ())),
            )
            for item in data["language"]
        )
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as error:
        raise RuntimeError(f"{path}: cannot read the site's languages ({error!r})") from error
    if ENGLISH not in {entry.prefix for entry in entries}:
        raise RuntimeError(f"{path}: English ({ENGLISH}), the source of every translation, must be listed")
    return entries


LANGUAGE_ENTRIES: tuple[LanguageEntry, ...] = read_language_entries(languages_file())

# URL prefix → Babel locale identifier, in the order of the language chooser.
LOCALE_BY_PREFIX: dict[str, str] = {entry.prefix: entry.locale_id for entry in LANGUAGE_ENTRIES}

# Accept-Language tags that Babel's negotiation cannot map to a prefix by itself (lower case, as Babel
# compares them). Regional tags of our languages (ps-AF, ur-PK, ar-EG) find their base language alone.
ACCEPT_LANGUAGE_ALIASES: dict[str, str] = {
    tag.lower(): entry.prefix for entry in LANGUAGE_ENTRIES for tag in entry.accept_language
}

# Kiwix wants a language as ISO 639-3, which Babel does not know: a three-letter prefix is one already.
ISO_639_3_BY_PREFIX: dict[str, str] = {
    entry.prefix: entry.iso_639_3 for entry in LANGUAGE_ENTRIES if entry.iso_639_3 is not None
}

# The one table of the digits the site writes other than 0–9, by CLDR numbering system: pages, the
# guide, leaflets (a ``digits-<system>`` class picks the list and page numbers in CSS) and the
# checks of what translators type all read it.
LATIN_NUMBERING = "latn"
DIGITS_BY_NUMBERING_SYSTEM: dict[str, str] = {
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "arab": "٠١٢٣٤٥٦٧٨٩",
}


@dataclass(frozen=True)
class Language:
    """A language of the site, with everything templates and formatters need to know."""

    prefix: str
    locale_id: str
    tag: str
    direction: str
    native_name: str
    english_name: str
    digits: str | None
    numbering: str  # the CLDR numbering system of ``digits`` ('latn' for 0–9), named in CSS classes
    dates: DateShapes
    list_patterns: ListPatterns
    names: tuple[tuple[str, str], ...] = ()
    decimal_symbol: str = "."  # CLDR's, for the numbering system of ``digits``: ',' in Turkish, '٫' in Pashto

    def name_of(self, prefix: str) -> str:
        """Return the name of the site's language ``prefix`` in this language (CLDR), or the prefix."""
        return dict(self.names).get(prefix, prefix)

    @property
    def is_rtl(self) -> bool:
        """Return whether the language is written right to left."""
        return self.direction == "rtl"


def _native_name(locale: Locale) -> str:
    """Return the language's name in its own script; Dari is دری, not 'Persian (Afghanistan)'."""
    own = locale.languages.get(str(locale)) or locale.get_display_name(locale)
    return own[:1].upper() + own[1:]


def _make_language(prefix: str, locale_id: str) -> Language:
    """Build a Language from Babel's data for one locale."""
    locale = Locale.parse(locale_id)
    system = locale.default_numbering_system
    numbering = system if system in DIGITS_BY_NUMBERING_SYSTEM else LATIN_NUMBERING
    tag = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
    english = Locale.parse("en").languages.get(str(locale)) or locale.get_display_name("en")
    return Language(
        prefix=prefix,
        locale_id=locale_id,
        tag=tag,
        direction="rtl" if locale.text_direction == "rtl" else "ltr",
        native_name=_native_name(locale),
        english_name=english,
        digits=DIGITS_BY_NUMBERING_SYSTEM.get(system),
        numbering=numbering,
        dates=read_date_shapes(locale),
        list_patterns=read_list_patterns(locale),
        names=tuple((other, _name_in(locale, other_id)) for other, other_id in LOCALE_BY_PREFIX.items()),
        decimal_symbol=get_decimal_symbol(locale, numbering_system=numbering),
    )


def _name_in(locale: Locale, locale_id: str) -> str:
    """Return the name CLDR gives the language ``locale_id`` in ``locale`` ('Darice' for fa_AF in tr)."""
    return locale.languages.get(locale_id) or Locale.parse(locale_id).get_display_name(locale) or locale_id


@cache
def languages() -> tuple[Language, ...]:
    """Return the site's languages in chooser order, and let Babel's whole-locale data go."""
    made = tuple(_make_language(prefix, loc) for prefix, loc in LOCALE_BY_PREFIX.items())
    release_babel_data()
    return made


@cache
def language_by_prefix() -> dict[str, Language]:
    """Return the languages keyed by URL prefix."""
    return {language.prefix: language for language in languages()}


def get_language(prefix: str) -> Language | None:
    """Return the language for a URL prefix, or None if the prefix is not one of ours."""
    return language_by_prefix().get(prefix)


def best_language(accept_language: Iterable[tuple[str, float]]) -> Language:
    """Choose the best language for a ranked Accept-Language list of (tag, quality), English by default.

    Werkzeug ranks the header by quality (ties keep its order); Babel's ``negotiate_locale`` takes the
    first tag that is a prefix, an alias of one, or a regional tag of one (``ar-EG``). Quality 0 refuses.
    """
    preferred = [tag.replace("_", "-") for tag, quality in accept_language if quality > 0]
    prefix = negotiate_locale(preferred, list(LOCALE_BY_PREFIX), sep="-", aliases=ACCEPT_LANGUAGE_ALIASES)
    return language_by_prefix()[prefix.lower() if prefix else ENGLISH]


def localise_digits(text: str, language: Language) -> str:
    """Write the Latin digits of ``text`` in the language's own digits (no change for Latin)."""
    if language.digits is None:
        return text
    return text.translate(str.maketrans("0123456789", language.digits))


def format_tenths(value: float, language: Language) -> str:
    """Write a number to one decimal place as the language does: '3,5' in Turkish, '۳٫۵' in Pashto."""
    return localise_digits(f"{value:.1f}".replace(".", language.decimal_symbol), language)


BYTES_PER_TENTH_MB = 100_000  # sizes are shown in MB (10**6 bytes) to one decimal place


def format_megabytes(size_bytes: int, language: Language) -> str:
    """Write a download's size in MB, rounded up to a tenth: a small pack is "0.1 MB", never "0.0 MB"."""
    return format_tenths(math.ceil(size_bytes / BYTES_PER_TENTH_MB) / 10, language)


def format_day(day: dt.date | PartialDate, language: Language) -> str:
    """Format a date as '21 Nov 2026', 'July 2025' or '2013' in the language, with its own digits."""
    if not isinstance(day, PartialDate):
        day = PartialDate(day.year, day.month, day.day)
    return localise_digits(day.format(language.dates), language)


def current_language() -> Language:
    """Return the language of the current request (English outside a language prefix)."""
    from flask import g

    return getattr(g, "language", None) or language_by_prefix()[ENGLISH]


def init_app(app) -> None:
    """Wire flask-babel: the locale is the current request's language, catalogues from the build."""
    from flask_babel import Babel

    def select_locale() -> str:
        return current_language().locale_id

    babel = Babel()
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="")
    install_escaping_gettext(app)


def install_escaping_gettext(app) -> None:
    """Make templates treat catalogue text as text, never as HTML.

    Jinja's new-style gettext marks every translation as safe markup, so a ``<script>`` typed into a
    ``.po`` file would reach readers as a script. Escaping the catalogue text first keeps translators
    unable to inject markup; placeholders are still escaped by Jinja as usual.
    """
    from flask_babel import get_translations
    from markupsafe import escape

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: escape(get_translations().ugettext(s)),
        ngettext=lambda s, p, n: escape(get_translations().ungettext(s, p, n)),
        pgettext=lambda c, s: escape(get_translations().upgettext(c, s)),
        npgettext=lambda c, s, p, n: escape(get_translations().unpgettext(c, s, p, n)),
        newstyle=True,
    )


class BuildCatalogues(Domain):
    """flask-babel's message domain, reading the compiled catalogues of the build being served.

    ``folder_of`` names the current build's catalogue folder (None before the first build). The loaded
    translations are kept for one folder at a time, so a new build's catalogues take over on its first
    request, with no configuration rewritten per request.
    """

    def __init__(self, folder_of: Callable[[], str | None]):
        super().__init__()
        self.folder_of = folder_of
        self.folder: str | None = None

    @property
    def translation_directories(self) -> list[str]:
        """Return the current build's catalogue folder (none before the first build)."""
        folder = self.folder_of()
        return [folder] if folder else []

    def get_translations_cache(self, ctx) -> dict:
        """Return the translations loaded from the current folder, forgetting an older build's."""
        folder = self.folder_of()
        if folder != self.folder:
            self.folder, self.cache = folder, {}
        return self.cache


def use_catalogues(app, folder_of: Callable[[], str | None]) -> None:
    """Make flask-babel translate from the compiled catalogues in the folder ``folder_of`` names."""
    get_babel(app).instance.domain_instance = BuildCatalogues(folder_of)


def format_names(names: list[str], language: Language) -> str:
    """Join names as the language lists them ('Belgrade، Šid او Subotica'), so they read in its order.

    CLDR's Dari pattern carries a right-to-left mark, which the isolation of each name makes
    unnecessary, and its Arabic pattern glues و to the next word, which a Latin name is not part of.
    """
    if not names:
        return ""
    text = language.list_patterns.join(list(names))
    text = text.replace("\u200f", "")
    return re.sub(r"(?<=\sو)(?=[^\s\u0600-\u06ff])", " ", text) if language.prefix == "ar" else text
