"""Atom feeds read back with feedparser, as a feed reader would: today's alerts per language, and the
changes of content build by build. Valid Atom, this site's addresses only, nothing that tracks."""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import make_app

from rightsinfo.build import build_site

ALL_IN_FORCE = "2024-09-15"
PUBLIC_HOST = "rightsinfo.example"  # PUBLIC_BASE_URL in the test settings' default
LONG_AGO = "2024-01-01T00:00:00+00:00"


def built(site_dirs) -> None:
    """Build the fixture site (again, as an editor's next build would)."""
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])


def feed_of(site_dirs, url: str, day: str = ALL_IN_FORCE):
    """Return a feed of the fixture site parsed by feedparser, failing unless it is well-formed Atom."""
    response = make_app(site_dirs, TODAY=day).test_client().get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed, response


def addresses(parsed) -> list[str]:
    """Return every address a parsed feed names: its own, its links and its entries' ids and links."""
    found = [parsed.feed.id, *(link.href for link in parsed.feed.links)]
    for entry in parsed.entries:
        found += [entry.id, *(link.href for link in entry.links)]
    return found


@pytest.mark.parametrize("lang", ["en", "ps", "prs", "ar", "ur"])
def test_each_language_has_a_valid_atom_feed_of_todays_alerts(site_dirs, lang):
    built(site_dirs)
    parsed, response = feed_of(site_dirs, f"/{lang}/alerts.atom")
    assert len(parsed.entries) == 3
    assert parsed.feed.language.split("-")[0] == {"prs": "fa"}.get(lang, lang)
    for address in addresses(parsed):
        parts = urlsplit(address)
        assert parts.hostname == PUBLIC_HOST and not parts.query, address
    assert "Set-Cookie" not in response.headers
    assert not re.search(rb"<img|utm_", response.data)


def test_the_alerts_feed_holds_the_texts_in_force_newest_first_with_their_last_day(site_dirs):
    built(site_dirs)
    parsed, _ = feed_of(site_dirs, "/ps/alerts.atom")
    first, *_ = parsed.entries
    assert first.title == "The help desk of the alpha page has moved to the second floor."
    assert first.link.endswith("/ps/alpha/")
    assert first.published.startswith("2024-09-10")
    # English where no translation is shown, with the usual notice; the Pashto draft as written.
    text = first.content[0].value
    assert text.index("The help desk of the alpha page") > 0  # after the notice
    texts = [entry.title for entry in parsed.entries]
    assert "د فکسچر دفتر تر ۳۰ سپتمبر پورې تړل دی. په بیړني حالت کې 192 ته زنګ ووهئ." in texts


def test_the_alerts_feed_drops_an_alert_the_day_after_it_ends(site_dirs):
    built(site_dirs)
    assert len(feed_of(site_dirs, "/en/alerts.atom", "2024-09-30")[0].entries) == 2
    assert len(feed_of(site_dirs, "/en/alerts.atom", "2024-10-01")[0].entries) == 1
    assert feed_of(site_dirs, "/en/alerts.atom", "2025-01-01")[0].entries == []


def test_the_changes_feed_lists_every_page_and_record_as_new_after_the_first_build(site_dirs):
    built(site_dirs)
    parsed, _ = feed_of(site_dirs, "/changes.atom")
    titles = {entry.title for entry in parsed.entries}
    assert "New page: How do I ask for help?" in titles
    assert "New organisation: Fixture Clinic" in titles
    assert all(urlsplit(address).hostname == PUBLIC_HOST for address in addresses(parsed))


def test_the_next_build_dates_only_what_changed(site_dirs):
    built(site_dirs)
    # Date the first build's changes far back, so the second build's time cannot equal them.
    with sqlite3.connect(site_dirs["instance"] / "rightsinfo.sqlite3") as conn:
        conn.execute("UPDATE changes SET changed_at = ?", (LONG_AGO,))
    conn.close()
    page = site_dirs["content"] / "pages" / "beta" / "en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    built(site_dirs)
    entries = feed_of(site_dirs, "/changes.atom")[0].entries
    changed = [entry for entry in entries if entry.updated != LONG_AGO]
    assert [(entry.id.rsplit("#", 1)[1], entry.title) for entry in changed] == [
        ("page-beta", "Changed page: Where is the doctor?")
    ]
    assert entries[0] is changed[0]  # newest first
    assert "New page: How do I ask for help?" in {entry.title for entry in entries}


@pytest.mark.parametrize("url", ["/xx/alerts.atom", "/en/alerts.atom/", "/en/changes.atom", "/alerts.atom"])
def test_a_feed_address_that_does_not_exist_is_a_404_not_a_500(client, url):
    assert client.get(url, follow_redirects=True).status_code == 404
