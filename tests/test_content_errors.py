"""Mistakes volunteers make in content files and catalogues: one plain line each, at the right line.

Each message says what to do first and keeps the parser's own words after it; each line number comes
from the parser's marks, so a mistake in the second item of a list is reported on that item's lines.
"""

from __future__ import annotations

import pytest
from conftest import make_app

from rightsinfo.build import build_site
from rightsinfo.content import ContentError


def problems_of(dirs) -> str:
    """Build ``dirs`` and return the problems the build refuses it with."""
    with pytest.raises(ContentError) as failure:
        build_site(dirs["content"], dirs["translations"], dirs["instance"])
    return str(failure.value)


def edit(path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in a file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_header_without_its_closing_dashes_is_reported_where_the_text_begins(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    edit(
        page, "keywords: [azil, potvrda o registraciji]\n---\n", "keywords: [azil, potvrda o registraciji]\n"
    )
    problems = problems_of(site_dirs)
    assert (
        "content/pages/alpha/en.md:9: the header that starts with '---' on line 1 is never closed" in problems
    )
    assert "put a line with only '---' after the last field" in problems


def test_an_unclosed_quote_is_reported_where_it_opens_in_plain_words(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    edit(page, "summary: Say it to any police officer.", 'summary: "Say it to any police officer.')
    problems = problems_of(site_dirs)
    assert "content/pages/alpha/en.md:3: a quote (\" or ') opens here but is never closed" in problems
    assert "(YAML says: while scanning a quoted scalar: found unexpected end of stream)" in problems


def test_a_tab_is_reported_on_its_line_with_what_to_do(site_dirs):
    org = site_dirs["content"] / "organisations" / "helpers.yaml"
    edit(org, "    label: sos\n", "\tlabel: sos\n")
    problems = problems_of(site_dirs)
    assert "content/organisations/helpers.yaml:17: a tab character: indent with spaces only" in problems
    assert "cannot start any token" in problems


def test_a_dropped_placeholder_says_to_copy_it_exactly(site_dirs):
    catalogue = site_dirs["translations"] / "ps" / "LC_MESSAGES" / "messages.po"
    edit(
        catalogue,
        'msgid "Based on sources up to %(date)s."\nmsgstr ""',
        'msgid "Based on sources up to %(date)s."\nmsgstr "سرچینې"',
    )
    problems = problems_of(site_dirs)
    msgid = (
        catalogue.read_text(encoding="utf-8").splitlines().index('msgid "Based on sources up to %(date)s."')
    )
    assert (
        f"messages.po:{msgid + 2}: your translation leaves out %(date)s: copy %(date)s exactly into your text"
        in problems
    )
    assert "(msgfmt says: a format specification for argument 'date' doesn't exist in 'msgstr')" in problems


def test_a_bad_date_in_the_second_emergency_number_is_reported_on_its_own_line(site_dirs):
    numbers = site_dirs["content"] / "emergency.yaml"
    edit(
        numbers,
        '    number: "194"\n    verified_on: 2025-10-31',
        '    number: "194"\n    verified_on: last year',
    )
    problems = problems_of(site_dirs)
    assert "content/emergency.yaml:9: 'verified_on' is not a date" in problems


def test_a_mistake_in_the_second_contact_is_reported_on_that_contacts_lines(site_dirs):
    org = site_dirs["content"] / "organisations" / "helpers.yaml"
    second = (
        "  - kind: email\n"  # line 21
        "    value: help@example.org\n"
        "    label: nobody\n"  # line 23: not a contact label
        "    verified_on: 2025-07-03\n"
        "    source: S2\n"
        "  - kind: phone\n"  # line 26: a contact without a source
        '    value: "+381 11 000 0000"\n'
        "    verified_on: 2025-07-03\n"
    )
    edit(org, "text:\n", second + "text:\n")
    problems = problems_of(site_dirs)
    assert "content/organisations/helpers.yaml:23: 'label' must be one of" in problems
    assert "content/organisations/helpers.yaml:26: contact '+381 11 000 0000' has no 'source'" in problems


def test_a_failed_first_build_says_nothing_is_running_yet(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    edit(page, "reviewed: 2026-11-21", "reviewed: someday")
    result = make_app(site_dirs).test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 1
    assert "Nothing is running yet: there is no earlier good version to serve." in result.output
    assert "keeps serving" not in result.output
