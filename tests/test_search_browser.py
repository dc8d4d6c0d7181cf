"""Offline search in Chromium: a word copied off a Serbian paper, in either script, finds its entry.

The language is saved as a reader saves it, the server is then killed, and the search page (from the
phone's pack) answers with static/search.js and fold.js alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from browser import Server, build, copy_real_site, wait_for

pytestmark = pytest.mark.browser
READY_TIMEOUT_SECONDS = 60.0
SEARCH_TIMEOUT_SECONDS = 10.0
LANGS = ("ps", "ur")
STATE = "document.querySelector('[data-offline-state]').getAttribute('data-offline-state')"
HITS = """() => Array.from(document.querySelectorAll('#results .hits li'), (li) => ({
  href: li.querySelector('a').getAttribute('href'),
  serbian: (li.querySelector('.hit-sr') || {textContent: ''}).textContent,
  unconfirmed: (li.querySelector('.hit-sr + .hit-unconfirmed') || {textContent: ''}).textContent,
}))"""


@pytest.fixture(scope="module")
def offline_pages(tmp_path_factory, chromium) -> Iterator[dict]:
    """Save each of LANGS in one browser (with FEEDBACK_EMAIL set), then kill the server: offline."""
    dirs = copy_real_site(tmp_path_factory.mktemp("search-browser"), FEEDBACK_EMAIL="editors@example.org")
    build(dirs)
    context = chromium.new_context(service_workers="allow")
    pages = {}
    with Server(dirs) as server:
        for lang in LANGS:
            page = context.new_page()
            page.goto(f"{server.base_url}/{lang}/")
            wait_for(page, f"{STATE} === 'ready'", READY_TIMEOUT_SECONDS, "data-offline-state='ready'")
            pages[lang] = page
        base_url = server.base_url
        server.stop()
        yield {"pages": pages, "base_url": base_url}
    context.close()


def search_offline(offline_pages: dict, lang: str, query: str) -> object:
    """Open the saved search page for a query and wait until the offline search has answered."""
    page = offline_pages["pages"][lang]
    page.goto(f"{offline_pages['base_url']}/{lang}/search?q={quote(query)}")
    wait_for(page, "document.querySelector('#results[data-search=offline]')", SEARCH_TIMEOUT_SECONDS,
             "offline search results")  # fmt: skip
    return page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("РЕШЕЊЕ", "decision"),
        ("ЖАЛБА", "appeal"),
        ("Канцеларија за азил", "asylum-office"),
        ("resenje", "decision"),
    ],
)
def test_a_word_off_a_paper_finds_its_entry_offline(offline_pages, lang, query, key):
    page = search_offline(offline_pages, lang, query)
    hits = page.evaluate(HITS)
    found = next((hit for hit in hits if hit["href"] == f"/{lang}/papers/#{key}"), None)
    assert found, f"{query!r} did not find {key} offline: {hits}"
    assert "·" in found["serbian"], "the Serbian term is shown beside the result"


@pytest.mark.parametrize("lang", LANGS)
def test_offline_a_serbian_name_no_source_prints_is_marked_beside_the_result(offline_pages, lang):
    hits = {hit["href"]: hit for hit in search_offline(offline_pages, lang, "ЖАЛБА РЕШЕЊЕ").evaluate(HITS)}
    appeal, decision = hits[f"/{lang}/papers/#appeal"], hits[f"/{lang}/papers/#decision"]
    said = offline_pages["pages"][lang].evaluate("document.querySelector('#results').dataset.unconfirmed")
    assert said and appeal["unconfirmed"] == said, "Žalba: no source prints it (content/papers/appeal.yaml)"
    assert decision["unconfirmed"] == "", "Rešenje is printed by its sources"


def test_a_romanised_word_finds_its_page_offline(offline_pages):
    page = search_offline(offline_pages, "ur", "wakeel")
    assert "/ur/detention/" in [hit["href"] for hit in page.evaluate(HITS)]


def test_nothing_found_offline_suggests_the_papers_page_and_a_mail_with_the_query(offline_pages):
    page = search_offline(offline_pages, "ps", "qqqzzz")
    links = page.evaluate(
        "() => Array.from(document.querySelectorAll('#results .nothing-found a'),"
        " (a) => a.getAttribute('href'))"
    )
    assert "/ps/papers/" in links
    assert any(link.startswith("tel:") for link in links), "the emergency numbers are offered"
    mail = next(link for link in links if link.startswith("mailto:editors@example.org"))
    assert mail.endswith("qqqzzz")


def is_topic(href: str, lang: str) -> bool:
    """Return whether a result address is a topic page (/<lang>/<slug>/), not a word or organisation."""
    return href.count("/") == 3 and not href.startswith((f"/{lang}/papers/", f"/{lang}/organisations/"))


@pytest.mark.parametrize(("lang", "common"), [("ps", "پناه"), ("ur", "پناہ")])
def test_offline_a_common_word_lists_the_topics_first_and_a_word_off_a_paper_leads(
    offline_pages, lang, common
):
    hrefs = [hit["href"] for hit in search_offline(offline_pages, lang, common).evaluate(HITS)]
    topics = [index for index, href in enumerate(hrefs) if is_topic(href, lang)]
    words = [index for index, href in enumerate(hrefs) if href.startswith(f"/{lang}/papers/#")]
    assert topics and words, hrefs
    assert max(topics) < min(words), hrefs
    for query, key in (("РЕШЕЊЕ", "decision"), ("zalba", "appeal")):
        first = search_offline(offline_pages, lang, query).evaluate(HITS)[0]["href"]
        assert first == f"/{lang}/papers/#{key}", (query, first)
