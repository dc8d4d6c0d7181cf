"""Two kinds of "checked", by two people: a native speaker's translation review and a fact check.

Each is recorded by its own command with the day and who, stored apart, and told to readers apart:
a translation review never tells readers that a person compared the page with its sources.
"""

from __future__ import annotations

import json

import pytest
from conftest import make_app, without_isolation

from rightsinfo import db
from rightsinfo.build import build_site
from rightsinfo.content import ContentError
from rightsinfo.site import site_of

TODAY = "2026-12-01"
FACT_CHECK_SENTENCE = "Checked against its sources by a person on"
REVIEW_SENTENCE = "Translation checked by a native speaker on"


def cli(site_dirs, *args: str):
    """Run a flask command against the throwaway site with the clock fixed."""
    return make_app(site_dirs, TODAY=TODAY).test_cli_runner().invoke(args=list(args))


def page_file(site_dirs, lang: str):
    """Return the fixture page 'alpha' in one language."""
    return site_dirs["content"] / "pages" / "alpha" / f"{lang}.md"


def built_page(site_dirs, lang: str) -> tuple[dict, str]:
    """Build the site; return the 'alpha' row of ``lang`` and the page a reader gets."""
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs, TODAY=TODAY)
    with app.app_context():
        row = db.page(site_of(app).database.connection, lang, "alpha")
    return row, without_isolation(app.test_client().get(f"/{lang}/alpha/").get_data(as_text=True))


def test_each_check_has_its_own_command_and_is_stored_and_shown_apart(site_dirs):
    result = cli(site_dirs, "translations", "mark-current", "alpha", "ps")
    assert result.exit_code == 0, result.output
    result = cli(site_dirs, "translations", "mark-reviewed", "alpha", "ps", "--by", "Nadia: Kabul")
    assert result.exit_code == 0, result.output
    pashto = page_file(site_dirs, "ps").read_text(encoding="utf-8")
    assert "status: reviewed\n" in pashto and f"translation_reviewed: {TODAY}\n" in pashto
    assert 'translation_reviewed_by: "Nadia: Kabul"\n' in pashto
    assert "fact_checked" not in pashto and "\nreviewed:" not in pashto  # never a fact check here

    result = cli(site_dirs, "translations", "mark-fact-checked", "alpha", "--by", "Sam")
    assert result.exit_code == 0, result.output
    english = page_file(site_dirs, "en").read_text(encoding="utf-8")
    assert f"fact_checked: {TODAY}\n" in english and 'fact_checked_by: "Sam"\n' in english
    assert "\nreviewed:" not in english  # the older name of the same date is replaced, not doubled

    row, body = built_page(site_dirs, "ps")
    assert (row["reviewed"], row["fact_checked_by"]) == (TODAY, "Sam")
    assert (row["translation_reviewed"], row["translation_reviewed_by"], row["status"]) == (
        TODAY,
        "Nadia: Kabul",
        "reviewed",
    )
    assert "Checked against its sources by <bdi>Sam</bdi> on" in body  # who, as each gave their name
    assert "Translation checked by <bdi>Nadia: Kabul</bdi>, a native speaker, on" in body
    english_row, english_body = built_page(site_dirs, "en")
    assert english_row["translation_reviewed"] is None and "a native speaker" not in english_body
    assert "Checked against its sources by <bdi>Sam</bdi> on" in english_body


def test_a_checkers_name_is_shown_as_text_never_as_markup(site_dirs):
    result = cli(site_dirs, "translations", "mark-fact-checked", "alpha", "--by", '<b onclick="x()">Eve</b>')
    assert result.exit_code == 0, result.output
    _row, body = built_page(site_dirs, "en")
    assert "by <bdi>&lt;b onclick=&#34;x()&#34;&gt;Eve&lt;/b&gt;</bdi> on" in body
    assert "<b onclick" not in body


def test_a_reviewed_date_written_by_a_translator_is_never_shown_as_a_fact_check(site_dirs):
    english = page_file(site_dirs, "en")
    english.write_text(english.read_text(encoding="utf-8").replace("reviewed: 2026-11-21\n", ""), "utf-8")
    cli(site_dirs, "translations", "mark-current", "alpha", "ps")  # the English changed: follow it
    pashto = page_file(site_dirs, "ps")
    pashto.write_text(
        pashto.read_text(encoding="utf-8").replace("status: draft", "status: reviewed"), "utf-8"
    )
    row, body = built_page(site_dirs, "ps")
    assert row["reviewed"] is None and FACT_CHECK_SENTENCE not in body
    assert "Not yet checked by a person." in body
    assert row["translation_reviewed"] == "2026-11-21" and REVIEW_SENTENCE in body


def test_a_fact_check_written_in_a_translation_is_refused_at_its_line(site_dirs):
    pashto = page_file(site_dirs, "ps")
    pashto.write_text(
        pashto.read_text(encoding="utf-8").replace(
            "status: draft\n", "status: draft\nfact_checked: 2026-11-30\n"
        ),
        "utf-8",
    )
    with pytest.raises(ContentError) as failure:
        build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert "content/pages/alpha/ps.md:6: 'fact_checked' does not belong in this file" in str(failure.value)


def test_a_translation_review_ends_review_due_for_that_translation_only(site_dirs):
    def due(lang: str) -> list[str]:
        result = (
            make_app(site_dirs, TODAY="2027-12-01")
            .test_cli_runner()
            .invoke(args=["translations", "status", "--json"])
        )
        return json.loads(result.output)["languages"][lang]["pages"]["review_due"]

    assert "alpha" in due("ps")  # its translator's date, 2026-11-21, is over a year old
    cli_late = make_app(site_dirs, TODAY="2027-12-01").test_cli_runner()
    assert cli_late.invoke(args=["translations", "mark-current", "alpha", "ps"]).exit_code == 0
    result = cli_late.invoke(args=["translations", "mark-reviewed", "alpha", "ps", "--by", "Nadia"])
    assert result.exit_code == 0, result.output
    assert "alpha" not in due("ps")
    assert "alpha" in due("en")  # the English page's fact check is still over a year old
