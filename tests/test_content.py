"""The real content: every page, record and card exists in all five languages and tells one story."""

from __future__ import annotations

import pytest
from conftest import PROJECT_DIR

from rightsinfo.build import page_rows
from rightsinfo.content import read_content
from rightsinfo.i18n import LOCALE_BY_PREFIX
from rightsinfo.markup import render_markdown, shape_of

CONTENT = read_content(PROJECT_DIR / "content")
LANGUAGES = set(LOCALE_BY_PREFIX)
TOPICS = (
    "asylum", "rights", "hungary-border", "after-pushback", "health", "emergency", "children",
    "trafficking", "family", "centres", "about",
)  # fmt: skip
CARDS = ("asylum", "doctor", "interpreter", "child", "call", "lawyer", "ambulance")


def test_every_topic_page_exists_in_all_five_languages():
    for slug in TOPICS:
        assert set(CONTENT.pages[slug]) == LANGUAGES, slug


@pytest.mark.parametrize("slug", TOPICS)
def test_translated_pages_keep_the_numbers_links_and_headings_of_english(slug):
    """Current translations only: an English correction publishes before translators catch up."""
    source = CONTENT.pages[slug]["en"]
    english = shape_of(render_markdown(source.body))
    for lang, page in CONTENT.pages[slug].items():
        if lang != "en" and page.translated_from != source.fingerprint:
            continue
        shape = shape_of(render_markdown(page.body))
        assert shape.numbers == english.numbers, f"{slug}/{lang}.md numbers differ"
        assert shape.links == english.links, f"{slug}/{lang}.md links differ"
        assert shape.headings == english.headings, f"{slug}/{lang}.md headings differ"


def test_the_real_content_builds_without_problems():
    rows, problems = page_rows(CONTENT)
    assert problems == []
    assert len(rows) == len(CONTENT.pages) * len(LANGUAGES)


def test_every_translation_is_marked_as_a_draft_or_reviewed_and_is_current():
    for slug, versions in CONTENT.pages.items():
        for lang, page in versions.items():
            if lang == "en":
                continue
            assert page.status in {"draft", "reviewed"}
            assert page.translated_from == versions["en"].fingerprint, f"{slug}/{lang}.md outdated"


def test_every_organisation_has_text_in_all_five_languages_and_sourced_contacts():
    assert len(CONTENT.organisations) >= 20
    for org in CONTENT.organisations:
        assert set(org.text) == LANGUAGES, org.id
        for contact in org.contacts:
            assert contact.source in CONTENT.sources, (org.id, contact.value)


def test_every_record_carries_its_sources_date_and_no_invented_day():
    records = [(org.id, org.verified_on, org.source) for org in CONTENT.organisations]
    records += [
        (f"{org.id}: {c.value}", c.verified_on, c.source)
        for org in CONTENT.organisations
        for c in org.contacts
    ]
    records += [(number.id, number.verified_on, number.source) for number in CONTENT.emergency]
    for record, day, source in records:
        # Undated where the source shows no date; a year or a month where it shows no more.
        assert day == CONTENT.sources[source].dated, (record, day, source)


def test_every_show_this_card_has_serbian_in_both_scripts_and_all_five_languages():
    assert tuple(card.id for card in CONTENT.cards) == CARDS
    for card in CONTENT.cards:
        assert set(card.text) == LANGUAGES, card.id
        assert any("\u0400" <= ch <= "\u04ff" for ch in card.sr_cyrl), card.id
        assert card.status == "draft"  # Serbian sentences await a native speaker too


def test_emergency_numbers_are_the_ones_in_the_brief_with_labels_in_every_language():
    numbers = {number.id: number for number in CONTENT.emergency}
    assert numbers["police"].number == "192"
    assert numbers["fire"].number == "193"
    assert numbers["ambulance"].number == "194"
    for number in CONTENT.emergency:
        assert set(number.labels) == LANGUAGES, number.id


def test_every_page_names_sources_that_exist():
    for slug, versions in CONTENT.pages.items():
        for source in versions["en"].sources:
            assert source in CONTENT.sources, (slug, source)
