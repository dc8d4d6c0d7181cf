"""The real content: every page, record and card exists in all five languages and tells one story."""

from __future__ import annotations

import re

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


LAWYER_ADVICE = re.compile(r"(ask|contact|talk to|get) (for )?a lawyer", re.IGNORECASE)
LEGAL_AID_LINES = ("tel:+381112457376", "tel:+381637047080", "tel:+381648246508")


def test_every_page_that_says_get_a_lawyer_gives_a_legal_aid_number():
    """'Ask a lawyer the same day' next to an 8-day deadline is no help without a number to call."""
    pages = {slug: versions["en"].body for slug, versions in CONTENT.pages.items()}
    missing = [slug for slug, body in pages.items() if LAWYER_ADVICE.search(body)]
    missing = [slug for slug in missing if not any(line in pages[slug] for line in LEGAL_AID_LINES)]
    assert missing == []


def test_every_page_with_a_short_emergency_number_gives_its_full_form_and_the_emergency_page():
    """A phone with a foreign SIM may not connect to 192/193/194; the full +381 11 form is the fallback."""
    for slug, versions in CONTENT.pages.items():
        body = versions["en"].body
        for short in re.findall(r"\(tel:(19[234])\)", body):
            assert f"tel:+38111{short}" in body, (slug, short)
            assert "(../emergency/)" in body or slug == "emergency", slug


# A number's caveat, worded once: each page that gives the number says it the same way.
CAVEATS = {
    "tel:+381117850000": "October 2018",  # ASTRA SOS: licensed and free in 2018 (S134); hours unknown
    "tel:+381695657254": "UNHCR page that has no date",  # IDEAS airport line (S2, undated)
    "tel:116000": "says calls are free",  # 116 000: ASTRA's word, not confirmed for foreign SIMs
}


@pytest.mark.parametrize("link", CAVEATS)
def test_a_numbers_caveat_is_the_same_on_every_page(link):
    pages = [(slug, " ".join(versions["en"].body.split())) for slug, versions in CONTENT.pages.items()]
    without = [slug for slug, body in pages if link in body and CAVEATS[link] not in body]
    assert without == []
