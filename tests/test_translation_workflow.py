"""Corrections publish at once; translators see what changed; reviews fall due; one glossary per language.

These tests run on a throwaway copy of the fixture content kept in its own git repository, edited and
committed the way an editor would, so the history tools meet a real history.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, make_app, without_isolation

from rightsinfo import i18n
from rightsinfo.build import build_site
from rightsinfo.content import ContentError, Page
from rightsinfo.publish.published import write_published
from rightsinfo.translation.progress import is_review_due, reviewed_on

TRANSLATED = ("ps", "prs", "ar", "ur")
A_DAY_BEFORE_REVIEW_IS_DUE = "2026-12-01"
GIT_IDENTITY = ["-c", "user.name=Editor", "-c", "user.email=editor@rightsinfo.example"]


def git(root: Path, *args: str) -> str:
    """Run git in the throwaway repository, failing the test if git fails."""
    result = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def cli(site_dirs, *args, **settings):
    """Run a flask CLI command against the throwaway site."""
    settings.setdefault("TODAY", A_DAY_BEFORE_REVIEW_IS_DUE)
    return make_app(site_dirs, **settings).test_cli_runner().invoke(args=list(args))


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, failing if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def page_file(site_dirs, slug: str, lang: str) -> Path:
    """Return a page file of the throwaway site."""
    return site_dirs["content"] / "pages" / slug / f"{lang}.md"


def status_json(site_dirs, **settings) -> dict:
    """Return `translations status --json`."""
    result = cli(site_dirs, "translations", "status", "--json", **settings)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["languages"]


@pytest.fixture
def repo(site_dirs) -> dict[str, Path]:
    """The fixture site with 'alpha' translated into every language, all current, in a git repository."""
    for lang in ("prs", "ur"):
        shutil.copy(page_file(site_dirs, "alpha", "ps"), page_file(site_dirs, "alpha", lang))
    for lang in TRANSLATED:
        result = cli(site_dirs, "translations", "mark-current", "alpha", lang)
        assert result.exit_code == 0, result.output
    shutil.copytree(PROJECT_DIR / "translations" / "glossary", site_dirs["translations"] / "glossary")
    root = site_dirs["content"].parent
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Pages as translated")
    return {**site_dirs, "root": root}


def commit_english_edit(repo, old: str, new: str, message: str) -> None:
    """Edit the English 'alpha' page and commit it, as an editor publishing a correction."""
    edit(page_file(repo, "alpha", "en"), old, new)
    git(repo["root"], "commit", "-q", "-a", "-m", message)


def test_an_english_number_change_builds_and_every_translation_is_outdated(repo):
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    result = cli(repo, "build")
    assert result.exit_code == 0, result.output
    status = status_json(repo)
    for lang in TRANSLATED:
        assert status[lang]["pages"]["outdated"] == ["alpha"], lang
        assert status[lang]["pages"]["updating"] == ["alpha"], lang
    table = cli(repo, "translations", "status").output
    assert "outdated: content/pages/alpha/ps.md (English shown until updated)" in table
    assert "what changed: make diff PAGE=alpha LANG=ps" in table


def test_readers_of_an_outdated_translation_get_todays_english_never_the_old_number(repo):
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    build_site(repo["content"], repo["translations"], repo["instance"])
    app = make_app(repo)
    write_published(app, only=["ps"])
    client = app.test_client()
    body = without_isolation(client.get("/ps/alpha/").get_data(as_text=True))
    assert '<article lang="en" dir="ltr">' in body
    assert "You have 48 hours" in body
    # The language is named as its readers name it (CLDR); this fixture catalogue has no Pashto sentence.
    assert "The پښتو translation is being updated; the current English text is shown." in body
    assert "۷۲" not in body and "72 hours" not in body
    assert "may be out of date" not in body
    guide = without_isolation(client.get("/ps/guide.html").get_data(as_text=True))
    assert "You have 48 hours" in guide and "۷۲" not in guide
    assert "translation is being updated" in guide
    hits = without_isolation(client.get("/ps/search?q=hours").get_data(as_text=True))
    assert "48" in hits and "۷۲" not in hits


def test_the_leaflet_of_an_outdated_translation_shows_todays_english(repo, tmp_path):
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    build_site(repo["content"], repo["translations"], repo["instance"])
    response = make_app(repo).test_client().get("/ps/alpha/leaflet.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "alpha.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "48 hours" in text
    assert "۷۲" not in text and "72" not in text
    assert "translation is being updated" in " ".join(text.split())


def test_a_wording_change_keeps_the_translation_with_the_may_be_out_of_date_notice(repo):
    commit_english_edit(repo, "to reach the centre", "to get to the centre", "Plainer words")
    assert cli(repo, "build").exit_code == 0
    assert status_json(repo)["ps"]["pages"]["outdated"] == ["alpha"]
    assert status_json(repo)["ps"]["pages"]["updating"] == []
    body = without_isolation(make_app(repo).test_client().get("/ps/alpha/").get_data(as_text=True))
    assert "تاسو ۷۲ ساعته لرئ" in body
    assert "this translation may be out of date" in body
    assert "being updated" not in body
    assert '<article lang="en"' not in body


def test_diff_prints_the_english_words_that_changed_since_the_translation(repo):
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    result = cli(repo, "translations", "diff", "alpha", "ps")
    assert result.exit_code == 0, result.output
    assert "en.md:10: You have [-72-]{+48+} hours to reach the centre." in result.output
    assert "Pages as translated" in result.output  # the commit it was translated from is named
    assert "make mark-current PAGE=alpha LANG=ps" in result.output
    assert "Who can help" not in result.output  # unchanged lines are not shown


def test_diff_says_plainly_when_there_is_nothing_to_do(repo):
    result = cli(repo, "translations", "diff", "alpha", "ps")
    assert result.exit_code == 0
    assert "Nothing to do: content/pages/alpha/ps.md follows the current content/pages/alpha/en.md." in (
        result.output
    )


def test_diff_says_plainly_when_the_history_does_not_reach_back(repo, site_dirs):
    edit(page_file(repo, "alpha", "ps"), "translated_from: ", "translated_from: 0000")
    result = cli(repo, "translations", "diff", "alpha", "ps")
    assert result.exit_code == 1
    assert "Cannot show what changed" in result.output
    assert "the history does not reach back that far" in result.output


def test_diff_without_git_says_so(site_dirs):
    edit(page_file(site_dirs, "alpha", "en"), "You have 72 hours", "You have 48 hours")
    result = cli(site_dirs, "translations", "diff", "alpha", "ps")
    assert result.exit_code == 1
    assert "not in a git repository" in result.output


def test_a_current_translation_with_another_number_fails_naming_file_line_and_counts(repo):
    ps = page_file(repo, "alpha", "ps")
    edit(ps, "تاسو ۷۲ ساعته", "تاسو ۷۳ ساعته")
    result = cli(repo, "translations", "check")
    assert result.exit_code == 1
    assert "content/pages/alpha/ps.md:8: 73 is not in en.md (it appears 1 time here)" in result.output
    assert "content/pages/alpha/ps.md: 72 is missing (en.md has it 1 time)" in result.output
    with pytest.raises(ContentError):
        build_site(repo["content"], repo["translations"], repo["instance"])


def test_a_number_written_too_often_is_counted(repo):
    edit(page_file(repo, "alpha", "ps"), "ورسیږئ.", "ورسیږئ، ۷۲ ساعته.")
    result = cli(repo, "translations", "check")
    assert result.exit_code == 1
    assert "content/pages/alpha/ps.md:8: 72 appears 2 times, en.md has it 1 time" in result.output


def test_an_outdated_translation_is_checked_against_the_english_it_was_made_from(repo):
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    assert cli(repo, "translations", "check").exit_code == 0
    assert "warning: content/pages/alpha/ps.md" not in cli(repo, "translations", "check").output
    edit(page_file(repo, "alpha", "ps"), "تاسو ۷۲ ساعته", "تاسو ۷۳ ساعته")
    result = cli(repo, "translations", "check")
    assert result.exit_code == 0, result.output  # readers get English meanwhile, so it is a warning
    assert "warning: content/pages/alpha/ps.md:8: 73 is not in en.md as translated (commit " in result.output


def test_mark_minor_takes_the_version_before_the_edit_from_git(repo):
    edit(page_file(repo, "alpha", "en"), "reach the centre", "reach the center")
    assert status_json(repo)["ps"]["pages"]["outdated"] == ["alpha"]
    result = cli(repo, "translations", "mark-minor", "alpha")
    assert result.exit_code == 0, result.output
    assert "4 translation(s) of 'alpha' carried over" in result.output
    assert all(status_json(repo)[lang]["pages"]["outdated"] == [] for lang in TRANSLATED)


def test_mark_minor_without_history_asks_for_the_fingerprint(site_dirs):
    edit(page_file(site_dirs, "alpha", "en"), "reach the centre", "reach the center")
    result = cli(site_dirs, "translations", "mark-minor", "alpha")
    assert result.exit_code != 0
    assert "give --since" in result.output


def test_pages_reviewed_more_than_a_year_ago_are_review_due_in_every_language(repo):
    status = status_json(repo, TODAY="2027-11-22")  # the fixture pages were reviewed on 2026-11-21
    assert status["en"]["pages"]["review_due"] == ["about", "alpha", "beta"]
    for lang in TRANSLATED:
        assert status[lang]["pages"]["review_due"] == ["alpha"], lang
    # 365 days after alpha's review it is not yet due; beta, reviewed a day earlier, is.
    assert status_json(repo, TODAY="2027-11-21")["en"]["pages"]["review_due"] == ["beta"]
    assert status_json(repo, TODAY="2027-11-22", REVIEW_DUE_AFTER_DAYS=400)["en"]["pages"]["review_due"] == []
    table = cli(repo, "translations", "status", TODAY="2027-11-22").output
    assert "review due: content/pages/beta/en.md" in table


def test_a_page_never_reviewed_is_review_due():
    import datetime as dt

    page = Page("alpha", "ps", Path("alpha/ps.md"), "t", "s", "b", None)
    assert is_review_due(reviewed_on(page), dt.date(2026, 11, 25), 365)


def test_translators_page_points_to_diff_and_lists_review_due_and_glossary(repo):
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    build_site(repo["content"], repo["translations"], repo["instance"])
    client = make_app(repo, TODAY="2027-11-22").test_client()
    body = client.get("/translators/").get_data(as_text=True)
    assert "<code>make diff PAGE=alpha LANG=ps</code>" in body
    assert "readers see the English page until it is updated" in body
    assert '<ul class="review-due"><li><a href="/en/about/">about</a></li>' in body
    assert "بې سرپرسته ماشوم" in body and "یوازې ماشوم" in body


def test_translators_page_shows_the_build_and_the_status_command_the_working_files(repo):
    build_site(repo["content"], repo["translations"], repo["instance"])
    app = make_app(repo, TODAY=A_DAY_BEFORE_REVIEW_IS_DUE)
    hint = "<code>make diff PAGE=alpha LANG=ps</code>"
    assert hint not in app.test_client().get("/translators/").get_data(as_text=True)
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    assert "alpha" in status_json(repo)["ps"]["pages"]["updating"], "the command reads the working files"
    assert hint not in make_app(repo).test_client().get("/translators/").get_data(as_text=True), "not built"
    build_site(repo["content"], repo["translations"], repo["instance"])
    assert hint in make_app(repo).test_client().get("/translators/").get_data(as_text=True)


def test_contacts_go_stale_by_the_one_clock(site_dirs):
    record = site_dirs["content"] / "organisations" / "helpers.yaml"
    edit(record, "    verified_on: 2014-01-01", "    verified_on: 2026-11-01")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    page = "/en/organisations/helpers/"
    fresh = make_app(site_dirs, TODAY=A_DAY_BEFORE_REVIEW_IS_DUE).test_client().get(page)
    later = make_app(site_dirs, TODAY="2030-01-01").test_client().get(page)
    assert '<strong class="stale">' not in fresh.get_data(as_text=True)
    assert '<strong class="stale">' in later.get_data(as_text=True)


def test_a_word_to_avoid_is_a_warning_in_a_draft_and_an_error_once_reviewed(repo):
    ps = page_file(repo, "alpha", "ps")
    edit(ps, "هر پولیس ته ووایاست.", "هر پولیس ته ووایاست. یوازې ماشوم.")
    result = cli(repo, "translations", "check")
    assert result.exit_code == 0, result.output
    expected = (
        "content/pages/alpha/ps.md:3: 'یوازې ماشوم' is a word to avoid for 'unaccompanied child' "
        "(use 'بې سرپرسته ماشوم')"
    )
    assert f"warning: {expected} [draft]" in result.output
    assert cli(repo, "build").exit_code == 0  # a draft still builds
    edit(ps, "status: draft", "status: reviewed")
    result = cli(repo, "translations", "check")
    assert result.exit_code == 1
    assert expected in result.output


def test_a_word_to_avoid_in_a_card_or_catalogue_is_found_in_its_language_only(repo):
    card = next((repo["content"] / "cards").glob("*.yaml"))
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("\n  ps: ", "\n  ps: یوازې ماشوم ", 1), encoding="utf-8")
    po = repo["translations"] / "ps" / "LC_MESSAGES" / "messages.po"
    edit(po, 'msgstr "موضوعګانې"', 'msgstr "ژباړونکی"')
    result = cli(repo, "translations", "check")
    card_line = text[: text.index("\n  ps: ")].count("\n") + 2
    assert f"{card.relative_to(repo['root'])}:{card_line}: 'یوازې ماشوم'" in result.output
    assert "translations/ps/LC_MESSAGES/messages.po:" in result.output
    assert "'ژباړونکی' is a word to avoid for 'interpreter' (use 'ژباړن')" in result.output
    assert result.exit_code == 1  # a catalogue entry that is not fuzzy is shown to readers


def test_glossary_json_lists_terms_per_language(runner):
    # The fixture has no glossary: every language is present and empty.
    result = runner.invoke(args=["translations", "glossary", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        prefix: [] for prefix in i18n.LOCALE_BY_PREFIX if prefix != i18n.ENGLISH
    }


def test_project_glossary_has_the_reviewers_terms(repo):
    result = cli(repo, "translations", "glossary", "--json")
    data = json.loads(result.output)
    by_term = {lang: {entry["term"]: entry for entry in terms} for lang, terms in data.items()}
    assert by_term["ps"]["interpreter"] == {
        "term": "interpreter",
        "preferred": "ژباړن",
        "avoid": ["ژباړونکی", "ژباړونکي"],
    }
    assert by_term["ps"]["unaccompanied child"]["avoid"] == ["یوازې ماشوم"]
    assert by_term["prs"]["pushback"]["preferred"] == "پوش‌بک"
    assert by_term["ar"]["KIRS"]["avoid"] == ["المفوضية الصربية"]
    assert by_term["ar"]["Protector of Citizens"]["preferred"] == "حامي المواطنين"
    assert by_term["ur"]["asylum"]["preferred"] is None  # not decided yet


def test_a_broken_glossary_is_named_with_its_line(repo):
    path = repo["translations"] / "glossary" / "ps.tbx"
    edit(path, '<termEntry id="asylum">', '<termEntry id="asylum"')
    result = cli(repo, "translations", "check")
    assert result.exit_code == 1
    assert "glossary/ps.tbx:" in result.output and "not well-formed" in result.output
    assert "not well-formed" in cli(repo, "translations", "glossary").output
    build_site(repo["content"], repo["translations"], repo["instance"])
    assert make_app(repo).test_client().get("/translators/").status_code == 200


@pytest.fixture
def project(tmp_path) -> dict[str, Path]:
    """A tiny project with one translatable string, the project's babel.cfg and no catalogues yet."""
    root = tmp_path / "project"
    (root / "rightsinfo").mkdir(parents=True)
    (root / "rightsinfo" / "words.py").write_text('HELLO = _("Hello")\n', encoding="utf-8")
    shutil.copy(PROJECT_DIR / "babel.cfg", root / "babel.cfg")
    shutil.copytree(PROJECT_DIR / "tests" / "fixtures" / "content", root / "content")
    (root / "translations").mkdir()
    return {"content": root / "content", "translations": root / "translations", "instance": root / "instance"}


