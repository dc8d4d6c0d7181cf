"""What a recording reads: the sections of a page, a card and the emergency numbers, and their hashes."""

from __future__ import annotations

from rightsinfo import db
from rightsinfo.recordings import texts
from rightsinfo.recordings.texts import SectionText
from rightsinfo.sections import headings
from rightsinfo.site import connection


def test_sections_of_a_pashto_page_follow_its_headings(real_app):
    """A Pashto page's sections are its intro and then one per ## heading, keyed by the English anchors."""
    with real_app.app_context():
        conn = connection()
        page = db.page(conn, "ps", "asylum")
        assert page["text_lang"] == "ps"
        found = texts.sections(conn, "ps", "pages", "asylum")
        anchors = [anchor for anchor, _text in headings(page["html"])]
        assert len(anchors) >= 2
        assert [section.key for section in found] == ["intro", *anchors]
        assert found[0].text.startswith(page["title"])
        first_heading = headings(page["html"])[0][1]
        assert found[1].text.startswith(first_heading)
        assert all(section.text == " ".join(section.text.split()) for section in found)
        english = texts.sections(conn, "en", "pages", "asylum")
        assert [section.key for section in english] == [section.key for section in found]


def test_text_in_english_on_a_pashto_page_has_nothing_to_record(real_app):
    """An item shown in English to Pashto readers, or one that does not exist, has no sections in Pashto."""
    with real_app.app_context():
        conn = connection()
        english_only = conn.execute(
            "SELECT lang, slug FROM pages WHERE lang != 'en' AND text_lang = 'en' LIMIT 1"
        ).fetchone()
        if english_only:
            assert texts.sections(conn, english_only[0], "pages", english_only[1]) == []
        assert texts.sections(conn, "ps", "pages", "no-such-page") == []
        assert texts.sections(conn, "ps", "cards", "no-such-card") == []
        assert texts.sections(conn, "ps", "emergency", "other") == []
        assert texts.sections(conn, "ps", "songs", "asylum") == []


def test_cards_and_emergency_numbers_are_one_section_each(real_app):
    """A card reads its own text (never the Serbian); the emergency block reads each short number."""
    with real_app.app_context():
        conn = connection()
        card = db.cards(conn, "ps")[0]
        [section] = texts.sections(conn, "ps", "cards", card["id"])
        assert section.key == "card"
        assert section.text == " ".join(card["text"].split())
        assert card["sr_latn"] not in section.text
        [numbers] = texts.sections(conn, "ps", "emergency", "numbers")
        assert numbers.key == "numbers"
        assert "192" in numbers.text and "194" in numbers.text


def test_a_changed_number_changes_the_facts_and_rewording_does_not():
    """Rewording changes only text_hash; a changed number or link changes facts_hash too."""
    html = '<p>Call <a href="tel:192">192</a> within 72 hours.</p>'
    [_intro] = texts.page_sections("Title", html)
    reworded = SectionText("intro", "Title Phone 192 in the first 72 hours.", ("tel:192",))
    changed = SectionText("intro", "Title Call 193 within 72 hours.", ("tel:192",))
    relinked = SectionText("intro", _intro.text, ("tel:193",))
    assert _intro.text == "Title Call 192 within 72 hours."
    assert _intro.links == ("tel:192",)
    assert reworded.facts_hash == _intro.facts_hash
    assert reworded.text_hash != _intro.text_hash
    assert changed.facts_hash != _intro.facts_hash
    assert relinked.facts_hash != _intro.facts_hash
    assert len(_intro.text_hash) == len(_intro.facts_hash) == 16


def test_eastern_digits_are_the_same_facts_as_western():
    """۱۹۲ (Persian), ١٩٢ (Arabic) and 192 are one number to the facts hash."""
    assert texts.digit_runs("۱۹۲ و ١٩٤ and 72") == ["192", "194", "72"]
    persian = SectionText("numbers", "پولیس ۱۹۲")
    western = SectionText("numbers", "پولیس 192")
    assert persian.facts_hash == western.facts_hash
    assert persian.text_hash != western.text_hash


def test_text_is_nfc_with_whitespace_collapsed():
    """Composed and decomposed forms of one text hash alike, and markup layout never counts."""
    [decomposed] = texts.page_sections("Cafe\u0301", "")
    [composed] = texts.page_sections("Café", "")
    assert decomposed.text_hash == composed.text_hash
    [spaced] = texts.page_sections("A", "<p>b\n   c</p>\n<p>d</p>")
    assert spaced.text == "A b c d"
