"""Dates only as precise as their sources: a year, a month or a day, shown that way in every language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import make_app, without_isolation

from rightsinfo.build import build_site
from rightsinfo.content import ContentError
from rightsinfo.i18n import get_language, languages, localise_digits
from rightsinfo.partial_date import PartialDate, parse_partial_date

PREFIXES = [language.prefix for language in languages()]


def build(dirs):
    """Build the site from the test's folders."""
    build_site(dirs["content"], dirs["translations"], dirs["instance"])


def edit(path, old: str, new: str) -> None:
    """Replace one piece of a content file, failing if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def record_dates(html: str) -> str:
    """Return the text of the lines that date a record and its contacts (not the English source list)."""
    lines = re.findall(r'class="(?:checked|reviewed)">(.*?)</(?:span|p)>', html, re.DOTALL)
    return visible_text(without_isolation(" | ".join(lines)))


def visible_text(html: str) -> str:
    """Return the page's text without tags and with spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2013, PartialDate(2013)),
        ("2013", PartialDate(2013)),
        ("2025-07", PartialDate(2025, 7)),
        ("2025-07-03", PartialDate(2025, 7, 3)),
        (dt.date(2025, 7, 3), PartialDate(2025, 7, 3)),
        ("2025-7", None),
        ("2025-13", None),
        ("2025-02-30", None),
        ("July 2025", None),
        ("updated 22/08/24", None),
        (True, None),
        (None, None),
    ],
)
def test_a_date_is_a_year_a_month_or_a_day_and_nothing_else(value, expected):
    assert parse_partial_date(value) == expected


def test_dates_sort_by_what_is_known_and_write_back_as_written():
    dates = [PartialDate(2026), PartialDate(2025, 7, 3), PartialDate(2025), PartialDate(2025, 7)]
    assert [d.isoformat() for d in sorted(dates)] == ["2025", "2025-07", "2025-07-03", "2026"]
    assert PartialDate(2013).first_day() == dt.date(2013, 1, 1)


def test_year_and_month_dates_build_and_show_in_every_language_with_its_digits(site_dirs):
    record = site_dirs["content"] / "organisations" / "helpers.yaml"
    edit(record, "verified_on: 2014-01-01", "verified_on: 2013")
    edit(record, "verified_on: 2025-07-03", "verified_on: 2025-07")
    edit(site_dirs["content"] / "sources.yaml", "date: 2025\n", "date: 2025-07\n")
    build(site_dirs)
    client = make_app(site_dirs).test_client()
    for prefix in PREFIXES:
        language = get_language(prefix)
        text = record_dates(client.get(f"/{prefix}/organisations/helpers/").get_data(as_text=True))
        ((_field, months),) = language.dates.month.month_names  # the names the site writes
        july = months[6]
        assert localise_digits("2013", language) in text, prefix
        assert july in text and localise_digits("2025", language) in text, prefix
        assert localise_digits("2014", language) not in text, prefix
        if language.digits:
            assert "2013" not in text and "2025" not in text, prefix
    english = record_dates(client.get("/en/organisations/helpers/").get_data(as_text=True))
    assert "Source S2, dated 2013" in english
    assert "dated July 2025." in english
    assert "1 Jan 2013" not in english and "1 Jul 2025" not in english


def test_a_source_date_that_is_not_a_date_fails_the_build_naming_the_file(site_dirs):
    edit(site_dirs["content"] / "sources.yaml", "date: 2025\n", "date: about 2025\n")
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/sources.yaml:" in str(failure.value)
    assert "source S2: 'date' is not a date" in str(failure.value)


def test_a_page_shows_its_newest_sources_date_and_whether_a_person_checked_it(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    build(site_dirs)
    checked = visible_text(make_app(site_dirs).test_client().get("/en/alpha/").get_data(as_text=True))
    assert "Based on sources up to 22 Aug 2024." in checked  # S1, the page's only source
    assert "Checked against its sources by a person on 21 Nov 2026." in checked

    edit(page, "reviewed: 2026-11-21\n", "")
    edit(page, "sources: [S1]", "sources: [S1, S2]")
    build(site_dirs)
    client = make_app(site_dirs).test_client()
    english = visible_text(client.get("/en/alpha/").get_data(as_text=True))
    assert "Based on sources up to 2025." in english  # S2 shows only a year
    assert "Not yet checked by a person." in english
    assert "Checked against its sources by a person" not in english
    pashto = client.get("/ps/alpha/").get_data(as_text=True)
    assert "۲۰۲۵" in pashto


def test_a_contact_whose_source_shows_no_date_says_so_and_may_be_out_of_date(site_dirs):
    record = site_dirs["content"] / "organisations" / "helpers.yaml"
    edit(record, "verified_on: 2014-01-01", "verified_on: null")
    build(site_dirs)
    text = visible_text(
        make_app(site_dirs).test_client().get("/en/organisations/helpers/").get_data(as_text=True)
    )
    assert "Source S2, which shows no date" in text
    assert "May be out of date" in text


def test_a_contact_must_say_its_date_even_when_there_is_none(site_dirs):
    edit(site_dirs["content"] / "organisations" / "helpers.yaml", "    verified_on: 2014-01-01\n", "")
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "helpers.yaml" in str(failure.value)
    assert "has no 'verified_on' date (write null if its source shows none)" in str(failure.value)


def test_a_persons_check_of_the_english_holds_for_a_current_translation_only(site_dirs):
    for lang in ("ps", "ar"):
        edit(site_dirs["content"] / "pages" / "alpha" / f"{lang}.md", "reviewed: 2026-11-21\n", "")
    build(site_dirs)
    client = make_app(site_dirs).test_client()
    current = record_dates(client.get("/ps/alpha/").get_data(as_text=True))
    assert "۲۱" in current and "۲۰۲۶" in current  # the English page's check, in Pashto digits
    outdated = record_dates(client.get("/ar/alpha/").get_data(as_text=True))
    assert "2026" not in outdated and "٢٠٢٦" not in outdated  # the English changed since
    assert "Not yet checked by a person." in outdated  # the fixture catalogue has no Arabic
