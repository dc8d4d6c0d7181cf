"""The content pipeline: validation that names file and line, and atomic builds."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import make_app

from rightsinfo import db
from rightsinfo.build import build_site
from rightsinfo.content import ContentError
from rightsinfo.site import connection, site_of


def build(dirs):
    """Build the site in ``dirs``."""
    return build_site(dirs["content"], dirs["translations"], dirs["instance"])


def test_a_broken_content_file_fails_the_build_naming_file_and_field_and_the_old_site_keeps_serving(
    site_dirs,
):
    build(site_dirs)
    app = make_app(site_dirs)
    client = app.test_client()
    assert "How do I ask for help?" in client.get("/en/alpha/").get_data(as_text=True)

    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    page.write_text(page.read_text().replace("reviewed: 2026-11-21", "reviewed: someday"))
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/pages/alpha/en.md:6: 'reviewed' is not a date" in str(failure.value)

    response = client.get("/en/alpha/")
    assert response.status_code == 200
    assert "How do I ask for help?" in response.get_data(as_text=True)


def test_the_build_cli_exits_non_zero_with_one_line_per_problem(site_dirs):
    build(site_dirs)  # a last good version exists
    app = make_app(site_dirs)
    org = site_dirs["content"] / "organisations" / "helpers.yaml"
    org.write_text(org.read_text().replace("verified_on: 2025-07-03", "verified_on: July"))
    card = site_dirs["content"] / "cards" / "asylum.yaml"
    card.write_text("order: [unclosed\n")
    result = app.test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 1
    assert "content/organisations/helpers.yaml:" in result.output
    assert "'verified_on' is not a date" in result.output
    assert "content/cards/asylum.yaml:" in result.output
    assert "keeps serving the last good version" in result.output


def test_a_rebuilt_database_is_picked_up_by_a_running_app(site_dirs):
    build(site_dirs)
    client = make_app(site_dirs).test_client()
    assert "Where is the doctor?" in client.get("/en/beta/").get_data(as_text=True)
    page = site_dirs["content"] / "pages" / "beta" / "en.md"
    page.write_text(page.read_text().replace("Where is the doctor?", "Where is a doctor now?"))
    build(site_dirs)
    assert "Where is a doctor now?" in client.get("/en/beta/").get_data(as_text=True)


def test_a_phone_number_without_a_sourced_record_is_refused(site_dirs):
    page = site_dirs["content"] / "pages" / "beta" / "en.md"
    page.write_text(page.read_text() + "\nOr call [+381 60 000 0000](tel:+381600000000).\n")
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/pages/beta/en.md" in str(failure.value)
    assert "tel:+381600000000" in str(failure.value)


def test_a_contact_without_source_or_date_is_refused(site_dirs):
    org = site_dirs["content"] / "organisations" / "helpers.yaml"
    org.write_text(org.read_text().replace("    source: S2\n    caution", "    caution"))
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "has no 'source'" in str(failure.value)


def test_translated_numbers_must_match_the_english_page(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    page.write_text(page.read_text().replace("۷۲", "۴۸"))
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/pages/alpha/ps.md:8: 48 is not in en.md (it appears 1 time here)" in str(failure.value)
    assert "content/pages/alpha/ps.md: 72 is missing (en.md has it 1 time)" in str(failure.value)


def test_eastern_digits_count_as_the_same_numbers(site_dirs):
    # The English page says 72 hours; the Pashto page writes ۷۲, builds, and is served as written.
    assert "72" in (site_dirs["content"] / "pages" / "alpha" / "en.md").read_text()
    assert "۷۲" in (site_dirs["content"] / "pages" / "alpha" / "ps.md").read_text()
    build(site_dirs)
    response = make_app(site_dirs).test_client().get("/ps/alpha/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "تاسو ۷۲ ساعته لرئ" in body and " 72 " not in body


def test_raw_html_and_script_links_in_markdown_never_reach_readers(site_dirs):
    page = site_dirs["content"] / "pages" / "beta" / "en.md"
    page.write_text(
        page.read_text()
        + '\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror="alert(1)">\n'
    )
    build(site_dirs)
    body = make_app(site_dirs).test_client().get("/en/beta/").get_data(as_text=True)
    assert "<script>alert" not in body
    assert 'href="javascript:' not in body
    assert "<img" not in body


def stored_json_columns(database) -> tuple[set, set]:
    """Return (columns holding JSON lists or dicts, columns declared JSON) of a built database file."""
    raw = sqlite3.connect(database)  # no converters: every value as it is stored
    holding, declared = set(), set()
    tables = [name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for _, column, declared_type, *_ in raw.execute(f'PRAGMA table_info("{table}")'):
            if declared_type == "JSON":
                declared.add((table, column))
            for (value,) in raw.execute(f'SELECT "{column}" FROM "{table}"'):  # noqa: S608 - names from its own schema
                if isinstance(value, str) and value[:1] in ("[", "{"):
                    try:
                        decoded = json.loads(value)
                    except ValueError:
                        continue
                    if isinstance(decoded, list | dict):
                        holding.add((table, column))
    raw.close()
    return holding, declared


def test_every_column_holding_a_list_or_dict_is_declared_json_and_read_back_decoded(real_app):
    holding, declared = stored_json_columns(site_of(real_app).database.path)
    assert {("organisations", "contacts"), ("pages", "keywords")} <= holding
    assert holding <= declared, f"lists or dicts stored in columns not declared JSON: {holding - declared}"

    with real_app.test_request_context():
        conn = connection()
        org = db.organisations(conn, "en")[0]
        assert isinstance(org["contacts"], list) and isinstance(org["cities"], list)
        slug = db.topic_pages(conn, "en")[0]["slug"]
        assert isinstance(db.page(conn, "en", slug)["keywords"], list)
