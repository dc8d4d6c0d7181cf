"""The site's languages are data: one entry each in the languages file, everything else derived from it."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import LanguageAccept

from rightsinfo import i18n


def accept(header: str) -> list[tuple[str, float]]:
    """Parse an Accept-Language header the way Werkzeug ranks it for a request."""
    from werkzeug.http import parse_accept_header

    return list(parse_accept_header(header, LanguageAccept))


@pytest.mark.parametrize("header", ["tr", "tr-TR", "tr-TR,tr;q=0.9,en;q=0.5", "de;q=0.9,tr-tr;q=0.8"])
def test_a_turkish_browser_gets_turkish(header):
    assert i18n.best_language(accept(header)).prefix == "tr"


def test_the_chooser_puts_turkish_first_for_a_turkish_browser(client):
    html = client.get("/", headers={"Accept-Language": "tr-TR,tr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="tr" dir="ltr">' in html
    assert 'href="/tr/" hreflang="tr" lang="tr" dir="ltr" class="best">Türkçe</a>' in html


def test_every_entry_of_the_languages_file_is_a_language_of_the_site():
    entries = i18n.read_language_entries(i18n.languages_file())
    assert [language.prefix for language in i18n.languages()] == [entry.prefix for entry in entries]
    assert i18n.ACCEPT_LANGUAGE_ALIASES["fa-af"] == "prs"  # Dari's aliases come from its entry


def test_language_names_come_from_cldr_in_the_readers_language(client):
    # 'beta' has no translation: the notice names the reader's language in that language (CLDR).
    assert "not yet translated into Türkçe" in client.get("/tr/beta/").get_data(as_text=True)
    assert i18n.get_language("tr").name_of("prs") == "Darice"
    assert i18n.get_language("en").name_of("prs") == "Dari"


def test_a_languages_file_without_english_is_refused(tmp_path):
    broken = tmp_path / "languages.toml"
    broken.write_text('[[language]]\nprefix = "tr"\nlocale = "tr"\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match="English"):
        i18n.read_language_entries(broken)


def test_a_broken_languages_file_names_itself(tmp_path):
    broken = tmp_path / "languages.toml"
    broken.write_text("[[language]]\nprefix = \n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"languages\.toml"):
        i18n.read_language_entries(broken)
