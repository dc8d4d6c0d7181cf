"""The site's languages are data: one entry each in the languages file, everything else derived from it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, make_app
from test_leaflets import pdf_fonts, pdf_text
from werkzeug.datastructures import LanguageAccept

from rightsinfo import i18n
from rightsinfo.build import build_site
from rightsinfo.content import ContentError


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


# Run inside a process whose languages file has the throwaway language: the language list is read once.
THROWAWAY_CHECKS = """
import json, sys
from bench.weights import pack_path
from rightsinfo import create_app, i18n

prefix = sys.argv[1]
client = create_app({"TESTING": True}).test_client()
language = i18n.get_language(prefix)
pack = client.get(pack_path(client, prefix))
leaflet = client.get(f"/{prefix}/alpha/leaflet.pdf")
print(json.dumps({
    "native_name": language.native_name,
    "direction": language.direction,
    "chooser": client.get("/").get_data(as_text=True),
    "home": client.get(f"/{prefix}/").get_data(as_text=True),
    "page": client.get(f"/{prefix}/alpha/").get_data(as_text=True),
    "pack": [pack.status_code, pack.mimetype, len(pack.data)],
    "leaflet": [leaflet.status_code, leaflet.data[:5].decode("latin-1")],
}))
"""


def run_checked(args: list[str], env: dict[str, str]) -> str:
    """Run a command of the project in a fresh process; return its output or fail with its errors."""
    result = subprocess.run(args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def site_environment(site_dirs: dict[str, Path], languages: Path) -> dict[str, str]:
    """Return an environment that points a new process at the copied site and languages file."""
    return {
        **os.environ,
        "RIGHTSINFO_LANGUAGES_FILE": str(languages),
        "RIGHTSINFO_CONTENT_DIR": str(site_dirs["content"]),
        "RIGHTSINFO_TRANSLATIONS_DIR": str(site_dirs["translations"]),
        "RIGHTSINFO_INSTANCE_PATH": str(site_dirs["instance"]),
    }


def test_a_throwaway_language_needs_only_its_entry(site_dirs, tmp_path):
    # Central Kurdish: written right to left, in Arabic digits, with no file of its own anywhere.
    languages = tmp_path / "languages.toml"
    text = i18n.languages_file().read_text(encoding="utf-8")
    languages.write_text(text + '\n[[language]]\nprefix = "ckb"\nlocale = "ckb"\n', encoding="utf-8")
    env = site_environment(site_dirs, languages)
    run_checked([sys.executable, "-m", "flask", "--app", "rightsinfo", "build"], env)
    facts = json.loads(run_checked([sys.executable, "-c", THROWAWAY_CHECKS, "ckb"], env))
    name = facts["native_name"]
    assert facts["direction"] == "rtl"
    assert f'<a href="/ckb/" hreflang="ckb" lang="ckb" dir="rtl">{name}</a>' in facts["chooser"]
    assert '<html lang="ckb" dir="rtl">' in facts["home"]
    assert '<html lang="ckb" dir="rtl">' in facts["page"]
    assert '<article lang="en" dir="ltr">' in facts["page"]  # the English text, marked as English
    assert "not yet translated into" in facts["page"]
    assert facts["pack"][0] == 200 and facts["pack"][2] > 1000
    assert facts["leaflet"] == [200, "%PDF-"]


def test_new_language_writes_the_entry_catalogue_glossary_and_stubs(site_dirs, tmp_path, monkeypatch):
    languages = tmp_path / "languages.toml"
    languages.write_text(i18n.languages_file().read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(PROJECT_DIR / "translations" / "messages.pot", site_dirs["translations"])
    shutil.copytree(PROJECT_DIR / "translations" / "glossary", site_dirs["translations"] / "glossary")
    monkeypatch.setenv("RIGHTSINFO_LANGUAGES_FILE", str(languages))
    app = make_app(site_dirs)
    result = app.test_cli_runner().invoke(args=["translations", "new-language", "ckb", "ckb"])
    assert result.exit_code == 0, result.output
    added = i18n.read_language_entries(languages)[-1]
    assert (added.prefix, added.locale_id, added.iso_639_3) == ("ckb", "ckb", "ckb")
    catalogue = site_dirs["translations"] / "ckb" / "LC_MESSAGES" / "messages.po"
    assert "Language: ckb" in catalogue.read_text(encoding="utf-8")
    glossary = (site_dirs["translations"] / "glossary" / "ckb.tbx").read_text(encoding="utf-8")
    assert "<term>asylum</term>" in glossary
    for slug in ("alpha", "beta", "about"):
        assert (site_dirs["content"] / "pages" / slug / "ckb.md").read_text() == "---\nstatus: missing\n---\n"
    assert "3 pages" in result.output and "interface messages" in result.output
    again = app.test_cli_runner().invoke(args=["translations", "new-language", "ckb", "ckb"])
    assert again.exit_code != 0 and "already" in again.output


def test_a_missing_stub_serves_english_with_the_notice(site_dirs):
    (site_dirs["content"] / "pages" / "beta" / "ps.md").write_text("---\nstatus: missing\n---\n")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    page = make_app(site_dirs).test_client().get("/ps/beta/")
    assert page.status_code == 200
    assert '<article lang="en" dir="ltr">' in page.get_data(as_text=True)


TURKISH_LETTERS = "ğĞıİşŞçÇöÖüÜ"


def test_turkish_letters_print_in_the_leaflets_own_fonts(site_dirs, tmp_path):
    # Noto Sans's Latin subset lacks ğ İ ş, its Latin Extended subset has them: the stack covers both.
    (site_dirs["content"] / "pages" / "beta" / "tr.md").write_text(
        "---\ntitle: Doktor nerede?\nsummary: Doktorlar merkezlerde çalışır.\nstatus: draft\n---\n"
        f"Ambulansı [194](tel:194) numarasından arayın: {TURKISH_LETTERS}.\n",
        encoding="utf-8",
    )
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    pdf = make_app(site_dirs).test_client().get("/tr/beta/leaflet.pdf")
    assert pdf.status_code == 200
    fonts = pdf_fonts(pdf.data, tmp_path)
    assert fonts and all(name.split("+", 1)[-1].startswith("Leaf-") for name, _embedded in fonts), fonts
    assert TURKISH_LETTERS in pdf_text(pdf.data, tmp_path)


def with_home_sections(prefix: str, *targets: str) -> tuple[i18n.LanguageEntry, ...]:
    """Return the language entries with ``targets`` as one language's home sections."""
    return tuple(
        dataclasses.replace(entry, home_sections=targets) if entry.prefix == prefix else entry
        for entry in i18n.LANGUAGE_ENTRIES
    )


