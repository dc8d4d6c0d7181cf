"""Digits: every number a reader sees in a language is written in the one set of digits its locale uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale

from rightsinfo import i18n, markup
from rightsinfo.guide import GUIDE_CSS_PATH
from rightsinfo.i18n import DIGITS_BY_NUMBERING_SYSTEM, LATIN_NUMBERING
from rightsinfo.leaflets.context import NUMBERING_SYSTEM_BY_DIGITS

SITE_CSS = Path(__file__).parent.parent / "rightsinfo" / "static" / "site.css"
LEAFLET_CSS = GUIDE_CSS_PATH.with_name("leaflet.css")
# How CSS writes each numbering system's list numbers.
CSS_LIST_STYLE = {"arabext": "persian", "arab": "arabic-indic"}
BODY_CLASS = re.compile(r'<body class="digits-([a-z]+)"')


@pytest.mark.parametrize("language", i18n.languages(), ids=lambda language: language.prefix)
def test_each_language_has_the_digits_and_numbering_of_its_locale(language):
    system = Locale.parse(language.locale_id).default_numbering_system
    assert language.digits == DIGITS_BY_NUMBERING_SYSTEM.get(system)
    assert language.numbering == (system if language.digits else LATIN_NUMBERING)
    assert NUMBERING_SYSTEM_BY_DIGITS.get(language.digits, LATIN_NUMBERING) == language.numbering  # leaflets


def test_pashto_and_dari_write_eastern_digits():
    assert i18n.get_language("ps").numbering == "arabext" and i18n.get_language("prs").numbering == "arabext"


@pytest.mark.parametrize("css", [SITE_CSS, GUIDE_CSS_PATH, LEAFLET_CSS], ids=lambda path: path.name)
def test_every_stylesheet_numbers_lists_in_every_numbering_the_table_holds(css):
    assert set(CSS_LIST_STYLE) == set(DIGITS_BY_NUMBERING_SYSTEM)
    text = "".join(css.read_text(encoding="utf-8").split()).replace(";}", "}")
    for system, style in CSS_LIST_STYLE.items():
        assert f".digits-{system}ol{{list-style-type:{style}}}" in text, (css.name, system)
    assert ":lang(ps)ol" not in text and ":lang(fa)ol" not in text  # by language: a second table


def test_pages_and_the_guide_name_their_numbering_on_body(client, app):
    from rightsinfo.publish.published import write_published

    write_published(app, only=["ps", "ar", "en"])
    for prefix in ("ps", "ar", "en"):
        numbering = i18n.get_language(prefix).numbering
        for path in (f"/{prefix}/", f"/{prefix}/alpha/", f"/{prefix}/guide.html"):
            html = client.get(path).get_data(as_text=True)
            assert BODY_CLASS.search(html).group(1) == numbering, path


def test_numbers_compare_in_whatever_digits_they_were_typed_in():
    for digits in DIGITS_BY_NUMBERING_SYSTEM.values():
        assert digits.translate(markup.EASTERN_DIGITS) == "0123456789"
        assert markup.EASTERN_DIGIT_RUN.fullmatch(digits)
