"""Jinja filters the leaflet templates use, registered for the whole app by the leaflets blueprint."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from rightsinfo import i18n
from rightsinfo.markup import without_tags
from rightsinfo.templating import day_filter

ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
ISOLATED_VALUES = re.compile(r"<bdi[^>]*>.*?</bdi>", re.DOTALL)


def host(url: str) -> str:
    """Return the host of an address, for a source on the wallet card, where a whole URL does not fit."""
    return urlsplit(url).hostname or url


def leaflet_day(value: str) -> Markup:
    """Format a date in the reader's language and digits, isolated so it keeps its order in any sentence."""
    return Markup("<bdi>") + escape(day_filter(value)) + Markup("</bdi>")


def english_fallback(text: str, language: i18n.Language | None = None) -> Markup:
    """Isolate an interface string left in English as left-to-right text inside a right-to-left leaflet.

    A string the catalogue does not translate yet comes out in English; without isolation its words
    and full stop would be laid out right to left. A translated string always has Arabic letters.
    """
    shown = escape(text)
    own_words = without_tags(ISOLATED_VALUES.sub("", shown))  # values filled in are not the sentence
    if not (language or i18n.current_language()).is_rtl or ARABIC_LETTERS.search(own_words):
        return shown
    return Markup('<bdi dir="ltr" lang="en">') + shown + Markup("</bdi>")


FILTERS = {"host": host, "leaflet_day": leaflet_day, "english_fallback": english_fallback}
