"""Translators' workflow: status, outdated detection, one-command marking, checks that name lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from conftest import PROJECT_DIR, make_app, without_isolation

from rightsinfo import i18n
from rightsinfo.build import build_site
from rightsinfo.content import ContentError

PS_PO = Path("ps") / "LC_MESSAGES" / "messages.po"
AR_PO = Path("ar") / "LC_MESSAGES" / "messages.po"


def cli(site_dirs, *args):
    """Run a flask CLI command against the fixture site."""
    return make_app(site_dirs).test_cli_runner().invoke(args=list(args))


def status_json(site_dirs) -> dict:
    """Return `translations status --json` for the fixture site, on a day its pages are not due."""
    result = (
        make_app(site_dirs, TODAY="2026-12-01")
        .test_cli_runner()
        .invoke(args=["translations", "status", "--json"])
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["languages"]


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, failing if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_status_json_has_the_documented_shape_and_counts(site_dirs):
    status = status_json(site_dirs)
    assert set(status) == set(i18n.LOCALE_BY_PREFIX)
    ps = status["ps"]
    assert set(ps) == {"ui", "pages"}
    assert set(ps["ui"]) == {"translated", "fuzzy", "missing"}
    assert ps["ui"]["translated"] == 2  # the fixture catalogue translates two strings
    assert ps["ui"]["missing"] > 0
    assert ps["pages"] == {
        "translated": 1,
        "outdated": [],
        "updating": [],
        "missing": ["about", "beta"],
        "draft": 1,
        "reviewed": 0,
        "review_due": [],
    }
    assert status["en"]["pages"]["review_due"] == []
    assert status["ar"]["pages"]["outdated"] == ["alpha"]
    assert status["ar"]["pages"]["reviewed"] == 1


def test_status_table_lists_outdated_and_missing_files(site_dirs):
    result = cli(site_dirs, "translations", "status")
    assert result.exit_code == 0
    assert "outdated: content/pages/alpha/ar.md" in result.output
    assert "missing:  content/pages/beta/ps.md" in result.output


def test_a_substantive_english_edit_makes_translations_outdated(site_dirs):
    english = site_dirs["content"] / "pages" / "alpha" / "en.md"
    edit(english, "You have 72 hours", "You have 72 hours, counted from the certificate,")
    assert status_json(site_dirs)["ps"]["pages"]["outdated"] == ["alpha"]


def test_whitespace_and_punctuation_edits_do_not_make_translations_outdated(site_dirs):
    english = site_dirs["content"] / "pages" / "alpha" / "en.md"
    edit(english, "You have 72 hours to reach the centre.", "You have 72 hours  to reach the centre!")
    edit(english, "## Who can help?", "\n##   Who can help ?")
    assert status_json(site_dirs)["ps"]["pages"]["outdated"] == []


def test_mark_minor_carries_translations_over_an_english_edit(site_dirs):
    english = site_dirs["content"] / "pages" / "alpha" / "en.md"
    before = cli(site_dirs, "translations", "status", "--json")
    assert before.exit_code == 0
    from rightsinfo.content import Problems, read_page

    old = read_page(english, "alpha", "en", None, Problems(english.parent)).fingerprint
    edit(english, "reach the centre", "reach the center")
    assert status_json(site_dirs)["ps"]["pages"]["outdated"] == ["alpha"]
    result = cli(site_dirs, "translations", "mark-minor", "alpha", "--since", old)
    assert result.exit_code == 0, result.output
    assert "1 translation(s)" in result.output
    status = status_json(site_dirs)
    assert status["ps"]["pages"]["outdated"] == []
    assert status["ar"]["pages"]["outdated"] == ["alpha"]  # it was outdated before the edit


def test_mark_current_and_reviewed_in_one_command(site_dirs):
    result = cli(site_dirs, "translations", "mark-current", "alpha", "ar", "--reviewed")
    assert result.exit_code == 0, result.output
    status = status_json(site_dirs)
    assert status["ar"]["pages"]["outdated"] == []
    text = (site_dirs["content"] / "pages" / "alpha" / "ar.md").read_text(encoding="utf-8")
    assert "status: reviewed" in text
    assert text.count("translated_from:") == 1


def test_reader_sees_outdated_notice_until_marked_current(site_dirs):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    client = make_app(site_dirs).test_client()
    assert "may be out of date" in client.get("/ar/alpha/").get_data(as_text=True)
    cli(site_dirs, "translations", "mark-current", "alpha", "ar")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert "may be out of date" not in client.get("/ar/alpha/").get_data(as_text=True)


def test_check_passes_on_fixture_and_reports_missing_as_notes(site_dirs):
    result = cli(site_dirs, "translations", "check")
    assert result.exit_code == 0, result.output
    assert "note: content/pages/beta/ps.md is not translated yet" in result.output


def test_check_names_file_and_line_of_a_broken_catalogue(site_dirs):
    po = site_dirs["translations"] / PS_PO
    edit(po, 'msgstr "موضوعګانې"', 'msgstr "موضوعګانې')
    result = cli(site_dirs, "translations", "check")
    assert result.exit_code == 1
    assert re.search(r"translations/ps/LC_MESSAGES/messages\.po:\d+:", result.output)


@pytest.mark.parametrize("translation", ["نېټه %(datum)s", "نېټه"], ids=["misspelt", "left out"])
def test_check_names_a_placeholder_that_differs_from_the_source(site_dirs, translation):
    po = site_dirs["translations"] / PS_PO
    text = po.read_text(encoding="utf-8")
    match = re.search(r'msgid "Based on sources up to %\(date\)s\."\nmsgstr ""', text)
    assert match
    changed = match.group(0)[: -len('msgstr ""')] + f'msgstr "{translation}"'
    po.write_text(text.replace(match.group(0), changed), encoding="utf-8")
    result = cli(site_dirs, "translations", "check")
    assert result.exit_code == 1
    assert re.search(r"messages\.po:\d+: .*'date'", result.output)


def test_check_names_a_translated_page_whose_numbers_links_or_headings_differ(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    edit(page, "## څوک مرسته کولی شي؟\n", "")
    edit(page, "(../beta/)", "(../alpha/)")
    result = cli(site_dirs, "translations", "check")
    assert result.exit_code == 1
    assert "content/pages/alpha/ps.md: links differ from en.md" in result.output
    assert "content/pages/alpha/ps.md: headings differ from en.md" in result.output


def test_check_names_invalid_front_matter_with_its_line(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    edit(page, "status: draft", "status: finished")
    result = cli(site_dirs, "translations", "check")
    assert result.exit_code == 1
    assert "content/pages/alpha/ps.md:5: 'status' must be one of: draft reviewed" in result.output


def test_a_broken_catalogue_never_reaches_readers(site_dirs):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    client = make_app(site_dirs).test_client()
    assert "موضوعګانې" in client.get("/ps/").get_data(as_text=True)
    po = site_dirs["translations"] / PS_PO
    edit(po, 'msgstr "موضوعګانې"', 'msgstr "نوې"\nmsgstr "دوه"')
    with pytest.raises(ContentError):
        build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert "موضوعګانې" in client.get("/ps/").get_data(as_text=True)


def test_a_rebuilt_catalogue_reaches_readers_of_the_running_app(site_dirs):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    running = make_app(site_dirs)
    assert "موضوعګانې" in running.test_client().get("/ps/").get_data(as_text=True)
    edit(site_dirs["translations"] / PS_PO, 'msgstr "موضوعګانې"', 'msgstr "نوې موضوعګانې"')
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert "نوې موضوعګانې" in running.test_client().get("/ps/").get_data(as_text=True)


def test_markup_in_a_catalogue_entry_is_escaped(site_dirs):
    po = site_dirs["translations"] / PS_PO
    edit(po, 'msgstr "موضوعګانې"', 'msgstr "<script>alert(1)</script>"')
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    body = make_app(site_dirs).test_client().get("/ps/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in without_isolation(body)


def test_translators_page_shows_status_with_links(client):
    body = client.get("/translators/").get_data(as_text=True)
    assert "Translation status" in body
    assert 'href="/ar/alpha/"' in body  # outdated
    assert 'href="/en/beta/"' in body  # missing


def test_committed_pot_matches_the_code_and_templates(tmp_path):
    """Fails when a string was added or changed without `make extract`."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "--no-location", "--sort-output", "--add-comments=Translators:", "-k", "_l",
         "--no-wrap", "-o", str(fresh), "."],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    )  # fmt: skip

    def messages(path: Path) -> list[tuple]:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        return sorted((repr(m.id), tuple(m.auto_comments)) for m in catalog if m.id)

    assert messages(PROJECT_DIR / "translations" / "messages.pot") == messages(fresh)


