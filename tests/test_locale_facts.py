"""What each language reads of CLDR once: dates and lists written exactly as Babel writes them, and
serving every page and leaflet afterwards loading none of Babel's whole-locale data back."""

from __future__ import annotations

import datetime as dt

import pytest
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from conftest import make_real_app

from bench import weights
from rightsinfo import i18n, leaflets
from rightsinfo.locale_facts import loaded_babel_locales, read_date_shape, release_babel_data
from rightsinfo.partial_date import PartialDate
from rightsinfo.site import site_of

DAYS = [
    dt.date(year, month, day) for year in (2013, 2024, 2026) for month in range(1, 13) for day in (1, 9, 28)
]


@pytest.mark.parametrize("language", i18n.languages(), ids=lambda language: language.prefix)
def test_dates_are_written_as_babel_writes_them(language):
    locale = Locale.parse(language.locale_id)
    for day in DAYS:
        expected = {
            PartialDate(day.year, day.month, day.day): format_date(day, "d MMM y", locale=locale),
            PartialDate(day.year, day.month): format_skeleton("yMMMM", day, locale=locale),
            PartialDate(day.year): format_skeleton("y", day, locale=locale),
        }
        for partial, babel_text in expected.items():
            assert i18n.format_day(partial, language) == i18n.localise_digits(babel_text, language)
        assert i18n.format_day(day, language) == i18n.format_day(
            PartialDate(day.year, day.month, day.day), language
        )


@pytest.mark.parametrize("language", i18n.languages(), ids=lambda language: language.prefix)
def test_tenths_are_written_as_babel_writes_them_in_the_sites_digits(language):
    for value in (0.0, 0.04, 3.5, 12.25, 150.0):
        babel_text = format_decimal(
            value, "0.0", locale=language.locale_id, numbering_system=language.numbering
        )
        assert i18n.format_tenths(value, language) == i18n.localise_digits(babel_text, language)


def test_a_size_is_written_with_each_languages_decimal_separator():
    written = {
        prefix: i18n.format_tenths(3.5, language) for prefix, language in i18n.language_by_prefix().items()
    }
    assert written == {"ps": "۳٫۵", "prs": "۳٫۵", "ar": "3.5", "ur": "3.5", "tr": "3,5", "en": "3.5"}


def test_a_download_is_never_offered_as_nothing_its_size_rounds_up_to_a_tenth_of_a_megabyte():
    turkish = i18n.language_by_prefix()["tr"]
    sizes = {
        size: i18n.format_megabytes(size, turkish) for size in (0, 1, 40_000, 100_000, 100_001, 3_450_000)
    }
    assert sizes == {0: "0,0", 1: "0,1", 40_000: "0,1", 100_000: "0,1", 100_001: "0,2", 3_450_000: "3,5"}


@pytest.mark.parametrize("language", i18n.languages(), ids=lambda language: language.prefix)
def test_names_are_joined_as_babel_joins_them(language):
    names = ["Belgrade", "Šid", "Subotica", "Preševo"]
    for count in range(len(names) + 1):
        expected = format_list(names[:count], locale=Locale.parse(language.locale_id))
        assert language.list_patterns.join(names[:count]) == expected


def test_a_date_pattern_with_a_field_the_site_does_not_write_is_refused():
    with pytest.raises(ValueError, match="'EEEE'"):
        read_date_shape("EEEE d MMM y", Locale.parse("en"))


@pytest.fixture
def fresh_real_app(tmp_path):
    """An app on the real content with an empty page cache, so every page is rendered afresh."""
    return make_real_app(tmp_path)


def test_serving_every_page_and_leaflet_loads_no_babel_locale_data(fresh_real_app):
    # Every language is made (and Babel's data read) before this test; what it loaded is let go here.
    i18n.languages()
    assert Locale.parse("ps").text_direction == "rtl"  # reads Pashto's whole data: the helper sees it
    assert "ps" in loaded_babel_locales()
    release_babel_data()
    client = fresh_real_app.test_client()
    site_of(fresh_real_app).cache.clear()
    pages = weights.page_weights(client)["pages"]
    with fresh_real_app.app_context():
        for language in i18n.languages():
            second = None if language.prefix == i18n.ENGLISH else i18n.ENGLISH
            leaflets.render_leaflet(fresh_real_app, language.prefix, "asylum", "a5", second)
            leaflets.render_leaflet(fresh_real_app, language.prefix, "organisations")
            assert client.get(f"/{language.prefix}/guide.html").status_code == 200
    assert pages > 50
    assert loaded_babel_locales() == []
