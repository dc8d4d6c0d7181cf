"""Serbian names on the words-on-papers page: a name no source prints is never shown as if it were sure."""

from __future__ import annotations

import html
import re

import pytest
from conftest import PROJECT_DIR, make_app
from flask_babel import force_locale
from flask_babel import gettext as _
from test_leaflets import get_pdf, pdf_text
from test_papers import APPEAL, DECISION, build_problem, write_papers

from rightsinfo.build import build_site
from rightsinfo.content import read_content
from rightsinfo.i18n import LOCALE_BY_PREFIX

MARK = "Serbian name not confirmed by a source: ask a lawyer or an interpreter."
UNCONFIRMED_APPEAL = APPEAL.replace("sources: [S1, S2]\n", "sources: [S1, S2]\nsr_sources: unconfirmed\n")


def section(body: str, term_id: str) -> str:
    """Return the HTML of one word's section on the papers page."""
    found = re.search(rf'<section class="paper" id="{term_id}".*?</section>', body, re.S)
    assert found, term_id
    return found.group(0)


@pytest.fixture
def marked_client(site_dirs):
    """The fixture site with two words on papers, the appeal's Serbian name printed by no source."""
    write_papers(site_dirs["content"], decision=DECISION, appeal=UNCONFIRMED_APPEAL)
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs).test_client()


@pytest.mark.parametrize("lang", list(LOCALE_BY_PREFIX))
def test_a_serbian_name_no_source_prints_is_marked_unconfirmed_in_every_language(marked_client, lang):
    body = marked_client.get(f"/{lang}/papers/").get_data(as_text=True)
    assert 'class="notice notice-warn paper-unconfirmed"' in section(body, "appeal")
    assert "paper-unconfirmed" not in section(body, "decision")


def test_the_papers_leaflet_stars_the_unconfirmed_name_and_says_why(marked_client, tmp_path):
    text = pdf_text(get_pdf(marked_client, "/en/papers/leaflet.pdf?size=a4"), tmp_path)
    assert "Жалба*" in text
    assert "Решење*" not in text
    assert MARK in " ".join(text.split())


def test_sources_for_a_serbian_name_must_be_listed_or_the_name_marked_unconfirmed(site_dirs):
    vague = DECISION.replace("sources: [S1]\n", "sources: [S1]\nsr_sources: maybe\n")
    unknown = APPEAL.replace("sources: [S1, S2]\n", "sources: [S1, S2]\nsr_sources: [S99]\n")
    message = build_problem(site_dirs, decision=vague, appeal=unknown)
    assert "decision.yaml:6: 'sr_sources' must list the sources that print the Serbian name" in message
    assert "appeal.yaml:7: 'sr_sources': source 'S99' is not in content/sources.yaml" in message


@pytest.mark.parametrize("lang", list(LOCALE_BY_PREFIX))
def test_every_real_word_whose_serbian_no_source_prints_carries_the_mark_in_the_readers_language(
    real_app, lang
):
    papers = read_content(PROJECT_DIR / "content").papers
    unconfirmed = {paper.id for paper in papers if not paper.sr_sources}
    assert unconfirmed, "the real content has names no source prints (see content/papers/*.yaml)"
    body = real_app.test_client().get(f"/{lang}/papers/").get_data(as_text=True)
    with real_app.test_request_context(), force_locale(LOCALE_BY_PREFIX[lang]):
        mark = _(MARK)
    assert lang == "en" or mark != MARK, "the mark is translated"
    for paper in papers:
        assert (mark in section(body, paper.id)) == (paper.id in unconfirmed), paper.id


def hit_item(body: str, href: str) -> str:
    """Return the HTML of the search result linking to ``href``."""
    found = re.search(rf'<li><a href="{re.escape(href)}".*?</li>', body, re.S)
    assert found, href
    return found.group(0)


def mark_in(client, lang: str) -> str:
    """Return the unconfirmed-name sentence as the client's site says it in ``lang``."""
    with client.application.test_request_context(), force_locale(LOCALE_BY_PREFIX[lang]):
        return _(MARK)


@pytest.mark.parametrize("lang", list(LOCALE_BY_PREFIX))
def test_a_search_result_marks_a_serbian_name_no_source_prints(marked_client, lang):
    appeal = marked_client.get(f"/{lang}/search", query_string={"q": "ЖАЛБА"}).get_data(as_text=True)
    said = re.search(r'<p class="hit-unconfirmed">(.*?)</p>', hit_item(appeal, f"/{lang}/papers/#appeal"))
    assert said, "the result says its Serbian name is not confirmed"
    assert re.sub("<[^>]+>", "", said.group(1)) == mark_in(marked_client, lang)
    decision = marked_client.get(f"/{lang}/search", query_string={"q": "РЕШЕЊЕ"}).get_data(as_text=True)
    assert "hit-unconfirmed" not in hit_item(decision, f"/{lang}/papers/#decision")


def test_the_offline_search_pack_marks_a_serbian_name_no_source_prints(marked_client):
    body = marked_client.get("/ps/search").get_data(as_text=True)
    said = re.search(r'data-unconfirmed="([^"]*)"', body)
    assert said and mark_in(marked_client, "ps") in html.unescape(said.group(1))
    entries = {entry["u"]: entry for entry in marked_client.get("/ps/search-pack.json").get_json()["entries"]}
    assert entries["/ps/papers/#appeal"]["n"] == 1
    assert "n" not in entries["/ps/papers/#decision"]
