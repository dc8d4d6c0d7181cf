"""The recording page: every section's text and hashes in its HTML, the microphone allowed there only."""

from __future__ import annotations

import html
import re

import pytest

from rightsinfo.publish.pack import pack_urls
from rightsinfo.recordings import texts
from rightsinfo.serving import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from rightsinfo.site import site_of

RECORD_URL = "/translators/record/ps/pages/alpha/"


def permissions(response) -> dict[str, str]:
    """Return the Permissions-Policy of a response as {feature: allow list}."""
    return dict(item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(","))


def test_the_page_carries_every_section_text_and_hashes_so_it_works_offline(app, client):
    with app.app_context():
        today = texts.sections(site_of(app).database.connection, "ps", "pages", "alpha")
    response = client.get(RECORD_URL)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert '<html lang="ps" dir="rtl">' in page
    found = re.findall(r'data-section="([^"]+)" data-text-hash="(\w+)" data-facts-hash="(\w+)"', page)
    assert found == [(section.key, section.text_hash, section.facts_hash) for section in today]
    plain = re.sub(r"</?bdi[^>]*>", "", page)
    for section in today:
        assert section.text in plain, section.key
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert len(scripts) == 2
    assert all(re.fullmatch(r"/static/(record|fflate)\.\w+\.js", src) for src in scripts), scripts
    assert 'data-lang="ps" data-kind="pages" data-item="alpha"' in page


def test_only_the_recording_page_may_ask_for_the_microphone(client):
    recording = permissions(client.get(RECORD_URL))
    assert recording["microphone"] == "(self)"
    assert {feature: value for feature, value in recording.items() if feature != "microphone"} == {
        feature: "()" for feature in recording if feature != "microphone"
    }, "every other feature stays denied"
    for url in ("/ps/", "/ps/alpha/", "/translators/", "/translators/record/ps/"):
        assert client.get(url).headers["Permissions-Policy"] == PERMISSIONS_POLICY, url


def test_the_recording_page_sets_no_cookie_and_may_play_only_its_own_takes(client):
    response = client.get(RECORD_URL)
    assert "Set-Cookie" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert policy == f"{CONTENT_SECURITY_POLICY}; media-src 'self' blob:", (
        "the site's policy, and takes in memory"
    )
    for url in ("/ps/alpha/", "/translators/record/ps/"):
        assert client.get(url).headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url


@pytest.mark.parametrize(
    ("url", "lang"),
    [
        ("/translators/record/xx/pages/alpha/", "en"),
        ("/translators/record/ps/videos/alpha/", "ps"),
        ("/translators/record/ps/pages/no-such-page/", "ps"),
        ("/translators/record/ar/pages/beta/", "ar"),  # beta has no Arabic: nothing to record
        ("/translators/record/prs/emergency/other/", "fa-AF"),
        ("/translators/record/xx/", "en"),
    ],
)
def test_an_unknown_language_kind_or_item_is_the_helpful_404_in_the_language_of_the_address(
    client, url, lang
):
    response = client.get(url)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert 'href="/en/"' in body, "a way home"
    assert re.search(r"<html lang=\"([^\"]+)\"", body)[1] == lang


def test_the_index_lists_what_is_shown_in_the_language_and_the_translators_page_links_it(client):
    page = client.get("/translators/record/ps/").get_data(as_text=True)
    links = re.findall(r'href="(/translators/record/ps/[^"]+)"', page)
    assert "/translators/record/ps/pages/alpha/" in links
    assert "/translators/record/ps/emergency/numbers/" in links
    assert "/translators/record/ps/pages/beta/" not in links, "beta is English only"
    for link in links:
        assert client.get(link).status_code == 200, link
    assert 'href="/translators/record/ps/"' in client.get("/translators/").get_data(as_text=True)


def test_a_query_the_page_does_not_read_does_not_change_it(client):
    assert client.get(RECORD_URL + "?utm=x").get_data() == client.get(RECORD_URL).get_data()


def test_no_offline_pack_carries_the_recording_page_scripts(app):
    with app.test_request_context("/ps/"):
        urls = pack_urls("ps")
        assets = site_of(app).assets
        assert assets.url("site.css") in urls
        assert assets.url("record.js") not in urls and assets.url("fflate.js") not in urls