def test_extract_writes_a_stable_pot_without_line_numbers(project):
    result = cli(project, "translations", "extract")
    assert result.exit_code == 0, result.output
    pot = project["translations"] / "messages.pot"
    text = pot.read_text(encoding="utf-8")
    assert 'msgid "Hello"' in text
    assert "#: " not in text
    again = cli(project, "translations", "extract")
    assert "is up to date" in again.output
    assert pot.read_text(encoding="utf-8") == text  # no new creation date: no churn in diffs


def test_update_adds_new_strings_empty_and_keeps_translations(project):
    assert cli(project, "translations", "extract").exit_code == 0
    result = cli(project, "translations", "update")
    assert result.exit_code == 0, result.output
    ps = project["translations"] / "ps" / "LC_MESSAGES" / "messages.po"
    for locale in ("ps", "fa_AF", "ar", "ur"):
        assert (project["translations"] / locale / "LC_MESSAGES" / "messages.po").exists(), locale
    edit(ps, 'msgid "Hello"\nmsgstr ""', 'msgid "Hello"\nmsgstr "سلام"')
    words = project["content"].parent / "rightsinfo" / "words.py"
    words.write_text('HELLO = _("Hello")\nBYE = _("Hello again")\n', encoding="utf-8")
    assert cli(project, "translations", "extract").exit_code == 0
    assert cli(project, "translations", "update").exit_code == 0
    text = ps.read_text(encoding="utf-8")
    assert 'msgid "Hello"\nmsgstr "سلام"' in text
    assert 'msgid "Hello again"\nmsgstr ""' in text
    assert "fuzzy" not in text  # never a guessed translation


def test_the_static_export_serves_the_same_decision(repo, tmp_path):
    from rightsinfo.publish.export import export_site

    # Every page links to the emergency page, which the fixture content does not have.
    shutil.copytree(repo["content"] / "pages" / "beta", repo["content"] / "pages" / "emergency")
    commit_english_edit(repo, "You have 72 hours", "You have 48 hours", "Deadline is now 48 hours")
    build_site(repo["content"], repo["translations"], repo["instance"])
    target = tmp_path / "export"
    export_site(make_app(repo), target)
    page = (target / "ps" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "You have 48 hours" in page and "۷۲" not in page
    assert "translation is being updated" in page