def test_a_home_section_is_one_tap_from_the_home_page_in_any_language(site_dirs, monkeypatch):
    monkeypatch.setattr(i18n, "LANGUAGE_ENTRIES", with_home_sections("ps", "alpha#who-can-help"))
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    client = make_app(site_dirs).test_client()
    home = client.get("/ps/").get_data(as_text=True)
    assert 'href="/ps/alpha/#who-can-help"' in home
    assert "څوک مرسته کولی شي؟" in home  # the section's own heading, in Pashto
    assert '<h2 id="who-can-help">' in client.get("/ps/alpha/").get_data(as_text=True)
    assert "#who-can-help" not in client.get("/ar/").get_data(as_text=True)  # only where listed


def test_a_home_section_the_page_does_not_have_fails_the_build(site_dirs, monkeypatch):
    monkeypatch.setattr(i18n, "LANGUAGE_ENTRIES", with_home_sections("ps", "alpha#who-can-hepl"))
    with pytest.raises(ContentError, match=r"languages\.toml.*alpha#who-can-hepl.*who-can-help"):
        build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])


def test_turkish_home_reaches_the_airport_sections_in_one_tap(real_app):
    client = real_app.test_client()
    home = client.get("/tr/").get_data(as_text=True)
    for slug, anchor in (("asylum", "whom-do-i-tell"), ("detention", "i-am-held-at-belgrade-airport")):
        assert f'href="/tr/{slug}/#{anchor}"' in home
        page = client.get(f"/tr/{slug}/").get_data(as_text=True)
        assert f'<h2 id="{anchor}">' in page
    section = page.split('<h2 id="i-am-held-at-belgrade-airport">', 1)[1]
    assert "+381 69 5657254" in section.split("<h2", 1)[0]  # the airport legal-aid line (UNHCR, undated)


@pytest.mark.parametrize("prefix", [prefix for prefix in i18n.LOCALE_BY_PREFIX if prefix != i18n.ENGLISH])
def test_every_catalogue_chooses_plural_forms_as_cldr_does(prefix):
    """Counts of one CLDR plural category share one form (a language may use one form for several:
    Dari and Turkish put a noun after a number in the singular)."""
    from gettext import c2py

    from babel import Locale
    from babel.messages.pofile import read_po

    locale_id = i18n.LOCALE_BY_PREFIX[prefix]
    with (PROJECT_DIR / "translations" / locale_id / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    form_of = c2py(catalogue.plural_expr)
    category_of = Locale.parse(locale_id).plural_form
    pairs = {(form_of(count), category_of(count)) for count in range(0, 1001)}
    assert len(pairs) == len({category for _form, category in pairs}), sorted(pairs)


def test_turkish_dates_are_cldrs_with_latin_digits():
    turkish = i18n.get_language("tr")
    assert turkish.digits is None  # CLDR's default numbering system for Turkish is latn
    assert i18n.format_day(dt.date(2025, 7, 3), turkish) == "3 Tem 2025"
    assert i18n.format_names(["Belgrad", "Şid", "Subotica"], turkish) == "Belgrad, Şid ve Subotica"