def test_committed_catalogues_contain_no_line_numbers_and_no_mo_files():
    pot = (PROJECT_DIR / "translations" / "messages.pot").read_text(encoding="utf-8")
    assert not re.search(r"^#: .*:\d+", pot, re.MULTILINE)
    tracked = subprocess.run(
        ["git", "ls-files", "translations"], cwd=PROJECT_DIR, capture_output=True, text=True
    ).stdout
    assert ".mo" not in tracked


def test_arabic_plural_forms_follow_the_guide(tmp_path):
    """TRANSLATING.md tells translators which numbers each Arabic form is for; check it is true.

    "True" twice over: the index is the one the catalogue's own Plural-Forms header picks once msgfmt
    has compiled it (the rule the site runs with, whatever table the installed Babel carries), and
    the name is the CLDR plural category of that number.
    """
    guide = (PROJECT_DIR / "TRANSLATING.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `msgstr\[(\d)\]` \| (\w+) \| ([\d, ]+) \|$", guide, re.MULTILINE)
    assert len(rows) == 6, "the guide's Arabic plural table is missing or changed shape"
    compiled = tmp_path / "ar.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(PROJECT_DIR / "translations" / AR_PO)], check=True
    )
    with compiled.open("rb") as handle:
        form_of = GNUTranslations(handle).plural
    for index, category, examples in rows:
        for number in (int(n) for n in examples.split(",")):
            assert form_of(number) == int(index), (number, index)
            assert Locale("ar").plural_form(number) == category, (number, category)


def test_markup_in_a_vocabulary_label_translation_is_escaped(site_dirs):
    """Kinds of help are lazy strings, which flask-babel marks as safe HTML unless we convert them."""
    po = site_dirs["translations"] / PS_PO
    edit(po, 'msgid "Legal help"\nmsgstr ""', 'msgid "Legal help"\nmsgstr "<b onmouseover=x>حق</b>"')
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    body = make_app(site_dirs).test_client().get("/ps/organisations/").get_data(as_text=True)
    assert "<b onmouseover" not in body
    assert "&lt;b onmouseover=x&gt;" in body
